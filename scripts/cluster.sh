#!/usr/bin/env bash
# Local Orleans.Chat cluster without Docker: Redis, N edge nodes (each co-hosting a silo) and nginx.
# The same verbs and output as ./docker-start.sh (the compose stack), with nodes named chat-1, chat-2, …
#
#   scripts/cluster.sh start [N]     install missing packages, build, start Redis, N nodes (default 3), nginx
#   scripts/cluster.sh stop          drain and stop the nodes, then nginx and Redis
#   scripts/cluster.sh status        per node: state, connections, restarts, pid, silo; then nginx, Redis, membership
#   scripts/cluster.sh health        /health of each node and through nginx; exits 1 if any is not 200
#   scripts/cluster.sh scale         nodes, connections and memory per node, capacity per node and in total
#   scripts/cluster.sh scale N       add or remove nodes while running (nginx reloaded)
#   scripts/cluster.sh logs [chat-N|nginx|redis] [-f]
#   scripts/cluster.sh build         build the node (Release)
#   scripts/cluster.sh restart       rebuild, then one node at a time: drained, restarted, healthy (120 s deadline)
#
# Supervision: each node runs under scripts/supervise.sh, which restarts it when it exits unasked
# (crash, kill -9) with backoff, at most CHAT_MAX_RESTARTS times in CHAT_RESTART_WINDOW seconds; status
# shows the restarts. Files per node in $CHAT_RUN_DIR/nodes/I/: pid (the node process), node.log,
# supervisor.pid, supervisor.log, restarts, state.
#
# Environment (all optional):
#   CHAT_PORT_BASE  nginx listens here; everything else is derived from it (default 3001):
#                   Redis base+1, node i: HTTP base+10+i, internal base+30+i, silo base+50+i
#   CHAT_RUN_DIR    state directory (default <repo>/.run)
#   CHAT_REDIS      use this Redis (host:port) instead of starting one
#   CHAT_STORE      Chat:Store:Provider for the nodes (default Redis)
#   CHAT_EDGE_DLL   the built node (default WebSocketEdge/bin/Release/net10.0/Orleans.Chat.WebSocketEdge.dll)
#   CHAT_NO_BUILD   1 = do not build before starting or restarting
#   CHAT_NGINX_WORKERS  nginx worker processes (default 4)
#   CHAT_MAX_CONNECTIONS  Chat:Edge:MaxConnections per node (default 18000)
#   CHAT_NODE_ARGS  extra node arguments, e.g. "--Chat:Edge:DrainTimeout=00:00:02"
#   CHAT_SUPERVISE  0 = no supervision (a crashed node stays down, e.g. for tests that restart nodes themselves)
#   CHAT_MAX_RESTARTS, CHAT_RESTART_WINDOW, CHAT_RESTART_BACKOFF  see scripts/supervise.sh (5, 300 s, 1 s)
#   CHAT_PROMETHEUS 1 = also run Prometheus (Debian's package) on base+8, scraping every node
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${CHAT_RUN_DIR:-$ROOT/.run}"
BASE="${CHAT_PORT_BASE:-3001}"
STORE="${CHAT_STORE:-Redis}"
DLL="${CHAT_EDGE_DLL:-$ROOT/WebSocketEdge/bin/Release/net10.0/Orleans.Chat.WebSocketEdge.dll}"
WORKERS="${CHAT_NGINX_WORKERS:-4}"
MAX_CONNECTIONS="${CHAT_MAX_CONNECTIONS:-18000}"
MAX_NODES=19

# .NET runtime settings for small, shared CPUs (docs/operations.md, "Runtime settings"); a value
# already in the environment wins.
export DOTNET_gcServer="${DOTNET_gcServer:-0}"
export DOTNET_TieredPGO="${DOTNET_TieredPGO:-0}"
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit:-0}"

http_port() { echo $((BASE + 10 + $1)); }
internal_port() { echo $((BASE + 30 + $1)); }
silo_port() { echo $((BASE + 50 + $1)); }
redis_addr() { echo "${CHAT_REDIS:-127.0.0.1:$((BASE + 1))}"; }

