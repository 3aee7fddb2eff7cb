#!/usr/bin/env bash
# The benchmark suite, one command: AkkaTcp against the Go reference server and Kestrel's
# connection layer (kestrel-echo/: a ConnectionHandler with Kestrel's defaults) on echo (raw-socket
# load from akka-tcp-bench; akkaio-floor/ runs beside them, the least any server on Akka.IO does in push mode)
# and AkkaTcp's resp against redis-server and Garnet (redis-benchmark), plus 10,000 idle
# connections. Servers alternate A B A B for --rounds rounds; the server is pinned to core 0 and
# the load to core 1 (--both-cores: both share cores 0 and 1); server CPU time (utime+stime from
# /proc) per reply, peak RSS, and the load cores' idle time and wake-up IPIs (echo, resp) are
# recorded. Every server is warmed up first, unmeasured (echo: --warmup seconds of load;
# redis-benchmark: passes at half the requests, at least two and for --warmup seconds). Prints
# medians and per-round ratios (summarize.py) and keeps raw results.
#
#   src/AkkaTcp.Bench/suite/run-suite.sh [--rounds N] [--duration S] [--warmup S] [--only echo|resp|resp-commands|idle|tls|idle-tls|resp-tls] [--both-cores] [--akka-set KEY=VALUE]... [--out DIR]
#
# resp-commands: the list, hash, set, counter and MSET commands (redis-benchmark -t
# lpush,lpop,hset,sadd,incr,mset) against redis-server; not part of "all".
# tls: echo over TLS against the Go server over crypto/tls (50 x 1, 50 x 16) and new TLS
# handshakes per second (16 loops of connect, full handshake, one line, close); resp-tls:
# redis-benchmark --tls against AkkaTcp and redis-server --tls-port. Both use an ECDSA P-256
# certificate made by openssl for the run; tls also holds 10,000 idle TLS connections. Neither is
# part of "all".
#
# Needs root for apt-get (redis-server, redis-tools, golang-go) when they are missing; installs the
# garnet-server dotnet tool when missing. Everything listens on 127.0.0.1 only and stops by itself.
set -euo pipefail

