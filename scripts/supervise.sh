#!/usr/bin/env bash
# Keeps one chat node running for scripts/cluster.sh: runs the command, and when it exits without
# having been asked to stop (a crash, kill -9, out of memory) starts it again after a backoff.
# Restarts are bounded: after CHAT_MAX_RESTARTS within CHAT_RESTART_WINDOW seconds it gives up, so a
# node that cannot start does not spin for ever. Every exit and restart is logged.
#
#   scripts/supervise.sh DIR COMMAND [ARGS...]
#
# Files in DIR (the node's directory):
#   pid             the running node's pid (what cluster.sh status shows and kill -9 targets)
#   supervisor.pid  this script's pid
#   restarts        restarts so far
#   state           running | backoff | stopped | failed
#   stop            created by cluster.sh before it stops the node: an exit is then not a crash
#   supervisor.log  one line per exit and restart (also written to node.log)
#
# Environment: CHAT_MAX_RESTARTS (default 5), CHAT_RESTART_WINDOW (seconds, default 300),
# CHAT_RESTART_BACKOFF (first delay in seconds, doubled per recent restart up to 30; default 1).
set -uo pipefail

# The supervisor works inside the node's directory through relative paths: cluster.sh scale renames
# a leaving node's directory before stopping it, and a working directory follows a rename where a
# path would not (the stop request would be missed and the node restarted). The node itself runs in
# the directory the supervisor was started from (its content root).
workdir=$PWD
cd "$1" || exit 1
dir=.
shift
max=${CHAT_MAX_RESTARTS:-5}
window=${CHAT_RESTART_WINDOW:-300}
backoff=${CHAT_RESTART_BACKOFF:-1}
restarts=0
recent=()
child=0
sleeper=0

log() {
    local line; line="$(date -u +%Y-%m-%dT%H:%M:%SZ) supervisor: $*"
    printf '%s\n' "$line" >> "$dir/supervisor.log"
    printf '%s\n' "$line"
}

# A TERM to the supervisor itself is a stop request: pass it on to the node (which drains).
on_term() {
    touch "$dir/stop"
    ((child > 0)) && kill -TERM "$child" 2>/dev/null
    ((sleeper > 0)) && kill "$sleeper" 2>/dev/null
}
trap on_term TERM INT

echo $$ > "$dir/supervisor.pid"
echo 0 > "$dir/restarts"
rm -f "$dir/stop"
while :; do
    (cd "$workdir" && exec "$@") &
    child=$!
    echo "$child" > "$dir/pid"
    echo running > "$dir/state"
    code=0
    # wait returns early when a signal arrives; keep waiting until the node has really exited.
    while kill -0 "$child" 2>/dev/null; do
        wait "$child"
        code=$?
    done
    if [[ -e "$dir/stop" ]]; then
        echo stopped > "$dir/state"
        log "node $child stopped (exit $code)"
        exit 0
    fi

    now=$(date +%s)
    kept=()
    for t in "${recent[@]}"; do ((now - t < window)) && kept+=("$t"); done
    recent=("${kept[@]}")
    if ((${#recent[@]} >= max)); then
        echo failed > "$dir/state"
        rm -f "$dir/pid"
        log "node $child exited with $code; $max restarts within ${window}s already, giving up"
        exit 1
    fi

    delay=$((backoff * (1 << ${#recent[@]})))
    ((delay > 30)) && delay=30
    restarts=$((restarts + 1))
    echo "$restarts" > "$dir/restarts"
    echo backoff > "$dir/state"
    log "node $child exited with $code; restart $restarts in ${delay}s"
    sleep "$delay" &
    sleeper=$!
    wait "$sleeper"
    sleeper=0
    if [[ -e "$dir/stop" ]]; then
        echo stopped > "$dir/state"
        log "stop requested during backoff"
        exit 0
    fi
    recent+=("$now")
done