say() { printf '%s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }

ensure_packages() {
    local missing=()
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v nginx >/dev/null || missing+=(nginx)
    command -v curl >/dev/null || missing+=(curl)
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        apt-get install -y "${missing[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
    fi
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_dirs() { find "$RUN/nodes" -mindepth 1 -maxdepth 1 -name '[0-9]*' 2>/dev/null | sort -V || true; }
node_count() { node_dirs | wc -l; }

wait_for() { # wait_for SECONDS CMD...
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

start_redis() {
    [[ -n "${CHAT_REDIS:-}" ]] && return
    local port=$((BASE + 1)) dir="$RUN/redis"
    mkdir -p "$dir"
    alive "$dir/redis.pid" && return
    # Append-only file: grain state and history survive a restart of the local cluster.
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save '' \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    wait_for 10 redis-cli -p "$port" ping || die "Redis did not start on $port (see $dir/redis.log)"
    say "redis      127.0.0.1:$port"
}

stop_redis() {
    [[ -n "${CHAT_REDIS:-}" ]] && return
    if alive "$RUN/redis/redis.pid"; then redis-cli -p $((BASE + 1)) shutdown >/dev/null 2>&1 || true; fi
}

signing_key() {
    [[ -f "$RUN/signing-key" ]] || head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$RUN/signing-key"
    cat "$RUN/signing-key"
}

start_node() { # start_node I
    local i=$1 dir="$RUN/nodes/$1"
    mkdir -p "$dir"
    alive "$dir/pid" && return
    local args=(
        "--urls=http://127.0.0.1:$(http_port "$i")"
        "--Chat:Cluster:Clustering=Redis"
        "--Chat:Cluster:ClusterId=$(cat "$RUN/cluster-id")"
        "--Chat:Cluster:AdvertisedAddress=127.0.0.1"
        "--Chat:Cluster:SiloPort=$(silo_port "$i")"
        "--Chat:Redis:ConnectionString=$(redis_addr)"
        "--Chat:Store:Provider=$STORE"
        "--Chat:Edge:InternalPort=$(internal_port "$i")"
        "--Chat:Edge:MaxConnections=$MAX_CONNECTIONS"
        "--Chat:Auth:SigningKey=$(signing_key)"
        "--Chat:Auth:DevTokens=true"
    )
    # shellcheck disable=SC2206
    [[ -n "${CHAT_NODE_ARGS:-}" ]] && args+=(${CHAT_NODE_ARGS})
    rm -f "$dir/pid" "$dir/stop"
    # The content root is the project folder, so the node serves the web page from wwwroot.
    # Its own session, so it outlives this script. The subshell holds none of this script's output
    # streams, so callers reading them see the end.
    if [[ "${CHAT_SUPERVISE:-1}" == 0 ]]; then
        # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner shell
        (cd "$ROOT/WebSocketEdge" && exec setsid bash -c 'echo $$ > "$0"; exec dotnet "$@"' "$dir/pid" "$DLL" "${args[@]}") \
            >>"$dir/node.log" 2>&1 < /dev/null &
    else
        (cd "$ROOT/WebSocketEdge" && exec setsid bash "$ROOT/scripts/supervise.sh" "$dir" dotnet "$DLL" "${args[@]}") \
            >>"$dir/node.log" 2>&1 < /dev/null &
    fi
    wait_for 5 test -s "$dir/pid" || die "chat-$i did not start"
}

wait_node() { # wait_node I
    wait_for 120 curl -sf "http://127.0.0.1:$(http_port "$1")/health" \
        || die "chat-$1 not healthy after 120 s (see $RUN/nodes/$1/node.log)"
    say "chat-$1     http 127.0.0.1:$(http_port "$1")  internal :$(internal_port "$1")  silo :$(silo_port "$1")  pid $(cat "$RUN/nodes/$1/pid")"
}

stop_dir() { # stop_dir DIR  -- the supervisor is told first, so the exit is not taken for a crash;
             # SIGTERM drains the node; kill -9 only if it hangs
    local dir=$1
    touch "$dir/stop"
    if alive "$dir/pid"; then
        local pid; pid=$(cat "$dir/pid")
        kill -TERM "$pid" 2>/dev/null || true
        wait_for 40 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
    if alive "$dir/supervisor.pid"; then
        wait_for 10 bash -c "! kill -0 $(cat "$dir/supervisor.pid")" || kill -TERM "$(cat "$dir/supervisor.pid")" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
}

stop_node() { stop_dir "$RUN/nodes/$1"; }

render_nginx() {
    local dir="$RUN/nginx" servers=""
    mkdir -p "$dir/conf" "$dir/logs" "$dir/tmp"
    for d in $(node_dirs); do
        local i; i=$(basename "$d")
        servers+="        server 127.0.0.1:$(http_port "$i") max_fails=0;"$'\n'
    done
    [[ -n "$servers" ]] || servers="        server 127.0.0.1:$(http_port 1) down;"$'\n'
    local template; template=$(<"$ROOT/nginx/nginx.conf.template")
    template=${template//'{{WORKER_PROCESSES}}'/$WORKERS}
    template=${template//'{{PID_FILE}}'/$dir/logs/nginx.pid}
    template=${template//'{{ERROR_LOG}}'/$dir/logs/error.log}
    template=${template//'{{ACCESS_LOG}}'/$dir/logs/access.log}
    template=${template//'{{TEMP_DIR}}'/$dir/tmp}
    template=${template//'{{LISTEN}}'/$BASE}
    template=${template//'{{UPSTREAM_SERVERS}}'/${servers%$'\n'}}
    printf '%s\n' "$template" > "$dir/conf/nginx.conf"
    nginx -t -q -p "$dir" -c "$dir/conf/nginx.conf" || die "nginx rejected $dir/conf/nginx.conf"
}

start_nginx() {
    local dir="$RUN/nginx"
    render_nginx
    if alive "$dir/logs/nginx.pid"; then
        nginx -p "$dir" -c "$dir/conf/nginx.conf" -s reload
        say "nginx      reloaded ($(node_count) nodes)"
    else
        nginx -p "$dir" -c "$dir/conf/nginx.conf"
        wait_for 10 curl -sf "http://127.0.0.1:$BASE/nginx-health" || die "nginx did not start on $BASE (see $dir/logs/error.log)"
        say "nginx      http://localhost:$BASE"
    fi
}

stop_nginx() {
    local dir="$RUN/nginx"
    if alive "$dir/logs/nginx.pid"; then nginx -p "$dir" -c "$dir/conf/nginx.conf" -s quit || true; fi
}

build() {
    [[ "${CHAT_NO_BUILD:-0}" == 1 ]] && return
    cmd_build
}

cmd_build() {
    say "building WebSocketEdge (Release)"
    dotnet build "$ROOT/WebSocketEdge" -c Release -v q -nologo >/dev/null || die "build failed"
}

cmd_start() {
    local n=${1:-3}
    ((n >= 1 && n <= MAX_NODES)) || die "node count must be 1..$MAX_NODES"
    ensure_packages
    mkdir -p "$RUN/nodes"
    for d in $(node_dirs); do
        if alive "$d/pid" || alive "$d/supervisor.pid"; then die "already running (chat-$(basename "$d")); use status, scale or stop"; fi
    done
    build
    [[ -f "$DLL" ]] || die "no node build at $DLL"
    # A fresh cluster id per start: membership rows of an earlier run never slow down joining.
    echo "local-$(date +%s)" > "$RUN/cluster-id"
    rm -rf "$RUN"/nodes/*
    start_redis
    for ((i = 1; i <= n; i++)); do start_node "$i"; done
    for ((i = 1; i <= n; i++)); do wait_node "$i"; done
    start_nginx
    [[ "${CHAT_PROMETHEUS:-0}" == 1 ]] && "$ROOT/monitoring/local-prometheus.sh" start
    say "operators  each node's internal port: /metrics (Prometheus), /cluster; /dashboard/ with CHAT_NODE_ARGS=--Chat:Edge:Dashboard=true"
}

cmd_stop() {
    local pids=()
    for d in $(node_dirs); do stop_node "$(basename "$d")" & pids+=($!); done
    ((${#pids[@]})) && wait "${pids[@]}"
    stop_nginx
    "$ROOT/monitoring/local-prometheus.sh" stop
    stop_redis
    say "stopped"
}

json_field() { grep -o "\"$1\":\"\\{0,1\\}[^\",}]*" | head -1 | sed 's/^[^:]*:"\{0,1\}//'; }

# The table both launchers print: NODE STATE CONNECTIONS RESTARTS ID SILO.
row() { printf '%-9s %-10s %-12s %-9s %-10s %s\n' "$@"; }

cmd_status() {
    row NODE STATE CONNECTIONS RESTARTS ID SILO
    local members="" seen=""
    for d in $(node_dirs); do
        local i pid state conns="-" silo="-" restarts
        i=$(basename "$d"); pid=$(cat "$d/pid" 2>/dev/null || echo -)
        restarts=$(cat "$d/restarts" 2>/dev/null || echo 0)
        # A node that is not running says why: the supervisor is waiting to restart it, gave up, or it was stopped.
        state=$(cat "$d/state" 2>/dev/null || echo down)
        [[ "$state" == running ]] && state=down
        if alive "$d/pid"; then
            local body; body=$(curl -sf -m 3 "http://127.0.0.1:$(internal_port "$i")/cluster" || true)
            if [[ -n "$body" ]]; then
                state=$(json_field status <<<"$body"); conns=$(json_field connections <<<"$body"); silo=$(json_field silo <<<"$body")
                members=$body; seen="chat-$i"
            else
                state="starting"
            fi
        fi
        row "chat-$i" "$state" "$conns" "$restarts" "$pid" "$silo"
    done
    if alive "$RUN/nginx/logs/nginx.pid"; then row nginx up - - "$(cat "$RUN/nginx/logs/nginx.pid")" ":$BASE"; else row nginx down - - - -; fi
    if redis-cli -u "redis://$(redis_addr)" ping >/dev/null 2>&1; then row redis up - - - "$(redis_addr)"; else row redis down - - - -; fi
    if [[ -n "$members" ]]; then
        say "membership (as $seen sees it):"
        grep -o '{"silo":"[^"]*","status":"[^"]*"}' <<<"$members" | sed 's/{"silo":"\([^"]*\)","status":"\([^"]*\)"}/  \1  \2/'
    fi
    "$ROOT/monitoring/local-prometheus.sh" where
}

# One line per node and one for nginx: NAME CODE BODY. Exits 1 if any is not 200.
cmd_health() {
    local bad=0
    for d in $(node_dirs); do
        local i body; i=$(basename "$d")
        body=$(curl -s -m 5 -w ' %{http_code}' "http://127.0.0.1:$(http_port "$i")/health" || true)
        printf '%-9s %s  %s\n' "chat-$i" "${body##* }" "${body% *}"
        [[ "${body##* }" == 200 ]] || bad=1
    done
    local body; body=$(curl -s -m 5 -w ' %{http_code}' "http://127.0.0.1:$BASE/health" || true)
    printf '%-9s %s  %s\n' nginx "${body##* }" "${body% *}"
    [[ "${body##* }" == 200 ]] || bad=1
    return $bad
}

rss_mb() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# Without a number: what is running and what it can take (Chat:Edge:MaxConnections per node).
cmd_capacity() {
    printf '%-9s %-12s %-10s %s\n' NODE CONNECTIONS MEMORY CAPACITY
    local nodes=0 conns_total=0 mem_total=0
    for d in $(node_dirs); do
        local i conns=0 mem=0; i=$(basename "$d")
        if alive "$d/pid"; then
            conns=$(curl -sf -m 3 "http://127.0.0.1:$(internal_port "$i")/cluster" | json_field connections || true)
            mem=$(rss_mb "$(cat "$d/pid")")
        fi
        conns=${conns:-0}
        printf '%-9s %-12s %-10s %s\n' "chat-$i" "$conns" "${mem} MB" "$MAX_CONNECTIONS"
        nodes=$((nodes + 1)); conns_total=$((conns_total + conns)); mem_total=$((mem_total + mem))
    done
    printf '%-9s %-12s %-10s %s\n' total "$conns_total" "${mem_total} MB" "$((MAX_CONNECTIONS * nodes)) ($nodes nodes)"
}

cmd_scale() {
    [[ $# -eq 0 ]] && { cmd_capacity; return; }
    local n=$1 current
    if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n < 1 || n > MAX_NODES)); then die "node count must be 1..$MAX_NODES"; fi
    current=$(node_count)
    if ((n > current)); then
        for ((i = current + 1; i <= n; i++)); do start_node "$i"; done
        for ((i = current + 1; i <= n; i++)); do wait_node "$i"; done
        start_nginx
    elif ((n < current)); then
        # Out of nginx first, so no new client lands there, then drain: clients move to the rest.
        local leaving=()
        for ((i = n + 1; i <= current; i++)); do leaving+=("$i"); mv "$RUN/nodes/$i" "$RUN/nodes/leaving-$i"; done
        start_nginx
        local pids=()
        for i in "${leaving[@]}"; do
            (dir="$RUN/nodes/leaving-$i"; stop_dir "$dir"
             mkdir -p "$RUN/removed"; mv "$dir" "$RUN/removed/$i-$(date +%s)"; say "chat-$i     stopped") & pids+=($!)
        done
        wait "${pids[@]}"
    fi
    "$ROOT/monitoring/local-prometheus.sh" targets
    say "$(node_count) nodes"
}

cmd_restart() {
    build
    for d in $(node_dirs); do
        local i; i=$(basename "$d")
        say "restarting chat-$i"
        stop_node "$i"
        start_node "$i"
        wait_node "$i"
    done
}

cmd_logs() {
    local what=all follow=()
    for arg in "$@"; do
        if [[ "$arg" == -f ]]; then follow=(-f); else what=$arg; fi
    done
    case "$what" in
        nginx) tail -n 100 "${follow[@]}" "$RUN/nginx/logs/error.log" "$RUN/nginx/logs/access.log" ;;
        redis) tail -n 100 "${follow[@]}" "$RUN/redis/redis.log" ;;
        all) tail -n 50 "${follow[@]}" "$RUN"/nodes/*/node.log ;;
        *) local i=${what#chat-}
           [[ -f "$RUN/nodes/$i/node.log" ]] || die "no node $what (chat-N, nginx or redis)"
           tail -n 200 "${follow[@]}" "$RUN/nodes/$i/node.log" ;;
    esac
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    health) cmd_health ;;
    scale) shift; cmd_scale "$@" ;;
    logs) shift; cmd_logs "$@" ;;
    build) cmd_build ;;
    restart) cmd_restart ;;
    *) sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
