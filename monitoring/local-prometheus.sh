#!/usr/bin/env bash
# Prometheus for the local cluster, from Debian's `prometheus` package; scripts/cluster.sh calls it.
#
#   monitoring/local-prometheus.sh start     install if missing, write the targets, start on base+8
#   monitoring/local-prometheus.sh targets   rewrite the targets from the running nodes (after scale)
#   monitoring/local-prometheus.sh stop
#   monitoring/local-prometheus.sh where     print the URL if it runs
#
# Same environment as scripts/cluster.sh: CHAT_PORT_BASE (default 3001), CHAT_RUN_DIR (default <repo>/.run).
# Node i's metrics are at http://127.0.0.1:<base+30+i>/metrics (its internal port).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${CHAT_RUN_DIR:-$ROOT/.run}"
BASE="${CHAT_PORT_BASE:-3001}"
DIR="$RUN/prometheus"
PORT=$((BASE + 8))

running() { [[ -f "$DIR/pid" ]] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; }

write_targets() {
    mkdir -p "$DIR"
    local targets=()
    for d in "$RUN"/nodes/[0-9]*; do
        [[ -d "$d" ]] && targets+=("\"127.0.0.1:$((BASE + 30 + $(basename "$d")))\"")
    done
    # Written beside and moved into place, so Prometheus never reads half a file.
    printf '[{"targets": [%s], "labels": {"cluster": "local"}}]\n' "$(IFS=,; echo "${targets[*]}")" > "$DIR/targets.json.new"
    mv "$DIR/targets.json.new" "$DIR/targets.json"
}

cmd_start() {
    if ! command -v prometheus >/dev/null; then
        echo "installing prometheus (Debian package)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1 \
            || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >/dev/null; }
    fi
    write_targets
    running && { cmd_where; return; }
    cp "$ROOT/monitoring/prometheus/prometheus.local.yml" "$DIR/prometheus.yml"
    (exec setsid prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
        --storage.tsdb.retention.time=1d --web.listen-address="127.0.0.1:$PORT" >>"$DIR/prometheus.log" 2>&1 </dev/null) &
    echo $! > "$DIR/pid"
    local deadline=$((SECONDS + 30))
    until curl -sf "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { echo "prometheus did not start (see $DIR/prometheus.log)" >&2; exit 1; }
        sleep 0.2
    done
    cmd_where
}

cmd_stop() {
    if running; then
        local pid; pid=$(cat "$DIR/pid")
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 20))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    fi
    rm -f "$DIR/pid"
}

cmd_where() {
    if running; then echo "prometheus http://127.0.0.1:$PORT  (targets: $DIR/targets.json)"; fi
}

case "${1:-}" in
    start) cmd_start ;;
    targets) if running; then write_targets; fi ;;
    stop) cmd_stop ;;
    where) cmd_where ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
