#!/usr/bin/env bash
# The compose stack: chat nodes behind nginx (:3001, and :3443 with TLS), Redis, MongoDB, Kafka.
# The same verbs and output as scripts/cluster.sh (the local cluster without Docker).
#
#   ./docker-start.sh build              build the chat node image
#   ./docker-start.sh start              first run: write secrets to .env; start everything, 3 chat nodes, wait until healthy
#   ./docker-start.sh stop               stop and remove the containers (volumes and .env are kept)
#   ./docker-start.sh status             per node: state, connections, restarts, container, silo; then the other services
#   ./docker-start.sh health             /health of each node and through nginx; exits 1 if any is not 200
#   ./docker-start.sh scale              nodes, connections and memory per node, capacity per node and in total
#   ./docker-start.sh scale N            run N chat nodes (nginx follows them by itself)
#   ./docker-start.sh logs [chat-N|nginx|redis|mongo|kafka] [-f]
#   ./docker-start.sh restart            rebuild, then replace the nodes one at a time: new one healthy, old one drained
#   ./docker-start.sh tls [HOST]         make a self-signed certificate for HOST (default localhost): TLS on :3443
#   ./docker-start.sh config             write .env and nginx/local if missing, and check the compose file (no engine needed)
#
# Settings (environment or .env): CHAT_DEMO_SIGN_IN=true (anyone signs in by name: demos only),
# CHAT_AUTH_AUTHORITY, CHAT_AUTH_AUDIENCE, CHAT_AUTH_USER_ID_CLAIM, CHAT_SIGN_IN_URL (identity provider),
# CHAT_TRUSTED_PROXIES (CIDRs whose X-Forwarded-For names the client), CHAT_HTTP_PORT, CHAT_HTTPS_PORT,
# CHAT_MAX_CONNECTIONS. See docs/operations.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

SECRETS=(CHAT_SIGNING_KEY REDIS_PASSWORD MONGO_PASSWORD MONGO_REPLICA_KEY KAFKA_PASSWORD GRAFANA_ADMIN_PASSWORD)
DEADLINE=${CHAT_HEALTH_DEADLINE:-180}

