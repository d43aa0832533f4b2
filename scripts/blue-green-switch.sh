#!/usr/bin/env bash
# Blue-green release: roll the new image out on the idle colour, smoke-test it there, point the
# Service at it, smoke-test again through the Service, and switch back by itself on failure.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/blue-green-switch.sh [-h] <image>
       scripts/blue-green-switch.sh [-h] --back

With <image>, on the layout of deploy/k8s/blue-green:
  1. reads the live colour from service/$SERVICE's selector `track` (the idle one is the other);
  2. sets <image> on deployment/$PREFIX-<idle> and scales it to $REPLICAS;
  3. waits for its rollout (kubectl rollout status, up to ROLLOUT_TIMEOUT);
  4. smoke-tests the idle colour through service/$PREFIX-<idle> (its pods only);
  5. patches service/$SERVICE's selector to track=<idle>;
  6. smoke-tests again through service/$SERVICE;
  7. if 6 fails, patches the selector back to the previous colour and exits 1.
A failure in 2-4 exits 1 and leaves the Service as it was. --back skips 2 and 3: it moves the
Service to the other colour, still running the previous release (after the same smoke tests).
The previous colour keeps running for an instant way back; scale it down when satisfied.

Environment:
  NAMESPACE        Kubernetes namespace (default: the context's)
  SERVICE          the Service users reach (default: otp-login-api)
  PREFIX           Deployments and Services are <prefix>-blue, <prefix>-green (default: otp-login-api)
  CONTAINER        the container to set the image on (default: api)
  REPLICAS         replicas of the colour going live (default: 3)
  ROLLOUT_TIMEOUT  (default: 300s)
  SMOKE_CMD        called with the base URL (default: scripts/smoke.sh; needs SMOKE_EMAIL, SMOKE_CODE)
  SMOKE_PORT       local port of the port-forwards (default: 18081)
USAGE
}

if [ "${1:-}" = "-h" ]; then usage; exit 0; fi
if [ "$#" -ne 1 ]; then usage >&2; exit 2; fi
image=""
[ "$1" = "--back" ] || image="$1"
here="$(cd "$(dirname "$0")" && pwd)"
service="${SERVICE:-otp-login-api}"
prefix="${PREFIX:-otp-login-api}"
timeout="${ROLLOUT_TIMEOUT:-300s}"
port="${SMOKE_PORT:-18081}"
SMOKE_CMD="${SMOKE_CMD:-$here/smoke.sh}"
kc=(kubectl)
if [ -n "${NAMESPACE:-}" ]; then kc+=(--namespace "$NAMESPACE"); fi
# shellcheck source=lib/port-forward.sh
. "$here/lib/port-forward.sh"

command -v kubectl >/dev/null || { echo "error: kubectl not found" >&2; exit 127; }

live="$("${kc[@]}" get service "$service" -o jsonpath='{.spec.selector.track}')"
case "$live" in
  blue) idle=green ;;
  green) idle=blue ;;
  *) echo "error: service/$service selects track=${live:-<none>}, expected blue or green (apply deploy/k8s/blue-green first)" >&2; exit 1 ;;
esac
echo "service/$service routes to track=$live; releasing on track=$idle"

if [ -n "$image" ]; then
  "${kc[@]}" set image "deployment/$prefix-$idle" "${CONTAINER:-api}=$image"
  "${kc[@]}" scale "deployment/$prefix-$idle" --replicas="${REPLICAS:-3}"
  if ! "${kc[@]}" rollout status "deployment/$prefix-$idle" --timeout="$timeout"; then
    echo "error: deployment/$prefix-$idle did not roll out; service/$service still routes to track=$live" >&2
    exit 1
  fi
fi

if ! smoke_through "$prefix-$idle" "$port"; then
  echo "error: the smoke test failed on track=$idle; service/$service still routes to track=$live" >&2
  exit 1
fi

patch_track() {
  "${kc[@]}" patch service "$service" --type=merge -p "{\"spec\":{\"selector\":{\"track\":\"$1\"}}}"
}

patch_track "$idle"
if ! smoke_through "$service" "$port"; then
  echo "error: the smoke test failed through service/$service after the switch; switching back to track=$live" >&2
  patch_track "$live"
  exit 1
fi

echo "service/$service now routes to track=$idle (previous: track=$live, still running)"
echo "to go back: scripts/blue-green-switch.sh --back; when satisfied: kubectl scale deployment/$prefix-$live --replicas=0"
