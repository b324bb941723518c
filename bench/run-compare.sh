#!/usr/bin/env bash
# run-compare.sh [small|full]: Orleans.Chat and the Socket.IO baseline side by side, same machine,
# same nginx, same Redis, one run. small: fan-out only, under 5 minutes. full: every scenario, under 30.
# Sizes of the full run: RAMP_CLIENTS (30000 on the cluster, 16000 on one node), RAMP_RATE (connects
# per second, 500: the cluster's connect + join costs ~8 ms of CPU, so it cannot take 2000/s here), LOAD_CLIENTS (5000).
source "$(dirname "$0")/lib/stack.sh"
size=${1:-small}
OUT=${OUT:-$BENCH_DIR/results/$size-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
need
trap stop_all EXIT
start_redis
start_baseline
start_orleans
start_nginx
# Sockets per generator process stay far below the 20000-fd limit; more workers for more clients.
case "$size" in
  small) scenarios=(fanout); common=(--Clients 1000 --Workers 2 --StepSeconds 12 --Rates 0.83,2,4,8,12) ;;
  full)
    scenarios=(ramp fanout dm reconnect)
    # The kernel's default ephemeral range (28k ports per source/destination pair) is enough with
    # per-client source addresses; it is widened anyway for nginx's own upstream sockets and restored at exit.
    old_range=$(sysctl -n net.ipv4.ip_local_port_range)
    sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
    trap 'sysctl -qw net.ipv4.ip_local_port_range="$old_range"; stop_all' EXIT
    common=(--Workers 4 --StepSeconds 20) ;;
  *) echo "usage: $0 [small|full]" >&2; exit 2 ;;
esac
args_for() {
  case "$size:$1" in
    # One embedded node refuses past 18000 sockets (fd limit); the cluster spreads 30000 over three.
    full:ramp) echo --Clients "${RAMP_CLIENTS:-$([ "$ORLEANS_MODE" = cluster ] && echo 30000 || echo 16000)}" --ConnectRate "${RAMP_RATE:-500}" --HoldSeconds 30 ;;
    full:fanout) echo --Clients "${LOAD_CLIENTS:-5000}" --Rates 0.2,0.5,0.83,1.5,2.5,4 ;;
    full:dm) echo --Clients "${LOAD_CLIENTS:-5000}" --Rates 0.83,2,4,8,16 ;;
    full:reconnect) echo --Clients "${LOAD_CLIENTS:-5000}" --Rates 0.5 --DropPercent 30 ;;
    *) echo ;;
  esac
}
for scenario in "${scenarios[@]}"; do
  for target in orleans socketio; do
    # One failed scenario must not cost the rest of a long run.
    run_bench "$target" "$target-$scenario" --Scenario "$scenario" "${common[@]}" $(args_for "$scenario") || echo "$target $scenario failed" >&2
    plot "$target-$scenario"
  done
  if [ -f "$OUT/orleans-$scenario.json" ] && [ -f "$OUT/socketio-$scenario.json" ]; then
    dotnet "$BENCH_DLL" compare "$OUT/orleans-$scenario.json" "$OUT/socketio-$scenario.json" "$OUT/compare.md" >/dev/null
  fi
done
cat "$OUT"/*-*.md >"$OUT/runs.md"
echo "side by side: $OUT/compare.md"
cat "$OUT/compare.md"