say() { printf '%s\n' "$*"; }
die() { printf 'docker-start.sh: %s\n' "$*" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
compose() { "${COMPOSE[@]}" -f docker-compose.yml "$@"; }

secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Secrets are made once and kept: a new Mongo or Redis password would lock the stack out of its own volumes.
ensure_env() {
    local made=()
    (umask 077 && touch .env)
    for name in "${SECRETS[@]}"; do
        if ! grep -q "^$name=" .env; then
            printf '%s=%s\n' "$name" "$(secret)" >> .env
            made+=("$name")
        fi
    done
    ((${#made[@]} == 0)) || say "wrote ${made[*]} to .env (keep it private; it is not committed)"
    set -a
    # shellcheck disable=SC1091
    . ./.env
    set +a
}

# nginx/local: the compose nginx config includes http-*.conf and server-*.conf from here.
render_nginx_local() {
    mkdir -p nginx/local nginx/tls
    rm -f nginx/local/http-realip.conf nginx/local/server-tls.conf
    if [[ -n "${CHAT_TRUSTED_PROXIES:-}" ]]; then
        {
            say "# Rendered by docker-start.sh from CHAT_TRUSTED_PROXIES: requests from these addresses name the client in X-Forwarded-For."
            for cidr in ${CHAT_TRUSTED_PROXIES//,/ }; do say "set_real_ip_from $cidr;"; done
            say "real_ip_header X-Forwarded-For;"
            say "real_ip_recursive on;"
        } > nginx/local/http-realip.conf
    fi
    if [[ -f nginx/tls/cert.pem && -f nginx/tls/key.pem ]]; then
        cat > nginx/local/server-tls.conf <<'TLS'
# Rendered by docker-start.sh because nginx/tls holds cert.pem and key.pem.
listen 3443 ssl reuseport;
ssl_certificate /etc/nginx/tls/cert.pem;
ssl_certificate_key /etc/nginx/tls/key.pem;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_session_cache shared:tls:10m;
TLS
    fi
}

chat_containers() { compose ps -q chat; }
number_of() { docker inspect -f '{{index .Config.Labels "com.docker.compose.container-number"}}' "$1"; }
container_of() { # container_of N
    for c in $(chat_containers); do [[ "$(number_of "$c")" == "$1" ]] && { say "$c"; return; }; done
    die "no node chat-$1"
}
in_node() { # in_node CONTAINER PORT PATH  -- an HTTP GET inside the container (the image has bash, no curl)
    docker exec "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/$2 && printf 'GET $3 HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2>/dev/null
}
json_field() { grep -o "\"$1\":\"\\{0,1\\}[^\",}]*" | head -1 | sed 's/^[^:]*:"\{0,1\}//'; }

wait_healthy() { # wait_healthy CONTAINER...  -- with a deadline, naming the container that did not make it
    local deadline=$((SECONDS + DEADLINE))
    for c in "$@"; do
        until [[ "$(docker inspect -f '{{.State.Health.Status}}' "$c")" == healthy ]]; do
            ((SECONDS < deadline)) || die "chat-$(number_of "$c") not healthy after ${DEADLINE}s (./docker-start.sh logs chat-$(number_of "$c"))"
            sleep 2
        done
    done
}

row() { printf '%-9s %-10s %-12s %-9s %-10s %s\n' "$@"; }

cmd_status() {
    row NODE STATE CONNECTIONS RESTARTS ID SILO
    for c in $(chat_containers); do
        local body state conns="-" silo="-"
        body=$(in_node "$c" 8081 /cluster | tail -1 || true)
        state=$(docker inspect -f '{{.State.Status}}' "$c")
        if [[ -n "$body" ]]; then
            state=$(json_field status <<<"$body"); conns=$(json_field connections <<<"$body"); silo=$(json_field silo <<<"$body")
        fi
        row "chat-$(number_of "$c")" "$state" "$conns" "$(docker inspect -f '{{.RestartCount}}' "$c")" "${c:0:10}" "$silo"
    done
    for svc in nginx redis mongo kafka; do
        local c; c=$(compose ps -q "$svc" || true)
        if [[ -n "$c" ]]; then
            row "$svc" "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$c")" - \
                "$(docker inspect -f '{{.RestartCount}}' "$c")" "${c:0:10}" -
        else
            row "$svc" down - - - -
        fi
    done
}

cmd_health() {
    local bad=0
    for c in $(chat_containers); do
        local body code
        body=$(in_node "$c" 8080 /health || true)
        code=$(head -1 <<<"$body" | cut -d' ' -f2)
        printf '%-9s %s  %s\n' "chat-$(number_of "$c")" "${code:-000}" "$(tail -1 <<<"$body")"
        [[ "$code" == 200 ]] || bad=1
    done
    local body; body=$(curl -s -m 5 -w ' %{http_code}' "http://127.0.0.1:${CHAT_HTTP_PORT:-3001}/health" || true)
    printf '%-9s %s  %s\n' nginx "${body##* }" "${body% *}"
    [[ "${body##* }" == 200 ]] || bad=1
    return $bad
}

cmd_capacity() {
    local max=${CHAT_MAX_CONNECTIONS:-18000} nodes=0 conns_total=0 mem_total=0
    printf '%-9s %-12s %-10s %s\n' NODE CONNECTIONS MEMORY CAPACITY
    for c in $(chat_containers); do
        local conns mem
        conns=$(in_node "$c" 8081 /cluster | tail -1 | json_field connections || true)
        mem=$(docker stats --no-stream --format '{{.MemUsage}}' "$c" | awk '{ v = $1; if (v ~ /GiB/) { sub(/GiB/, "", v); v *= 1024 } else { sub(/MiB/, "", v) } printf "%d", v }')
        conns=${conns:-0}; mem=${mem:-0}
        printf '%-9s %-12s %-10s %s\n' "chat-$(number_of "$c")" "$conns" "${mem} MB" "$max"
        nodes=$((nodes + 1)); conns_total=$((conns_total + conns)); mem_total=$((mem_total + mem))
    done
    printf '%-9s %-12s %-10s %s\n' total "$conns_total" "${mem_total} MB" "$((max * nodes)) ($nodes nodes)"
}

cmd_scale() {
    [[ $# -eq 0 ]] && { cmd_capacity; return; }
    if ! [[ "$1" =~ ^[0-9]+$ ]] || (($1 < 1)); then die "usage: scale [N], N at least 1"; fi
    compose up -d --no-recreate --scale chat="$1" chat
    # shellcheck disable=SC2046
    wait_healthy $(chat_containers)
    say "$1 nodes"
}

# Every node is replaced by one built from the new image: the new one must be healthy before the old
# one gets SIGTERM (it drains: its clients reconnect through nginx to the others).
cmd_restart() {
    compose build chat
    local old; old=$(chat_containers)
    local n; n=$(wc -w <<<"$old")
    for c in $old; do
        local name; name="chat-$(number_of "$c")"
        local before; before=$(chat_containers)
        compose up -d --no-recreate --scale chat=$((n + 1)) chat >/dev/null
        local fresh; fresh=$(comm -13 <(sort <<<"$before") <(chat_containers | sort))
        [[ -n "$fresh" ]] || die "no new node came up to replace $name"
        wait_healthy "$fresh"
        say "chat-$(number_of "$fresh") healthy; draining $name"
        docker stop -t 30 "$c" >/dev/null
        docker rm "$c" >/dev/null
    done
    say "$n nodes replaced"
}

cmd_logs() {
    local what="" follow=()
    for arg in "$@"; do
        if [[ "$arg" == -f ]]; then follow=(-f); else what=$arg; fi
    done
    case "$what" in
        "") compose logs --tail=100 "${follow[@]}" ;;
        nginx | redis | mongo | kafka) compose logs --tail=200 "${follow[@]}" "$what" ;;
        chat-*) docker logs --tail 200 "${follow[@]}" "$(container_of "${what#chat-}")" ;;
        *) die "logs [chat-N|nginx|redis|mongo|kafka] [-f]" ;;
    esac
}

cmd_tls() {
    local host=${1:-localhost}
    mkdir -p nginx/tls
    (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$host" \
        -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" \
        -keyout nginx/tls/key.pem -out nginx/tls/cert.pem 2>/dev/null) || die "openssl could not make a certificate"
    say "self-signed certificate for $host in nginx/tls (browsers will warn; use a real one for anything public)"
    render_nginx_local
    if [[ -n "$(compose ps -q nginx 2>/dev/null || true)" ]]; then
        compose exec -T nginx nginx -s reload && say "nginx reloaded: https://$host:${CHAT_HTTPS_PORT:-3443}"
    fi
}

case "${1:-}" in
    build) compose build ;;
    start)
        ensure_env
        render_nginx_local
        compose up -d --scale chat=3
        # shellcheck disable=SC2046
        wait_healthy $(chat_containers)
        say "chat on http://localhost:${CHAT_HTTP_PORT:-3001}"
        [[ -f nginx/local/server-tls.conf ]] && say "and on https://localhost:${CHAT_HTTPS_PORT:-3443}"
        [[ "${CHAT_DEMO_SIGN_IN:-false}" == true ]] && say "DEMO SIGN-IN IS ON: anyone can sign in under any name"
        true ;;
    stop) compose down ;;
    status) cmd_status ;;
    health) cmd_health ;;
    scale) shift; cmd_scale "$@" ;;
    logs) shift; cmd_logs "$@" ;;
    restart) cmd_restart ;;
    tls) shift; cmd_tls "$@" ;;
    config) ensure_env; render_nginx_local; compose config -q && say "docker-compose.yml is valid with this .env" ;;
    *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
