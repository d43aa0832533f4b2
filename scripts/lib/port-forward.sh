# Sourced by the deploy scripts: a smoke test through `kubectl port-forward`, so it reaches the
# pods from a machine outside the cluster network (a CI runner). Needs `kc` (the kubectl command
# as an array) and SMOKE_CMD.

# smoke_through SERVICE LOCAL_PORT: the smoke command against service/SERVICE; its exit status.
smoke_through() {
  local service="$1" port="$2" pf status
  "${kc[@]}" port-forward "service/$service" "$port:80" >/dev/null 2>&1 &
  pf=$!
  set +e
  ${SMOKE_CMD} "http://127.0.0.1:$port"
  status=$?
  set -e
  kill "$pf" 2>/dev/null || true
  wait "$pf" 2>/dev/null || true
  return "$status"
}
