#!/usr/bin/env bash
# The compose stack: 3 chat nodes behind nginx on :3001, Redis, MongoDB, Kafka.
#
#   ./docker-start.sh build          build the chat node image
#   ./docker-start.sh start          start everything, 3 chat nodes, and wait until healthy
#   ./docker-start.sh status         containers, and each chat node's silo state and connections
#   ./docker-start.sh health         /health of each chat node and through nginx
#   ./docker-start.sh scale N        run N chat nodes (nginx reloaded to see them)
#   ./docker-start.sh logs [service] [-f]
#   ./docker-start.sh restart        rolling restart of the chat nodes (each drains on SIGTERM)
#   ./docker-start.sh stop
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
compose() { "${COMPOSE[@]}" -f docker-compose.yml "$@"; }
chat_containers() { compose ps -q chat; }

wait_healthy() {
    local deadline=$((SECONDS + 180))
    for c in $(chat_containers); do
        until [[ "$(docker inspect -f '{{.State.Health.Status}}' "$c")" == healthy ]]; do
            ((SECONDS < deadline)) || { echo "chat container $c not healthy" >&2; return 1; }
            sleep 2
        done
    done
}

reload_nginx() { compose exec -T nginx nginx -s reload >/dev/null && echo "nginx reloaded"; }

case "${1:-}" in
    build) compose build ;;
    start)
        compose up -d --scale chat=3
        wait_healthy
        echo "chat on http://localhost:3001" ;;
    stop) compose down ;;
    status)
        compose ps
        for c in $(chat_containers); do
            printf '%s  ' "$(docker inspect -f '{{.Name}}' "$c")"
            docker exec "$c" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8081 && printf "GET /cluster HTTP/1.0\r\n\r\n" >&3 && tail -1 <&3' || echo "no answer"
            echo
        done ;;
    health)
        for c in $(chat_containers); do
            printf '%s  ' "$(docker inspect -f '{{.Name}}' "$c")"
            docker exec "$c" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /health HTTP/1.0\r\n\r\n" >&3 && tail -1 <&3' || echo "no answer"
            echo
        done
        printf 'nginx  '; curl -s -w ' %{http_code}\n' http://localhost:3001/health ;;
    scale)
        n=${2:?usage: scale N}
        compose up -d --no-recreate --scale chat="$n" chat
        wait_healthy
        reload_nginx ;;
    logs) shift; compose logs --tail=200 "$@" ;;
    restart)
        for c in $(chat_containers); do
            echo "restarting $(docker inspect -f '{{.Name}}' "$c")"
            docker restart -t 30 "$c" >/dev/null
            until [[ "$(docker inspect -f '{{.State.Health.Status}}' "$c")" == healthy ]]; do sleep 2; done
        done
        reload_nginx ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
