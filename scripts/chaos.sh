#!/usr/bin/env bash
# Long-form chaos run: the ChaosTests scenario (3 real nodes, Redis, nginx, users of the official
# .NET SignalR client in rooms, a node killed with kill -9 and started again on a schedule) for
# minutes instead of seconds, once with memory streams and once with Kafka streams on librdkafka's
# mock cluster. Prints one result row per run (acked lost, history gaps, sends refused, reconnect
# p50/p99/worst, nginx "no live upstreams") and appends them to the file given with -o.
#
# -x store kills the cluster's Redis (its store and its membership) instead of a node, with kill -9,
# and starts it again DOWN_FOR seconds later (it fsyncs every write, so it loses nothing it
# acknowledged). Its row: acked lost, history gaps, sends refused with their causes, page loads and
# connects through nginx during the outages (and how many failed), and how soon after Redis answers
# sends are acknowledged again. CI's short form of that is StoreOutageTests.
#
#   scripts/chaos.sh [-x node|store] [-s SECONDS] [-k KILL_EVERY] [-d DOWN_FOR] [-u USERS]
#                    [-r ROOM_SIZE] [-m SEND_EVERY_MS] [-t "Memory Kafka"] [-o results.md] [--no-build]
#
# Defaults: nodes killed, 300 s, a kill every 20 s, each node down 8 s, 60 users in rooms of 10
# sending every 500 ms (2 msg/s), both stream providers. For example, Redis killed for 5 s every
# 30 s for two minutes on memory streams: scripts/chaos.sh -x store -s 120 -k 30 -d 5 -t Memory The nodes are started the way scripts/cluster.sh starts
# them (same configuration keys, the same ports again after a restart); the test's own cluster
# (tests/Orleans.Chat.Tests/Cluster/Infrastructure/ChatCluster.cs) does the starting and killing,
# so nothing here touches a cluster that cluster.sh runs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

seconds=300 kill_every=20 down=8 users=60 room_size=10 send_every=500
streams="Memory Kafka" out="" build=1 target=node
while [ $# -gt 0 ]; do
  case "$1" in
    -x) target=$2; shift 2 ;;
    -s) seconds=$2; shift 2 ;;
    -k) kill_every=$2; shift 2 ;;
    -d) down=$2; shift 2 ;;
    -u) users=$2; shift 2 ;;
    -r) room_size=$2; shift 2 ;;
    -m) send_every=$2; shift 2 ;;
    -t) streams=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

case "$target" in
  node) victim="a node" ;;
  store) victim="Redis (store and membership)" ;;
  *) echo "-x takes node or store, not '$target'" >&2; exit 2 ;;
esac

if [ "$build" -eq 1 ]; then
  dotnet build Orleans.Chat.sln -c Release -nologo -v q
fi

result=$(mktemp)
trap 'rm -f "$result"' EXIT
status=0
for provider in $streams; do
  echo "chaos: $provider streams, ${seconds} s, $victim killed every ${kill_every} s (down ${down} s), $users users in rooms of $room_size, a send every ${send_every} ms each"
  CHAOS_TARGET=$target CHAOS_SECONDS=$seconds CHAOS_KILL_EVERY_SECONDS=$kill_every CHAOS_DOWN_SECONDS=$down \
  CHAOS_USERS=$users CHAOS_ROOM_SIZE=$room_size CHAOS_SEND_EVERY_MS=$send_every \
  CHAOS_STREAMS=$provider CHAOS_RESULT=$result \
    dotnet test tests/Orleans.Chat.Tests -c Release --no-build -nologo \
      --filter "FullyQualifiedName~ChaosTests" --logger "console;verbosity=normal" || status=$?
done

echo
if [ "$target" = store ]; then
  echo '| run | acked lost | history gaps | sends refused (causes) | page loads / connects during outages | first ack after Redis answered: median / worst (every room, worst) |'
else
  echo '| run | acked lost | history gaps | sends refused | reconnect p50 / p99 / worst | nginx "no live upstreams" |'
fi
echo '|---|---|---|---|---|---|'
cat "$result"
if [ -n "$out" ]; then
  cat "$result" >> "$out"
fi
exit "$status"
