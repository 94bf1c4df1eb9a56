#!/usr/bin/env python3
"""Load driver and summary table for scripts/bench.

  measure.py run --label L --server NAME --pid PID [--descendants] --port PORT
                 --sink-output FILE --count N --size OCTETS --sessions S --timeout SECONDS
      Sends N messages with smtp-source over S parallel sessions to 127.0.0.1:PORT and waits
      until the smtp-sink whose -c output is FILE has counted N more messages. Prints one JSON
      line with the elapsed time, the server's CPU time and its peak memory.

  measure.py summarize RESULTS_FILE
      Prints median, minimum and maximum per scenario and server, and the SealRelay/Postfix
      ratio of the medians.

The clock starts just before smtp-source is started and stops when the sink's message counter
reaches the target, so a message counts only once the next hop has received it.

CPU time is utime + stime from /proc/PID/stat. With --descendants (Postfix) it is summed over
the master and its live child processes, plus the master's cutime + cstime, which contains the CPU
time of children that exited and were reaped during the run. Memory is sampled every 0.5 s:
the peak sum of VmRSS, which counts shared pages once per process, and the peak sum of PSS from
smaps_rollup, which splits shared pages between the processes that map them.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.02
MEMORY_SAMPLE_SECONDS = 0.5
MESSAGE_COUNTER = re.compile(rb"mesg=(\d+)")


def sink_count(path):
    """Returns the last mesg= counter that smtp-sink -c wrote to PATH, or 0."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            end = f.tell()
            f.seek(max(0, end - 256))
            tail = f.read()
    except FileNotFoundError:
        return 0
    matches = MESSAGE_COUNTER.findall(tail)
    return int(matches[-1]) if matches else 0


def read_stat(pid):
    """Returns (ppid, utime+stime, cutime+cstime) in clock ticks, or None if PID is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name in field 2 may contain spaces, so split after its closing parenthesis.
    fields = data[data.rindex(b")") + 2:].split()
    ppid = int(fields[1])
    own = int(fields[11]) + int(fields[12])
    children = int(fields[13]) + int(fields[14])
    return ppid, own, children


def server_pids(root, descendants):
    if not descendants:
        return [root]
    pids = [root]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = read_stat(int(entry))
            if stat is not None and stat[0] == root:
                pids.append(int(entry))
    return pids


def cpu_ticks(root, descendants):
    total = 0
    for pid in server_pids(root, descendants):
        stat = read_stat(pid)
        if stat is None:
            continue
        total += stat[1]
        if pid == root:
            total += stat[2]
    return total


def memory_kib(root, descendants):
    """Returns (sum of VmRSS, sum of Pss) in KiB over the server's processes."""
    rss = 0
    pss = 0
    for pid in server_pids(root, descendants):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


def run(args):
    if read_stat(args.pid) is None:
        sys.exit(f"measure: server process {args.pid} is not running")
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]
    baseline = sink_count(args.sink_output)
    target = baseline + args.count
    peak_rss, peak_pss = memory_kib(args.pid, args.descendants)
    cpu_before = cpu_ticks(args.pid, args.descendants)

    command = ["smtp-source", "-m", str(args.count), "-s", str(args.sessions), "-l", str(args.size),
               "-f", "from@bench.example", "-t", "to@bench.example", "-M", "source.bench.example",
               f"127.0.0.1:{args.port}"]
    start = time.monotonic()
    source = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + args.timeout
    next_memory_sample = start + MEMORY_SAMPLE_SECONDS
    received = baseline
    while True:
        received = sink_count(args.sink_output)
        now = time.monotonic()
        if received >= target or now >= deadline:
            break
        if now >= next_memory_sample:
            rss, pss = memory_kib(args.pid, args.descendants)
            peak_rss = max(peak_rss, rss)
            peak_pss = max(peak_pss, pss)
            next_memory_sample = now + MEMORY_SAMPLE_SECONDS
        time.sleep(POLL_SECONDS)
    elapsed = time.monotonic() - start
    cpu_after = cpu_ticks(args.pid, args.descendants)
    rss, pss = memory_kib(args.pid, args.descendants)
    peak_rss = max(peak_rss, rss)
    peak_pss = max(peak_pss, pss)

    try:
        _, source_errors = source.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        source.kill()
        _, source_errors = source.communicate()
    delivered = received - baseline
    result = {
        "label": args.label,
        "server": args.server,
        "size": args.size,
        "sessions": args.sessions,
        "count": args.count,
        "delivered": delivered,
        "complete": delivered >= args.count,
        "seconds": round(elapsed, 3),
        "messages_per_second": round(delivered / elapsed, 1) if elapsed > 0 else 0.0,
        "cpu_seconds_per_1000": round((cpu_after - cpu_before) / CLOCK_TICKS / max(delivered, 1) * 1000, 3),
        "peak_rss_mib": round(peak_rss / 1024, 1),
        "peak_pss_mib": round(peak_pss / 1024, 1),
        "load_average_1min_at_start": float(load_before),
        "source_exit": source.returncode,
        "source_errors": source_errors.decode("utf-8", "replace").strip().splitlines()[-3:],
    }
    print(json.dumps(result), flush=True)
    return 0 if result["complete"] else 1


