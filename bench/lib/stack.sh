# Starts and stops what a benchmark runs against: Redis, nginx, the Socket.IO baseline, Orleans.Chat.
# Sourced by the run-*.sh scripts. Ports 4400-4499 (see bench/README.md).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
STATE="$BENCH_DIR/results/tmp/stack"
REDIS_PORT=${REDIS_PORT:-4490}
NGINX_ORLEANS_PORT=${NGINX_ORLEANS_PORT:-4480}
NGINX_BASELINE_PORT=${NGINX_BASELINE_PORT:-4481}
NGINX_WORKERS=${NGINX_WORKERS:-4}
# Room-event streams of the cluster: Memory (Orleans' memory provider) or Kafka (the product's
# provider, against librdkafka's mock cluster run by kcat; its CPU is reported as group "kafka").
BENCH_STREAMS=${BENCH_STREAMS:-Memory}
BASELINE_PORTS=(${BASELINE_PORTS:-4401 4402 4403})
# The 3-node cluster through scripts/cluster.sh when the repository has it; else one embedded node.
if [ -x "$REPO_DIR/scripts/cluster.sh" ]; then ORLEANS_MODE=${ORLEANS_MODE:-cluster}; else ORLEANS_MODE=${ORLEANS_MODE:-single}; fi
if [ "$ORLEANS_MODE" = cluster ]; then ORLEANS_HTTP_PORTS=(${ORLEANS_HTTP_PORTS:-4411 4412 4413}); else ORLEANS_HTTP_PORTS=(${ORLEANS_HTTP_PORTS:-4411}); fi
# Rate limits raised (never below the contract's 30 burst / 5 per second) so steps above 5 msg/s per user are measured, not refused.
NODE_LIMITS="--Chat:RateLimit:Burst=200 --Chat:RateLimit:PerSecond=100"
BENCH_DLL="$BENCH_DIR/Orleans.Chat.Bench/bin/Release/net10.0/Orleans.Chat.Bench.dll"
NODE_DLL_DIR="$REPO_DIR/WebSocketEdge/bin/Release/net10.0"
mkdir -p "$STATE"

need() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  [ "$BENCH_STREAMS" = Kafka ] && { command -v kcat >/dev/null || missing+=(kcat); }
  if ((${#missing[@]})); then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  (cd "$BENCH_DIR/baseline" && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent; })
  dotnet build "$REPO_DIR/WebSocketEdge" -c Release -v q -nologo >/dev/null
  dotnet build "$BENCH_DIR/Orleans.Chat.Bench" -c Release -v q -nologo >/dev/null
}

wait_http() { # url, seconds
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "timed out waiting for $1" >&2; return 1; }
    sleep 0.5
  done
}

start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" --maxclients 10000
  local deadline=$((SECONDS + 10))
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do ((SECONDS < deadline)) || return 1; sleep 0.2; done
}

start_baseline() {
  for port in "${BASELINE_PORTS[@]}"; do
    PORT=$port REDIS_URL="redis://127.0.0.1:$REDIS_PORT" node "$BENCH_DIR/baseline/server.js" >"$STATE/baseline-$port.log" 2>&1 &
    echo $! >"$STATE/baseline-$port.pid"
  done
  for port in "${BASELINE_PORTS[@]}"; do wait_http "http://127.0.0.1:$port/health" 30; done
}

# librdkafka's mock cluster (3 brokers, topics auto-created with 4 partitions) in a kcat process;
# its bootstrap list is only printed in the log, on the "replaced with" line.
start_kafka() {
  : >"$STATE/kafka.log"
  kcat -b localhost:1 -X test.mock.num.brokers=3 -E -C -t __keepalive -o end >"$STATE/kafka.log" 2>&1 &
  echo $! >"$STATE/kafka.pid"
  local deadline=$((SECONDS + 15))
  until grep -q "replaced with" "$STATE/kafka.log"; do
    ((SECONDS < deadline)) || { echo "the Kafka mock printed no bootstrap" >&2; return 1; }
    sleep 0.2
  done
  KAFKA_BOOTSTRAP=$(grep -o "replaced with [0-9.:,]*" "$STATE/kafka.log" | head -1 | cut -d' ' -f3)
}

stream_args() {
  [ "$BENCH_STREAMS" = Kafka ] && echo "--Chat:Streams:Provider=Kafka --Chat:Kafka:BootstrapServers=$KAFKA_BOOTSTRAP"
  return 0
}

# Settings every Orleans.Chat node of a run gets; BENCH_NODE_ARGS comes last so its settings win
# (e.g. --Chat:Edge:Dashboard=true).
node_args() {
  echo "$NODE_LIMITS $(stream_args) --Logging:LogLevel:Default=Warning ${BENCH_NODE_ARGS:-}"
}

# The cluster launcher (scripts/cluster.sh) with its ports moved into this range and told to use
# the benchmark's Redis; the benchmark's own nginx (same config for both stacks) fronts the nodes.
cluster() {
  # shellcheck disable=SC2086
  env ${BENCH_NODE_ENV:-} CHAT_PORT_BASE=4400 CHAT_REDIS="127.0.0.1:$REDIS_PORT" CHAT_RUN_DIR="$STATE/cluster" CHAT_STORE="${BENCH_STORE:-Redis}" \
    CHAT_NO_BUILD=1 CHAT_NODE_ARGS="$(node_args)" "$REPO_DIR/scripts/cluster.sh" "$@"
}

