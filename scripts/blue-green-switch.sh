#!/usr/bin/env bash
# Blue-green switch: point the Service's `track` selector at the other Deployment once that
# Deployment is fully rolled out and Available; switch back if the cut-over cannot be verified.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/blue-green-switch.sh [-h] <blue|green>

Switches Service $SERVICE from its current track to <blue|green>:
  1. waits for deployment/$DEPLOYMENT_PREFIX-<track> to finish its rollout and be Available
     with every replica ready (kubectl rollout status / kubectl wait);
  2. patches the Service selector to track=<track>;
  3. verifies the Service has ready endpoints (and, if SMOKE_URL is set, that it answers 2xx);
  4. on any failure after the patch, restores the previous selector and exits non-zero.
The old Deployment is left running so a switch back is instant; scale it down when satisfied.

Environment:
  NAMESPACE           Kubernetes namespace (default: current context's namespace)
  SERVICE             Service name (default: otp-login-api)
  DEPLOYMENT_PREFIX   Deployments are <prefix>-blue and <prefix>-green (default: otp-login-api)
  ROLLOUT_TIMEOUT     how long to wait for the new Deployment (default: 300s)
  SMOKE_URL           optional URL checked after the switch, e.g. https://api.example.com/health/ready
USAGE
}

while getopts ':h' opt; do
  case "$opt" in
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

if [ "$#" -ne 1 ]; then usage >&2; exit 2; fi
target="$1"
case "$target" in
  blue | green) ;;
  *) echo "error: track must be blue or green" >&2; exit 2 ;;
esac

service="${SERVICE:-otp-login-api}"
prefix="${DEPLOYMENT_PREFIX:-otp-login-api}"
timeout="${ROLLOUT_TIMEOUT:-300s}"
deployment="$prefix-$target"
kc=(kubectl)
if [ -n "${NAMESPACE:-}" ]; then kc+=(--namespace "$NAMESPACE"); fi

command -v kubectl >/dev/null || { echo "error: kubectl not found" >&2; exit 127; }

current="$("${kc[@]}" get service "$service" -o jsonpath='{.spec.selector.track}')"
if [ "$current" = "$target" ]; then
  echo "service/$service already routes to track=$target; nothing to do"
  exit 0
fi
echo "service/$service routes to track=${current:-<none>}; switching to track=$target"

# The new Deployment's pods must carry the label the Service is about to select.
pod_track="$("${kc[@]}" get deployment "$deployment" -o jsonpath='{.spec.template.metadata.labels.track}')"
if [ "$pod_track" != "$target" ]; then
  echo "error: deployment/$deployment pods are labelled track=${pod_track:-<none>}, expected $target" >&2
  exit 1
fi

echo "waiting for deployment/$deployment (timeout $timeout)"
"${kc[@]}" rollout status "deployment/$deployment" --timeout="$timeout"
"${kc[@]}" wait --for=condition=Available "deployment/$deployment" --timeout="$timeout"
read -r desired ready <<<"$("${kc[@]}" get deployment "$deployment" \
  -o jsonpath='{.spec.replicas} {.status.readyReplicas}')"
if [ -z "${ready:-}" ] || [ "$ready" -lt 1 ] || [ "$ready" -lt "$desired" ]; then
  echo "error: deployment/$deployment has ${ready:-0}/$desired ready replicas; not switching" >&2
  exit 1
fi

patch_track() {
  "${kc[@]}" patch service "$service" --type=merge -p "{\"spec\":{\"selector\":{\"track\":\"$1\"}}}"
}

rollback() {
  echo "switch failed: $1" >&2
  if [ -n "$current" ]; then
    echo "rolling back service/$service to track=$current" >&2
    patch_track "$current"
  else
    echo "no previous track to restore; service/$service still selects track=$target" >&2
  fi
  exit 1
}

patch_track "$target"

# Wait until the Service's ready endpoints are pods of the new track (the endpoints controller
# applies the new selector within seconds; stale old-track addresses do not count).
switched=""
for _ in $(seq 1 15); do
  endpoints="$("${kc[@]}" get endpoints "$service" -o jsonpath='{.subsets[*].addresses[*].ip}' 2>/dev/null || true)"
  new_ips="$("${kc[@]}" get pods -l "track=$target" -o jsonpath='{.items[*].status.podIP}' 2>/dev/null || true)"
  for ip in $endpoints; do
    case " $new_ips " in *" $ip "*) switched=yes ;; esac
  done
  [ -n "$switched" ] && break
  sleep 2
done
[ -n "$switched" ] || rollback "service/$service has no ready track=$target endpoints after the switch"

if [ -n "${SMOKE_URL:-}" ]; then
  ok=""
  for _ in $(seq 1 10); do
    if curl -fsS -o /dev/null --max-time 5 "$SMOKE_URL"; then ok=yes; break; fi
    sleep 3
  done
  [ -n "$ok" ] || rollback "smoke check $SMOKE_URL did not answer 2xx"
fi

echo "service/$service now routes to track=$target (previous: ${current:-<none>})"
echo "scale the old track down when satisfied: kubectl scale deployment/$prefix-${current:-<old>} --replicas=0"