def summarize(args):
    runs = []
    with open(args.results) as f:
        for line in f:
            line = line.strip()
            if line:
                runs.append(json.loads(line))
    scenarios = []
    for r in runs:
        key = (r["size"], r["sessions"], r["label"])
        if key not in scenarios:
            scenarios.append(key)

    def figures(server, key, field):
        values = [r[field] for r in runs
                  if r["server"] == server and (r["size"], r["sessions"], r["label"]) == key and r["complete"]]
        return values

    def cell(values):
        if not values:
            return "no complete run"
        if len(values) == 1:
            return f"{values[0]:g}"
        return f"{statistics.median(values):g} ({min(values):g}-{max(values):g})"

    def ratio(a, b):
        if not a or not b or statistics.median(b) == 0:
            return "-"
        return f"{statistics.median(a) / statistics.median(b):.2f}"

    fields = [("messages_per_second", "msg/s end to end"),
              ("cpu_seconds_per_1000", "CPU s per 1000 msg"),
              ("peak_rss_mib", "peak RSS MiB (sum)"),
              ("peak_pss_mib", "peak PSS MiB (sum)")]
    header = f"{'scenario':<26} {'figure':<20} {'SealRelay':>24} {'Postfix':>24} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for key in scenarios:
        size, sessions, label = key
        name = f"{label} {size // 1024} KiB x{sessions}"
        for field, title in fields:
            sealrelay = figures("sealrelay", key, field)
            postfix = figures("postfix", key, field)
            print(f"{name:<26} {title:<20} {cell(sealrelay):>24} {cell(postfix):>24} {ratio(sealrelay, postfix):>6}")
            name = ""
    incomplete = [r for r in runs if not r["complete"]]
    for r in incomplete:
        print(f"INCOMPLETE: {r['server']} {r['label']} {r['size']} B x{r['sessions']}: "
              f"{r['delivered']} of {r['count']} delivered in {r['seconds']} s; "
              f"smtp-source exit {r['source_exit']} {r['source_errors']}")
    print("values: median (min-max) over complete runs; ratio = SealRelay median / Postfix median")
    loads = [r["load_average_1min_at_start"] for r in runs if "load_average_1min_at_start" in r]
    if loads:
        print(f"1-minute load average at the start of the runs: {min(loads):g} to {max(loads):g} "
              f"on {os.cpu_count()} CPUs (other processes on the machine count too)")
    return 0


def main():
    parser = argparse.ArgumentParser(description="load driver for scripts/bench")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--label", required=True)
    r.add_argument("--server", required=True, choices=["sealrelay", "postfix"])
    r.add_argument("--pid", type=int, required=True, help="PID of the server (Postfix: the master)")
    r.add_argument("--descendants", action="store_true", help="also count the PID's child processes")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--sink-output", required=True, help="file that receives smtp-sink -c output")
    r.add_argument("--count", type=int, required=True, help="messages to send")
    r.add_argument("--size", type=int, required=True, help="payload octets per message")
    r.add_argument("--sessions", type=int, required=True, help="parallel SMTP sessions")
    r.add_argument("--timeout", type=float, required=True, help="seconds before the run is abandoned")
    s = sub.add_parser("summarize")
    s.add_argument("results")
    args = parser.parse_args()
    return run(args) if args.command == "run" else summarize(args)


if __name__ == "__main__":
    sys.exit(main())
