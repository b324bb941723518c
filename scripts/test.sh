#!/usr/bin/env bash
# Runs every test of Orleans.Chat on a fresh machine: installs the Debian packages the tests start
# themselves (Redis, nginx, Chromium) or check with (docker-compose, shellcheck), builds in Release, runs
# all tests (the compose file and every shell script are checked among them), and ends with one line
# "N passed, N failed, N skipped". Servers are started by the tests on free ports and stopped by them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

packages=(redis-server nginx chromium docker-compose shellcheck)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Installing starts the packaged services; the tests run private instances on free ports instead.
  for svc in redis-server nginx; do
    if [[ " ${missing[*]} " == *" $svc "* ]] && [ -x "/etc/init.d/$svc" ]; then
      $sudo_cmd "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi

results="$root/TestResults"
rm -rf "$results"
dotnet build Orleans.Chat.sln -c Release -nologo -v minimal

status=0
dotnet test Orleans.Chat.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" \
  --results-directory "$results" -- RunConfiguration.TestSessionTimeout=3000000 || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - executed))
done

echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then
  status=1
fi
exit "$status"
