#!/usr/bin/env bash
# Builds the suite's Go reference echo server (refserver/, standard library only) into $1
# (default: ./refserver). Installs Debian's golang-go when go is missing; downloads no modules.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTPUT=$(realpath -m "${1:-refserver}")
command -v go >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null; }
cd "$HERE/refserver"
GOFLAGS=-mod=mod GOPROXY=off GOCACHE="${GOCACHE:-${TMPDIR:-/tmp}/akka-tcp-gocache}" go build -o "$OUTPUT" .
