#!/usr/bin/env python3
"""Pub/sub fan-out receivers for run-cluster.sh: N subscribers spread over the given ports, each
SUBSCRIBEd to one channel; counts the messages they receive (by bytes: every message has the same
size) from the first to the last (nothing for --idle seconds ends it, or --duration) and prints
one JSON line. Reads whole socket buffers without parsing, so one
process keeps up with millions of small messages a second.

  subscribers.py --ports 6381,6382,6383 --count 100 --channel bench --payload-size 16 --ready-file F
"""
import argparse, json, selectors, socket, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--ports", required=True)
parser.add_argument("--count", type=int, default=100)
parser.add_argument("--channel", default="bench")
parser.add_argument("--payload-size", type=int, default=16)
parser.add_argument("--duration", type=float, default=120)
parser.add_argument("--idle", type=float, default=1.5)
parser.add_argument("--ready-file", default="")
args = parser.parse_args()

channel = args.channel.encode()
payload_len = args.payload_size
message_size = len(b"*3\r\n$7\r\nmessage\r\n") + len(b"$%d\r\n%s\r\n" % (len(channel), channel)) + len(b"$%d\r\n" % payload_len) + payload_len + 2
confirm_size = len(b"*3\r\n$9\r\nsubscribe\r\n") + len(b"$%d\r\n%s\r\n" % (len(channel), channel)) + len(b":1\r\n")

ports = [int(p) for p in args.ports.split(",")]
selector = selectors.DefaultSelector()
received = {}
for i in range(args.count):
    s = socket.create_connection(("127.0.0.1", ports[i % len(ports)]))
    s.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(channel), channel))
    confirmation = b""
    while len(confirmation) < confirm_size:
        confirmation += s.recv(confirm_size - len(confirmation))
    s.setblocking(False)
    selector.register(s, selectors.EVENT_READ)
    received[s] = 0
if args.ready_file:
    open(args.ready_file, "w").write("ready\n")

start = last = None
while True:
    events = selector.select(timeout=0.1)
    now = time.monotonic()
    for key, _ in events:
        try:
            data = key.fileobj.recv(1 << 20)
        except BlockingIOError:
            continue
        if not data:
            selector.unregister(key.fileobj)
            continue
        received[key.fileobj] += len(data)
        start = start or now
        last = now
    if start is not None and (now - last >= args.idle or now - start >= args.duration):
        break
    if not selector.get_map():
        break

total = sum(received.values()) // message_size
elapsed = (last - start) if start else 0
print(json.dumps({"subscribers": args.count, "messages": total, "seconds": round(elapsed, 3),
                  "perSecond": round(total / elapsed) if elapsed else 0,
                  "cut": sum(1 for s in received if s not in selector.get_map())}))