# Warm-up, echo and resp alike: long enough for a pinned .NET server to reach tier-1 code. On one
# CPU .NET waits ten times longer before recompiling hot code (TC_DelaySingleProcMultiplier), and
# AkkaTcp's and Kestrel's last tier-1 recompilations land about 4 s into the load
# (src/AkkaTcp.Bench/README.md).
ROUNDS=3 DURATION=10 WARMUP=6 ONLY=all SERVER_CORES=0 LOAD_CORES=1 REDIS_THREADS=() AKKA_SET=()
OUT=${TMPDIR:-/tmp}/akka-tcp-suite
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    # Server and load share both cores (neither pinned): what a 2-core machine gives a server that
    # uses both, with the load generator competing for them. redis-server gets --io-threads 2.
    --both-cores) SERVER_CORES=0,1 LOAD_CORES=0,1 REDIS_THREADS=(--io-threads 2 --io-threads-do-reads yes); shift ;;
    # A setting for every AkkaTcp server of the run (repeatable), e.g. akka-tcp.host.inline-execution=off.
    --akka-set) AKKA_SET+=(--set "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Checked here, before the build: the load generator would refuse a bad value only mid-run, with
# its complaint hidden in the round's record.
whole() { # whole NAME VALUE MIN
  [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] || { echo "--$1 takes a whole number, at least $3 (got '$2')" >&2; exit 2; }
}
whole rounds "$ROUNDS" 1
whole duration "$DURATION" 1
whole warmup "$WARMUP" 0

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
export PATH="$PATH:$HOME/.dotnet/tools"
TICKS=$(getconf CLK_TCK)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need redis-server redis-server
need redis-benchmark redis-tools
need nc netcat-openbsd
command -v garnet-server >/dev/null || dotnet tool install -g garnet-server --version 2.2.8 >/dev/null
[ -x "$OUT/refserver" ] || "$HERE/build-refserver.sh" "$OUT/refserver" >/dev/null
dotnet build "$HERE/kestrel-echo" -c Release -o "$OUT/kestrel-echo" -v q -nologo >/dev/null
dotnet build "$HERE/akkaio-floor" -c Release -o "$OUT/akkaio-floor" -v q -nologo >/dev/null
dotnet build "$ROOT/AkkaTcp.sln" -c Release -v q -nologo >/dev/null
HOST="$ROOT/src/AkkaTcp.Host/bin/Release/net10.0/akka-tcp.dll"
BENCH="$ROOT/src/AkkaTcp.Bench/bin/Release/net10.0/akka-tcp-bench.dll"

CERT="$OUT/tls-cert.pem" KEY="$OUT/tls-key.pem"
make_certificate() {
  [ -s "$CERT" ] && return 0
  openssl ecparam -genkey -name prime256v1 -noout -out "$KEY" 2>/dev/null
  openssl req -x509 -new -key "$KEY" -out "$CERT" -days 30 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
}
TLS_SET=(--set akka-tcp.servers.main.tls.enabled=on --set "akka-tcp.servers.main.tls.certificate=$CERT" --set "akka-tcp.servers.main.tls.key=$KEY")

SERVER_PID=
start() { # start NAME PORT: the server pinned to SERVER_CORES, waits until it listens
  local name=$1 port=$2
  case "$name" in
    akka) taskset -c "$SERVER_CORES" dotnet "$HOST" --port "$port" "${AKKA_SET[@]}" --set akka-tcp.servers.main.idle-timeout=10m \
            --set akka-tcp.servers.main.max-connections=20000 --set akka.loglevel=WARNING >"$OUT/server.log" 2>&1 & ;;
    akka-resp) taskset -c "$SERVER_CORES" dotnet "$HOST" --port "$port" "${AKKA_SET[@]}" --protocol resp --set akka.loglevel=WARNING >"$OUT/server.log" 2>&1 & ;;
    akka-tls) taskset -c "$SERVER_CORES" dotnet "$HOST" --port "$port" "${AKKA_SET[@]}" --set akka-tcp.servers.main.idle-timeout=10m "${TLS_SET[@]}" \
            --set akka-tcp.servers.main.max-connections=20000 --set akka.loglevel=WARNING >"$OUT/server.log" 2>&1 & ;;
    akka-resp-tls) taskset -c "$SERVER_CORES" dotnet "$HOST" --port "$port" "${AKKA_SET[@]}" --protocol resp "${TLS_SET[@]}" --set akka.loglevel=WARNING >"$OUT/server.log" 2>&1 & ;;
    go-tls) taskset -c "$SERVER_CORES" "$OUT/refserver" -addr "127.0.0.1:$port" -max-conns 20000 -idle-timeout 10m -tls-cert "$CERT" -tls-key "$KEY" >"$OUT/server.log" 2>&1 & ;;
    redis-tls) taskset -c "$SERVER_CORES" redis-server --port 0 --tls-port "$port" --tls-cert-file "$CERT" --tls-key-file "$KEY" --tls-auth-clients no \
            --bind 127.0.0.1 --save '' --appendonly no --maxclients 20000 >"$OUT/server.log" 2>&1 & ;;
    kestrel) taskset -c "$SERVER_CORES" dotnet "$OUT/kestrel-echo/kestrel-echo.dll" --port "$port" >"$OUT/server.log" 2>&1 & ;;
    floor) taskset -c "$SERVER_CORES" dotnet "$OUT/akkaio-floor/akkaio-floor.dll" --port "$port" >"$OUT/server.log" 2>&1 & ;;
    go) taskset -c "$SERVER_CORES" "$OUT/refserver" -addr "127.0.0.1:$port" -max-conns 20000 -idle-timeout 10m >"$OUT/server.log" 2>&1 & ;;
    redis) taskset -c "$SERVER_CORES" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --maxclients 20000 "${REDIS_THREADS[@]}" >"$OUT/server.log" 2>&1 & ;;
    garnet) taskset -c "$SERVER_CORES" garnet-server --port "$port" --bind 127.0.0.1 >"$OUT/server.log" 2>&1 & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 300); do nc -z 127.0.0.1 "$port" 2>/dev/null && return 0; sleep 0.1; done
  echo "server $name did not listen on $port" >&2; cat "$OUT/server.log" >&2; exit 1
}
stop() { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap stop EXIT
cpu() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SERVER_PID/status"; }
record() { echo "$1" >> "$RESULTS"; echo "  $1"; }
# The load cores' idle and total ticks and the function-call IPIs they received (how a sleeping
# thread on another core is woken here): who waited on whom in a round. A load generator that
# idles while waiting for a slower server is woken by an IPI per reply, and the server's core pays
# for sending it (see the bench README, "Who waits").
loadstat() {
  local cores=",$LOAD_CORES,"
  awk -v cores="$cores" '/^cpu[0-9]/ { n = substr($1, 4); if (index(cores, "," n ",")) { idle += $5; for (i = 2; i <= NF; i++) total += $i } }
    END { printf "%d %d", idle, total }' /proc/stat
  awk -v cores="$cores" '$1 == "CAL:" { for (i = 2; i <= NF; i++) if (index(cores, "," (i - 2) ",")) sum += $i } END { printf " %d\n", sum }' /proc/interrupts
}
# JSON fields for the load cores between two loadstat readings.
loadjson() {
  local b=($1) a=($2)
  echo "\"loadIdleTicks\":$((a[0] - b[0])),\"loadTicks\":$((a[1] - b[1])),\"ipisToLoad\":$((a[2] - b[2]))"
}

echo_suite() {
  for shape in "50 1" "1000 1" "50 16"; do
    set -- $shape
    for round in $(seq 1 "$ROUNDS"); do
      for server in akka go kestrel floor; do
        start "$server" 7100
        local before; before=$(cpu)
        local load; load=$(loadstat)
        local json; json=$(taskset -c "$LOAD_CORES" dotnet "$BENCH" --target 127.0.0.1:7100 --workload echo --connections "$1" \
          --pipeline "$2" --payload 32 --duration "$DURATION" --warmup "$WARMUP" 2>/dev/null | tail -1)
        local after; after=$(cpu)
        record "{\"suite\":\"echo\",\"shape\":\"$1x$2\",\"round\":$round,\"server\":\"$server\",\"cpuTicks\":$((after - before)),\"ticksPerSecond\":$TICKS,\"hwmKib\":$(kib VmHWM),$(loadjson "$load" "$(loadstat)"),\"bench\":$json}"
        stop
      done
    done
  done
}

# redis-benchmark's warm-up: unmeasured passes of the round's tests at half its request count, at
# least two and for at least --warmup seconds, the same for every server (the echo load warms up for
# --warmup seconds the same way). The suite measures the long-lived server its users run, and a
# fresh .NET server pinned to one CPU recompiles its hot framework code at tier 1 only about a
# second after its last new method: each test of a pass brings new ones, so after a single pass that
# recompilation (some 450 methods) fell into the first measured test. A failed pass ends the
# warm-up (a server that is not answering is not retried in a loop; the measured pass reports it).
# warmup PORT PIPELINE REQUESTS TESTS [--tls ARGS...]
warmup() {
  local port=$1 pipeline=$2 requests=$3 tests=$4; shift 4
  local started=$SECONDS passes=0
  while (( passes < 2 || SECONDS - started < WARMUP )); do
    timeout 300 taskset -c "$LOAD_CORES" redis-benchmark -p "$port" "$@" -c 50 -n "$(( requests / 2 ))" -P "$pipeline" -t "$tests" -q >/dev/null 2>&1 || return 0
    passes=$((passes + 1))
  done
}

resp_suite() {
  for pipeline in 1 16; do
    local requests=$(( pipeline == 1 ? 100000 : 3000000 ))
    for round in $(seq 1 "$ROUNDS"); do
      for server in akka-resp redis garnet; do
        start "$server" 7200
        warmup 7200 "$pipeline" "$requests" ping_inline,set,get
        local before; before=$(cpu)
        local load; load=$(loadstat)
        local csv; csv=$(timeout 300 taskset -c "$LOAD_CORES" redis-benchmark -p 7200 -c 50 -n "$requests" -P "$pipeline" -t ping_inline,set,get --csv 2>/dev/null | tr -d '"' | tr '\n' ';')
        local after; after=$(cpu)
        record "{\"suite\":\"resp\",\"shape\":\"P$pipeline\",\"round\":$round,\"server\":\"${server%-resp}\",\"cpuTicks\":$((after - before)),\"ticksPerSecond\":$TICKS,\"requests\":$((requests * 3)),\"hwmKib\":$(kib VmHWM),$(loadjson "$load" "$(loadstat)"),\"csv\":\"$csv\"}"
        stop
      done
    done
  done
}

commands_suite() {
  for pipeline in 1 16; do
    local requests=$(( pipeline == 1 ? 100000 : 1000000 ))
    for round in $(seq 1 "$ROUNDS"); do
      for server in akka-resp redis; do
        start "$server" 7200
        warmup 7200 "$pipeline" "$requests" lpush,lpop,hset,sadd,incr,mset
        local before; before=$(cpu)
        local csv; csv=$(timeout 600 taskset -c "$LOAD_CORES" redis-benchmark -p 7200 -c 50 -n "$requests" -P "$pipeline" -t lpush,lpop,hset,sadd,incr,mset --csv 2>/dev/null | tr -d '"' | tr '\n' ';')
        local after; after=$(cpu)
        record "{\"suite\":\"resp-commands\",\"shape\":\"P$pipeline\",\"round\":$round,\"server\":\"${server%-resp}\",\"cpuTicks\":$((after - before)),\"ticksPerSecond\":$TICKS,\"requests\":$((requests * 6)),\"hwmKib\":$(kib VmHWM),\"csv\":\"$csv\"}"
        stop
      done
    done
  done
}

tls_suite() {
  make_certificate
  for shape in "50 1" "50 16" "handshake 16"; do
    set -- $shape
    local args=(--connections "$1" --pipeline "$2") name="${1}x$2"
    [ "$1" = handshake ] && { args=(--workload handshake --connections "$2"); name="handshake"; }
    for round in $(seq 1 "$ROUNDS"); do
      for server in akka go; do
        start "$server-tls" 7400
        local before; before=$(cpu)
        local json; json=$(taskset -c "$LOAD_CORES" dotnet "$BENCH" --target 127.0.0.1:7400 --tls "${args[@]}" \
          --payload 32 --duration "$DURATION" --warmup "$WARMUP" 2>/dev/null | tail -1)
        local after; after=$(cpu)
        record "{\"suite\":\"echo-tls\",\"shape\":\"$name\",\"round\":$round,\"server\":\"$server\",\"cpuTicks\":$((after - before)),\"ticksPerSecond\":$TICKS,\"hwmKib\":$(kib VmHWM),\"bench\":$json}"
        stop
      done
    done
  done
}

resp_tls_suite() {
  make_certificate
  for pipeline in 1 16; do
    local requests=$(( pipeline == 1 ? 100000 : 1000000 ))
    for round in $(seq 1 "$ROUNDS"); do
      for server in akka-resp-tls redis-tls; do
        start "$server" 7500
        warmup 7500 "$pipeline" "$requests" ping_inline,set,get --tls --cacert "$CERT"
        local before; before=$(cpu)
        local csv; csv=$(timeout 300 taskset -c "$LOAD_CORES" redis-benchmark -p 7500 --tls --cacert "$CERT" -c 50 -n "$requests" -P "$pipeline" -t ping_inline,set,get --csv 2>/dev/null | tr -d '"' | tr '\n' ';')
        local after; after=$(cpu)
        local who=${server%-tls}
        record "{\"suite\":\"resp-tls\",\"shape\":\"P$pipeline\",\"round\":$round,\"server\":\"${who%-resp}\",\"cpuTicks\":$((after - before)),\"ticksPerSecond\":$TICKS,\"requests\":$((requests * 3)),\"hwmKib\":$(kib VmHWM),\"csv\":\"$csv\"}"
        stop
      done
    done
  done
}

idle_suite() { # idle_suite [tls]: 10,000 idle connections, plaintext or with --tls
  local tls=${1:-} suffix= flag=()
  [ -n "$tls" ] && { make_certificate; suffix=-tls; flag=(--tls); }
  for server in akka go; do
    start "$server$suffix" 7300
    local before; before=$(kib VmRSS)
    taskset -c "$LOAD_CORES" dotnet "$BENCH" --target 127.0.0.1:7300 --idle 10000 --hold 30 --connect-rate 2000 "${flag[@]}" >"$OUT/idle.log" 2>&1 &
    local bench=$!
    for _ in $(seq 1 600); do grep -q '^holding' "$OUT/idle.log" && break; sleep 0.1; done
    sleep 15 # halfway through the hold
    local during; during=$(kib VmRSS)
    wait "$bench" || true
    record "{\"suite\":\"idle$suffix\",\"shape\":\"10000\",\"round\":1,\"server\":\"$server\",\"rssBeforeKib\":$before,\"rssHoldingKib\":$during,\"bench\":$(tail -1 "$OUT/idle.log")}"
    stop
  done
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); results in $RESULTS"
case "$ONLY" in
  echo) echo_suite ;;
  resp) resp_suite ;;
  idle) idle_suite ;;
  resp-commands) commands_suite ;;
  tls) tls_suite; idle_suite tls ;;
  idle-tls) idle_suite tls ;;
  resp-tls) resp_tls_suite ;;
  all) echo_suite; resp_suite; idle_suite ;;
  *) echo "--only echo|resp|resp-commands|idle|tls|idle-tls|resp-tls" >&2; exit 2 ;;
esac
python3 "$HERE/summarize.py" "$RESULTS" | tee "$OUT/summary.md"
