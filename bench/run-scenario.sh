#!/usr/bin/env bash
# run-scenario.sh TARGET SCENARIO [options]: one scenario against one stack, with plots.
#   TARGET: orleans | socketio     SCENARIO: ramp | fanout | dm | reconnect
#   options go to the generator, e.g. --Clients 5000 --Rates 0.83,2,4 (see bench/README.md).
source "$(dirname "$0")/lib/stack.sh"
target=${1:?orleans or socketio}; scenario=${2:?ramp, fanout, dm or reconnect}; shift 2
OUT=${OUT:-$BENCH_DIR/results/tmp/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
need
trap stop_all EXIT
start_redis
if [ "$target" = orleans ]; then start_orleans; else start_baseline; fi
start_nginx
run_bench "$target" "$target-$scenario" --Scenario "$scenario" "$@"
plot "$target-$scenario"
