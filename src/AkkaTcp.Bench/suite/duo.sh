#!/usr/bin/env bash
# A/B of two AkkaTcp host builds measured at the same time: both servers on core 0, each driven by
# its own akka-tcp-bench on core 1. This machine's speed drifts between phases of minutes, by more
# than most changes are worth; run at once, both builds see the same phase, and with the core
# shared their CPU per request compares the builds (two identical builds differ by up to 2.5 %).
# The shared core costs both more cache misses than a server alone would see.
#
#   src/AkkaTcp.Bench/suite/duo.sh [--connections N] [--pipeline P] [--rounds R] [--duration S] A.dll B.dll
#
# Prints per round each build's req/s and server CPU µs per request, and B / A of each.
set -euo pipefail
CONNECTIONS=1000 PIPELINE=1 ROUNDS=3 DURATION=10 WARMUP=8
while [ $# -gt 2 ]; do
  case "$1" in
    --connections) CONNECTIONS=$2; shift 2 ;;
    --pipeline) PIPELINE=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -eq 2 ] || { echo "usage: duo.sh [options] A.dll B.dll" >&2; exit 2; }
A=$1 B=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BENCH="$ROOT/src/AkkaTcp.Bench/bin/Release/net10.0/akka-tcp-bench.dll"
[ -f "$BENCH" ] || dotnet build "$ROOT/src/AkkaTcp.Bench" -c Release -v q -nologo >/dev/null
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$ROUNDS"); do
  taskset -c 0 dotnet "$A" --port 7600 --set akka-tcp.servers.main.idle-timeout=10m >"$OUT/a.log" 2>&1 & PA=$!
  taskset -c 0 dotnet "$B" --port 7601 --set akka-tcp.servers.main.idle-timeout=10m >"$OUT/b.log" 2>&1 & PB=$!
  for _ in $(seq 100); do nc -z 127.0.0.1 7600 2>/dev/null && nc -z 127.0.0.1 7601 2>/dev/null && break; sleep 0.1; done
  LOADS=()
  for side in a:7600 b:7601; do
    taskset -c 1 dotnet "$BENCH" --target "127.0.0.1:${side#*:}" --workload echo --connections "$CONNECTIONS" \
      --pipeline "$PIPELINE" --payload 32 --duration "$DURATION" --warmup "$WARMUP" 2>/dev/null | tail -1 >"$OUT/${side%%:*}.json" &
    LOADS+=($!)
  done
  sleep "$WARMUP.5"
  A0=$(cpu $PA) B0=$(cpu $PB)
  wait "${LOADS[@]}"
  A1=$(cpu $PA) B1=$(cpu $PB)
  kill -TERM $PA $PB; wait $PA $PB 2>/dev/null || true
  python3 - "$OUT" "$DURATION" "$round" "$((A1 - A0))" "$((B1 - B0))" "$(getconf CLK_TCK)" <<'PY'
import json, sys
out, duration, rnd, ta, tb, hz = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
ra = json.load(open(f"{out}/a.json"))["reqPerSec"]; rb = json.load(open(f"{out}/b.json"))["reqPerSec"]
ca = ta / hz * 1e6 / (ra * duration); cb = tb / hz * 1e6 / (rb * duration)
print(f"round {rnd}: A {ra:,.0f} req/s {ca:.2f} us/req  B {rb:,.0f} req/s {cb:.2f} us/req  B/A req/s {rb / ra:.3f} CPU per request {cb / ca:.3f}")
PY
done
