#!/usr/bin/env bash
# A release by rolling update, rolled back by itself: apply the manifests, wait for every
# Deployment's rollout, smoke-test the sign-in flow against the new pods, and on any failure
# `kubectl rollout undo` each Deployment the release changed, then exit non-zero.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/deploy-rollout.sh [-h] <kustomize-dir>

  1. notes the revision of each of $DEPLOYMENTS;
  2. kubectl apply -k <kustomize-dir> (set the image first: kustomize edit set image …);
  3. kubectl rollout status for each Deployment (up to ROLLOUT_TIMEOUT);
  4. runs SMOKE_CMD against service/$SERVICE through kubectl port-forward;
  5. if 2-4 fail: kubectl rollout undo --to-revision=<noted> for each Deployment whose revision
     changed, waits for that rollout, and exits 1.

Environment:
  NAMESPACE        Kubernetes namespace (default: the context's)
  DEPLOYMENTS      space-separated (default: "otp-login-api otp-login-worker")
  SERVICE          the Service the smoke test goes through (default: otp-login-api)
  ROLLOUT_TIMEOUT  per Deployment (default: 300s)
  SMOKE_CMD        called with the base URL (default: scripts/smoke.sh; needs SMOKE_EMAIL, SMOKE_CODE)
  SMOKE_PORT       local port of the port-forward (default: 18080)
USAGE
}

if [ "${1:-}" = "-h" ]; then usage; exit 0; fi
if [ "$#" -ne 1 ]; then usage >&2; exit 2; fi
dir="$1"
here="$(cd "$(dirname "$0")" && pwd)"
read -r -a deployments <<<"${DEPLOYMENTS:-otp-login-api otp-login-worker}"
service="${SERVICE:-otp-login-api}"
timeout="${ROLLOUT_TIMEOUT:-300s}"
SMOKE_CMD="${SMOKE_CMD:-$here/smoke.sh}"
kc=(kubectl)
if [ -n "${NAMESPACE:-}" ]; then kc+=(--namespace "$NAMESPACE"); fi
# shellcheck source=lib/port-forward.sh
. "$here/lib/port-forward.sh"

command -v kubectl >/dev/null || { echo "error: kubectl not found" >&2; exit 127; }

revision() {
  "${kc[@]}" get deployment "$1" --ignore-not-found \
    -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'
}

declare -A before
for d in "${deployments[@]}"; do before[$d]="$(revision "$d")"; done

rollback() {
  echo "release failed: $1" >&2
  local d now
  for d in "${deployments[@]}"; do
    now="$(revision "$d")"
    if [ -z "${before[$d]}" ]; then
      echo "deployment/$d did not exist before this release: nothing to roll back to" >&2
    elif [ "$now" != "${before[$d]}" ]; then
      echo "rolling back deployment/$d to revision ${before[$d]}" >&2
      "${kc[@]}" rollout undo "deployment/$d" --to-revision="${before[$d]}" || true
      "${kc[@]}" rollout status "deployment/$d" --timeout="$timeout" || true
    fi
  done
  exit 1
}

"${kc[@]}" apply -k "$dir" || rollback "kubectl apply -k $dir failed"
for d in "${deployments[@]}"; do
  "${kc[@]}" rollout status "deployment/$d" --timeout="$timeout" || rollback "deployment/$d did not roll out"
done
smoke_through "$service" "${SMOKE_PORT:-18080}" || rollback "the smoke test failed against the new pods"
echo "release rolled out: ${deployments[*]} ready and the sign-in flow works"