start_orleans() {
  if [ "$BENCH_STREAMS" = Kafka ]; then start_kafka; fi
  if [ "$ORLEANS_MODE" = cluster ]; then
    cluster start "${#ORLEANS_HTTP_PORTS[@]}"
    return
  fi
  local i=0
  for port in "${ORLEANS_HTTP_PORTS[@]}"; do
    (cd "$NODE_DLL_DIR" && exec env ${BENCH_NODE_ENV:-} dotnet Orleans.Chat.WebSocketEdge.dll --urls "http://127.0.0.1:$port" \
      --Chat:Cluster:SiloPort=$((4421 + i)) --Chat:Cluster:GatewayPort=$((4431 + i)) $(node_args)) >"$STATE/orleans-$port.log" 2>&1 &
    echo $! >"$STATE/orleans-$port.pid"
    i=$((i + 1))
  done
  for port in "${ORLEANS_HTTP_PORTS[@]}"; do wait_http "http://127.0.0.1:$port/health" 90; done
}

start_nginx() {
  local prefix="$STATE/nginx" orleans="" baseline=""
  mkdir -p "$prefix/logs" "$prefix/tmp" "$prefix/conf"
  for port in "${ORLEANS_HTTP_PORTS[@]}"; do orleans+="        server 127.0.0.1:$port;"$'\n'; done
  for port in "${BASELINE_PORTS[@]}"; do baseline+="        server 127.0.0.1:$port;"$'\n'; done
  ORLEANS="$orleans" BASELINE="$baseline" python3 - "$BENCH_DIR/nginx/nginx.conf.template" "$prefix/conf/nginx.conf" <<PY
import os, sys
text = open(sys.argv[1]).read()
for key, value in {"PREFIX": "$prefix", "WORKERS": "$NGINX_WORKERS", "ORLEANS_PORT": "$NGINX_ORLEANS_PORT",
                   "BASELINE_PORT": "$NGINX_BASELINE_PORT", "ORLEANS_SERVERS": os.environ["ORLEANS"].rstrip(),
                   "BASELINE_SERVERS": os.environ["BASELINE"].rstrip()}.items():
    text = text.replace("@" + key + "@", value)
open(sys.argv[2], "w").write(text)
PY
  nginx -p "$prefix" -c conf/nginx.conf -t -q
  nginx -p "$prefix" -c conf/nginx.conf
  local deadline=$((SECONDS + 10))
  until [ -s "$prefix/nginx.pid" ]; do ((SECONDS < deadline)) || return 1; sleep 0.2; done
}

# Comma-separated pids of a group, for --Watch:<group>.
pids_of() {
  case "$1" in
    orleans) if [ "$ORLEANS_MODE" = cluster ]; then cat "$STATE"/cluster/nodes/*/pid | paste -sd,; else cat "$STATE"/orleans-*.pid | paste -sd,; fi ;;
    baseline) cat "$STATE"/baseline-*.pid | paste -sd, ;;
    redis) cat "$STATE/redis.pid" ;;
    kafka) cat "$STATE/kafka.pid" ;;
    nginx) { cat "$STATE/nginx/nginx.pid"; pgrep -P "$(cat "$STATE/nginx/nginx.pid")"; } | paste -sd, ;;
  esac
}

stop_all() {
  set +e
  [ -s "$STATE/nginx/nginx.pid" ] && nginx -p "$STATE/nginx" -c conf/nginx.conf -s quit 2>/dev/null
  for f in "$STATE"/baseline-*.pid "$STATE"/orleans-*.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null && rm -f "$f"
  done
  [ "$ORLEANS_MODE" = cluster ] && cluster stop
  [ -s "$STATE/kafka.pid" ] && kill "$(cat "$STATE/kafka.pid")" 2>/dev/null && rm -f "$STATE/kafka.pid"
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1
  sleep 1
  set -e
}

# run_bench TARGET(orleans|socketio) NAME [bench options...]: one run against the stack, watched processes grouped.
run_bench() {
  local target=$1 name=$2; shift 2
  local url servers
  if [ "$target" = orleans ]; then url="http://127.0.0.1:$NGINX_ORLEANS_PORT"; servers=$(pids_of orleans)
  else url="http://127.0.0.1:$NGINX_BASELINE_PORT"; servers=$(pids_of baseline); fi
  BENCH_COMMIT=$(git -C "$REPO_DIR" rev-parse --short HEAD) dotnet "$BENCH_DLL" \
    --Target "$([ "$target" = orleans ] && echo Orleans || echo SocketIo)" --Url "$url" --Name "$name" --Out "$OUT" \
    --Watch:server "$servers" --Watch:nginx "$(pids_of nginx)" --Watch:redis "$(pids_of redis)" \
    $([ "$target" = orleans ] && [ "$BENCH_STREAMS" = Kafka ] && echo --Watch:kafka "$(pids_of kafka)") "$@"
}

plot() { # NAME...: throughput, latency and CPU over time from NAME.tsv
  for name in "$@"; do "$BENCH_DIR/lib/plot.sh" "$OUT/$name.tsv" "$OUT/$name"; done
}
