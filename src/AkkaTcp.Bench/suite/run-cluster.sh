#!/usr/bin/env bash
# Cluster benchmarks (issue: scale-out). What a member pays when most of its keys live on other
# members, and how PUBLISH fans out across members, on this 2-core machine:
#   resp: redis-benchmark -c 50 -t set,get at -P 1 and -P 16 against one host alone (cluster off)
#         and against the same host as member 1 of a 3-member cluster (30 partitions: two thirds of
#         the keys on the other members). Every server process on core 0, the load on core 1;
#         server CPU is the sum over the members.
#   pubsub: 100 subscribers (suite/subscribers.py, core 1) and PUBLISH from redis-benchmark -c 10
#         (core 1) against redis-server, one AkkaTcp host, and the 3-member cluster with the
#         subscribers spread over the members and the publisher on member 1.
# Rounds alternate alone / cluster; prints one JSON line per run and keeps them in OUT.
#
#   src/AkkaTcp.Bench/suite/run-cluster.sh [--rounds N] [--only resp|pubsub] [--out DIR]
set -euo pipefail

ROUNDS=3 ONLY=all
OUT=${TMPDIR:-/tmp}/akka-tcp-cluster-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
TICKS=$(getconf CLK_TCK)
command -v redis-benchmark >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-tools >/dev/null; }
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
dotnet build "$ROOT/src/AkkaTcp.Host" -c Release -v q -nologo >/dev/null
HOST="$ROOT/src/AkkaTcp.Host/bin/Release/net10.0/akka-tcp.dll"
PIDS=()

node_config() { # node_config N CLUSTER(on|off)
  cat > "$OUT/node-$1.hocon" <<HOCON
akka-tcp.servers.main { host = "127.0.0.1", port = 639$1, protocol = resp, resp.partitions = 30 }
akka-tcp.cluster {
  enabled = $2
  port = 406$1
  seed-nodes = ["akka.tcp://akka-tcp@127.0.0.1:4061", "akka.tcp://akka-tcp@127.0.0.1:4062", "akka.tcp://akka-tcp@127.0.0.1:4063"]
}
akka.loglevel = INFO
akka.log-dead-letters = off
HOCON
}

wait_port() { for _ in $(seq 1 600); do nc -z 127.0.0.1 "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; exit 1; }

start_alone() {
  node_config 1 off
  taskset -c 0 dotnet "$HOST" --config "$OUT/node-1.hocon" > "$OUT/node-1.log" 2>&1 & PIDS=($!)
  wait_port 6391
}

start_cluster() {
  PIDS=()
  for n in 1 2 3; do
    node_config "$n" on
    taskset -c 0 dotnet "$HOST" --config "$OUT/node-$n.hocon" > "$OUT/node-$n.log" 2>&1 & PIDS+=($!)
  done
  for n in 1 2 3; do wait_port "639$n"; done
  for _ in $(seq 1 600); do grep -q "members up: 3" "$OUT/node-1.log" && break; sleep 0.1; done
  # Every partition started (and spread) before measuring.
  redis-benchmark -p 6391 -c 10 -n 20000 -r 100000 -t set -q >/dev/null
}

start_redis() {
  taskset -c 0 redis-server --port 6391 --save "" --appendonly no > "$OUT/redis.log" 2>&1 & PIDS=($!)
  wait_port 6391
}

stop_all() { for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done; PIDS=(); }
trap stop_all EXIT

cpu() { local sum=0; for pid in "${PIDS[@]}"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$sum"; }
record() { echo "$1" >> "$RESULTS"; echo "  $1"; }

resp_suite() {
  for round in $(seq 1 "$ROUNDS"); do
    for setup in alone cluster; do
      "start_$setup"
      for pipeline in 1 16; do
        local requests=$((pipeline == 1 ? 200000 : 2000000))
        local before; before=$(cpu)
        local csv; csv=$(taskset -c 1 redis-benchmark -p 6391 -c 50 -n "$requests" -r 100000 -P "$pipeline" -t set,get --csv | tr '\n' ';' | tr -d '"')
        local after; after=$(cpu)
        record "{\"suite\":\"cluster-resp\",\"setup\":\"$setup\",\"shape\":\"P$pipeline\",\"round\":$round,\"cpuTicks\":$((after - before)),\"ticksPerSecond\":$TICKS,\"requests\":$((requests * 2)),\"csv\":\"$csv\"}"
      done
      stop_all
    done
  done
}

pubsub_suite() {
  local payload=0123456789abcdef
  for round in $(seq 1 "$ROUNDS"); do
    for setup in redis alone cluster; do
      "start_$setup"
      local ports=6391
      [ "$setup" = cluster ] && ports=6391,6392,6393
      rm -f "$OUT/ready"
      taskset -c 1 python3 "$HERE/subscribers.py" --ports "$ports" --count 100 --payload-size ${#payload} --ready-file "$OUT/ready" > "$OUT/subscribers.json" &
      local subscribers=$!
      for _ in $(seq 1 600); do [ -s "$OUT/ready" ] && break; sleep 0.1; done
      local before; before=$(cpu)
      local csv; csv=$(taskset -c 1 redis-benchmark -p 6391 -c 10 -n 100000 --csv publish bench "$payload" | tr '\n' ';' | tr -d '"')
      local after; after=$(cpu)
      wait "$subscribers"
      record "{\"suite\":\"cluster-pubsub\",\"setup\":\"$setup\",\"round\":$round,\"cpuTicks\":$((after - before)),\"ticksPerSecond\":$TICKS,\"publish\":\"$csv\",\"received\":$(cat "$OUT/subscribers.json")}"
      stop_all
    done
  done
}

case "$ONLY" in
  resp) resp_suite ;;
  pubsub) pubsub_suite ;;
  all) resp_suite; pubsub_suite ;;
  *) echo "--only resp|pubsub" >&2; exit 2 ;;
esac
echo "results: $RESULTS"
