#!/usr/bin/env python3
"""Summarises run-suite.sh's results.jsonl: medians per server and medians of per-round ratios."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
median = statistics.median


def cpu_us(row, replies):
    return row["cpuTicks"] / row["ticksPerSecond"] * 1e6 / max(replies, 1)


def table(title, header, lines):
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for line in lines:
        print("| " + " | ".join(str(x) for x in line) + " |")


def peer_rows(echo, servers, cells):
    """A row per echo shape with rounds that ran all of servers: the workload, cells(those rounds), their count."""
    rows = []
    for shape, rounds in echo.items():
        full = [m for m in rounds.values() if servers <= m.keys()]
        if full:
            rows.append([f"echo 32 B, {shape.replace('x', ' conns x ')} in flight"] + cells(full) + [len(full)])
    return rows


# echo (plaintext, and over TLS with handshakes): AkkaTcp vs the Go reference server
for suite, title in (("echo", "echo: AkkaTcp vs the Go reference server"),
                     ("echo-tls", "echo over TLS: AkkaTcp vs the Go reference server over crypto/tls (handshake: req/s = new TLS connections per second)")):
    echo = defaultdict(lambda: defaultdict(dict))  # shape -> round -> server -> metrics
    for r in (r for r in rows if r["suite"] == suite):
        b = r["bench"]
        echo[r["shape"]][r["round"]][r["server"]] = {
            "rps": b["reqPerSec"], "p99": b["p99us"], "cpu": cpu_us(r, b["totalReplies"]),
            "hwm": r["hwmKib"] / 1024, "errors": b["errors"] + b["failedConnections"]}
    if not echo:
        continue
    lines = []
    for shape, rounds in echo.items():
        both = [m for m in rounds.values() if "akka" in m and "go" in m]
        def med(server, key):
            return median(m[server][key] for m in both)
        def ratio(key):
            return median(m["akka"][key] / m["go"][key] for m in both)
        label = "new TLS connections, 16 loops" if shape == "handshake" else f"echo 32 B, {shape.replace('x', ' conns x ')} in flight"
        lines.append([label,
                      f"{med('akka', 'rps'):,.0f}", f"{med('go', 'rps'):,.0f}", f"{ratio('rps'):.2f}",
                      f"{med('akka', 'cpu'):.1f}", f"{med('go', 'cpu'):.1f}", f"{ratio('cpu'):.2f}",
                      f"{med('akka', 'p99'):,.0f}", f"{med('go', 'p99'):,.0f}", f"{ratio('p99'):.2f}",
                      f"{med('akka', 'hwm'):.0f} / {med('go', 'hwm'):.0f}",
                      sum(m[s]["errors"] for m in both for s in ("akka", "go")), len(both)])
    table(f"{title} (medians; ratios are medians of per-round AkkaTcp/Go)",
          ["workload", "AkkaTcp req/s", "Go req/s", "req/s ratio", "AkkaTcp CPU µs/req", "Go CPU µs/req", "CPU ratio",
           "AkkaTcp p99 µs", "Go p99 µs", "p99 ratio", "peak RSS MiB (AkkaTcp / Go)", "errors", "rounds"], lines)
    # The .NET peer, when the run had it: AkkaTcp against Kestrel's connection layer.
    kestrel = peer_rows(echo, {"akka", "kestrel"}, lambda pair: [
        f"{median(m['kestrel']['rps'] for m in pair):,.0f}", f"{median(m['akka']['rps'] / m['kestrel']['rps'] for m in pair):.2f}",
        f"{median(m['kestrel']['cpu'] for m in pair):.1f}", f"{median(m['akka']['cpu'] / m['kestrel']['cpu'] for m in pair):.2f}",
        f"{median(m['kestrel']['rps'] / m['go']['rps'] for m in pair if 'go' in m):.2f}"])
    if kestrel:
        table(f"{title.split(':')[0]}: AkkaTcp vs Kestrel's connection layer (medians of per-round ratios)",
              ["workload", "Kestrel req/s", "AkkaTcp/Kestrel req/s", "Kestrel CPU µs/req", "AkkaTcp/Kestrel CPU", "Kestrel/Go req/s", "rounds"], kestrel)
    # The floor, when the run had it: Akka.IO with a handler that only writes back what it read.
    # floor/Go is what Akka.IO leaves any server built on it; AkkaTcp/floor is AkkaTcp's own cost.
    floor = peer_rows(echo, {"akka", "go", "floor"}, lambda trio: [
        f"{median(m['floor']['rps'] for m in trio):,.0f}", f"{median(m['floor']['rps'] / m['go']['rps'] for m in trio):.2f}",
        f"{median(m['floor']['cpu'] / m['go']['cpu'] for m in trio):.2f}", f"{median(m['akka']['rps'] / m['floor']['rps'] for m in trio):.2f}",
        f"{median(m['akka']['cpu'] / m['floor']['cpu'] for m in trio):.2f}"])
    if floor:
        table(f"{title.split(':')[0]}: the Akka.IO floor (akkaio-floor: Akka.IO and a handler that writes back what it read; medians of per-round ratios)",
              ["workload", "floor req/s", "floor/Go req/s", "floor/Go CPU", "AkkaTcp/floor req/s", "AkkaTcp/floor CPU", "rounds"], floor)

# resp (ping, set, get) against redis-server and Garnet; resp-commands (lists, hashes, sets, ...) against redis-server
for suite, others, title in (
        ("resp", ["redis", "garnet"], "resp: redis-benchmark against AkkaTcp, redis-server and Garnet"),
        ("resp-commands", ["redis"], "resp commands: redis-benchmark against AkkaTcp and redis-server"),
        ("resp-tls", ["redis"], "resp over TLS: redis-benchmark --tls against AkkaTcp and redis-server --tls-port")):
    resp = defaultdict(lambda: defaultdict(dict))
    for r in (r for r in rows if r["suite"] == suite):
        tests = {}
        for row in r["csv"].split(";"):
            parts = row.split(",")
            if len(parts) >= 2 and parts[0] != "test":
                tests[parts[0]] = float(parts[1])
        resp[r["shape"]][r["round"]][r["server"]] = {"tests": tests, "cpu": cpu_us(r, r["requests"]), "hwm": r["hwmKib"] / 1024}
    if not resp:
        continue
    servers = ["akka"] + others
    lines = []
    for shape, rounds in resp.items():
        full = [m for m in rounds.values() if set(servers) <= m.keys()]
        for test in sorted(full[0]["akka"]["tests"]) if full else []:
            def med(server):
                return median(m[server]["tests"][test] for m in full)
            def ratio(other):
                return median(m["akka"]["tests"][test] / m[other]["tests"][test] for m in full)
            lines.append([f"{test} -c 50 -{shape}"] + [f"{med(s):,.0f}" for s in servers] + [f"{ratio(o):.2f}" for o in others] + [len(full)])
        if full:
            lines.append([f"server CPU µs/request, -{shape}"] + [f"{median(m[s]['cpu'] for m in full):.1f}" for s in servers] + [""] * len(others) + [len(full)])
    names = {"akka": "AkkaTcp", "redis": "redis-server", "garnet": "Garnet"}
    table(f"{title} (req/s medians; ratios are medians of per-round ratios)",
          ["test"] + [names[s] for s in servers] + [f"AkkaTcp / {names[o].split('-')[0]}" for o in others] + ["rounds"], lines)

# Who waited on whom: the load cores' idle share and the wake-up IPIs they received per 1,000
# replies, per server (recorded by run-suite.sh from /proc/stat and /proc/interrupts). A load
# generator that idles is waiting for the server, and each reply that wakes it costs the
# server's core an IPI.
waits = defaultdict(lambda: defaultdict(list))  # workload -> server -> [(idle share, ipis per 1k replies)]
for r in (r for r in rows if r["suite"] in ("echo", "resp") and r.get("loadTicks")):
    replies = r["bench"]["totalReplies"] if r["suite"] == "echo" else r["requests"]
    workload = f"echo {r['shape']}" if r["suite"] == "echo" else f"resp -{r['shape']}"
    waits[workload][r["server"]].append((r["loadIdleTicks"] / r["loadTicks"], r["ipisToLoad"] * 1000 / max(replies, 1)))
if waits:
    servers = [s for s in ("akka", "go", "kestrel", "floor", "redis", "garnet") if any(s in w for w in waits.values())]
    lines = []
    for workload, by in waits.items():
        lines.append([workload] + [f"{median(x[0] for x in by[s]):.0%} / {median(x[1] for x in by[s]):.0f}" if s in by else ""
                                   for s in servers])
    table("load cores idle / wake-up IPIs to them per 1,000 replies (medians over rounds)", ["workload"] + servers, lines)

# idle connections (plaintext, and over TLS)
for suite, title in (("idle", "10,000 idle connections held 30 s"), ("idle-tls", "10,000 idle TLS connections held 30 s")):
    idle = {r["server"]: r for r in rows if r["suite"] == suite}
    if idle:
        lines = []
        per = {}
        for server, r in idle.items():
            opened = r["bench"]["opened"]
            per[server] = (r["rssHoldingKib"] - r["rssBeforeKib"]) * 1024 / max(opened, 1)
            lines.append([server, opened, r["bench"]["answeredAfterHold"], f"{r['rssBeforeKib'] / 1024:.0f}",
                          f"{r['rssHoldingKib'] / 1024:.0f}", f"{per[server] / 1024:.1f}"])
        if "akka" in per and "go" in per:
            lines.append(["ratio AkkaTcp / Go", "", "", "", "", f"{per['akka'] / per['go']:.2f}"])
        table(title,
              ["server", "opened", "answering after 30 s", "RSS before MiB", "RSS holding MiB", "KiB per connection"], lines)
