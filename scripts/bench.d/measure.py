#!/usr/bin/env python3
"""Load driver and summary table for scripts/bench.

  measure.py run --label L --server NAME --pid PID [--descendants] --port PORT
                 --sink-output FILE [--sink-pid PID] --count N --size OCTETS --sessions S --timeout SECONDS
                 [--generator java|smtp-source] [--classpath CP] [--starttls] [--content filler|phi]
                 [--to ADDRESS] [--messages-per-session K]
      Sends N messages over S parallel sessions to 127.0.0.1:PORT and waits until the sink
      whose counter file is FILE has counted N more messages. Prints one JSON line with the
      elapsed time, the server's CPU time and its peak memory, the sink's CPU time with
      --sink-pid and, with the java generator, the accept latencies, the durable-accept rate
      and the TLS counts of both legs.

  measure.py summarize RESULTS_FILE
      Prints median, minimum and maximum per scenario and server, the SealRelay/Postfix ratio
      of the medians, and how many sessions and messages used TLS on each leg.

Generators: "java" is org.sealrelay.gateway.bench.SmtpLoadGenerator on the test classpath
(--classpath). It prints "ready" once it has built its messages; the clock starts when
measure.py sends a start line, so JVM start-up is not timed. "smtp-source" is
Postfix's tool, which reports no latencies. Both send one message per session by default.

Sinks: smtp-sink -c and scripts/bench's CountingSink (a Netty SMTP server in the test sources
with OpenSSL and epoll) both write "mesg=N" counters; the CountingSink adds "tls=M", the
messages it received over TLS.

The clock stops when the sink's message counter reaches the target, so a message counts only
once the next hop has received it. When the generator reports failed messages, the target
drops to the messages the server accepted.

CPU time is utime + stime from /proc/PID/stat. With --descendants (Postfix) it is summed over
the master and its live child processes, plus the master's cutime + cstime, which contains the CPU
time of children that exited and were reaped during the run. The sink's CPU time (--sink-pid) is
utime + stime of that one process, without its children. Memory is sampled every 0.5 s:
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
TLS_COUNTER = re.compile(rb"tls=(\d+)")
GENERATOR_CLASS = "org.sealrelay.gateway.bench.SmtpLoadGenerator"


def sink_counts(path):
    """Returns (messages, TLS messages) from the last counters in the sink file PATH, or zeros.

    smtp-sink writes no tls= counter, so its TLS count is always 0.
    """
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            end = f.tell()
            f.seek(max(0, end - 256))
            tail = f.read()
    except FileNotFoundError:
        return 0, 0
    messages = MESSAGE_COUNTER.findall(tail)
    tls = TLS_COUNTER.findall(tail)
    return (int(messages[-1]) if messages else 0), (int(tls[-1]) if tls else 0)


def sink_count(path):
    return sink_counts(path)[0]


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


def start_smtp_source(args):
    command = ["smtp-source", "-m", str(args.count), "-s", str(args.sessions), "-l", str(args.size),
               "-f", "from@bench.example", "-t", args.to, "-M", "source.bench.example",
               f"127.0.0.1:{args.port}"]
    if args.messages_per_session != 1:
        # smtp-source -d sends every message of a worker over one session; it has no per-session limit.
        sys.exit("measure: smtp-source sends one message per session or all of them (-d); "
                 "use --generator java for --messages-per-session")
    if args.starttls or args.content != "filler":
        sys.exit("measure: smtp-source supports neither STARTTLS nor PHI content; use --generator java")
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start_java_generator(args):
    """Starts SmtpLoadGenerator and waits for its "ready" line, so JVM start-up is not timed."""
    if not args.classpath:
        sys.exit("measure: --generator java needs --classpath")
    # A short-lived JVM: the serial collector and C1 alone start faster and burn less CPU on
    # compilation, which would otherwise compete with the server for the same cores.
    command = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", args.classpath, GENERATOR_CLASS, "--port", str(args.port),
               "--count", str(args.count), "--sessions", str(args.sessions), "--size", str(args.size),
               "--messages-per-session", str(args.messages_per_session), "--content", args.content,
               "--to", args.to]
    if args.starttls:
        command.append("--starttls")
    source = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = source.stdout.readline().strip()
    if line != b"ready":
        source.kill()
        _, errors = source.communicate()
        sys.exit(f"measure: the load generator did not start (first output {line!r}): "
                 f"{errors.decode('utf-8', 'replace').strip()}")
    return source


def read_generator_result(source, timeout=None):
    """Waits for the generator to exit and returns its JSON line, with "stderr" holding its last error lines."""
    try:
        output, errors = source.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        source.kill()
        output, errors = source.communicate()
    lines = [line for line in output.decode("utf-8", "replace").splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {"accepted": 0, "failed": None}
    result["stderr"] = errors.decode("utf-8", "replace").strip().splitlines()[-3:]
    return result


def run(args):
    if read_stat(args.pid) is None:
        sys.exit(f"measure: server process {args.pid} is not running")
    if args.sink_pid and read_stat(args.sink_pid) is None:
        sys.exit(f"measure: sink process {args.sink_pid} is not running")
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]
    baseline, tls_baseline = sink_counts(args.sink_output)
    target = baseline + args.count
    peak_rss, peak_pss = memory_kib(args.pid, args.descendants)

    if args.generator == "java":
        source = start_java_generator(args)
    else:
        source = start_smtp_source(args)
    cpu_before = cpu_ticks(args.pid, args.descendants)
    sink_cpu_before = read_stat(args.sink_pid) if args.sink_pid else None
    start = time.monotonic()
    if args.generator == "java":
        source.stdin.write(b"go\n")
        source.stdin.flush()
    deadline = start + args.timeout
    next_memory_sample = start + MEMORY_SAMPLE_SECONDS
    received = baseline
    generator_result = None
    while True:
        received = sink_count(args.sink_output)
        now = time.monotonic()
        if received >= target or now >= deadline:
            break
        if generator_result is None and args.generator == "java" and source.poll() is not None:
            generator_result = read_generator_result(source)
            # Messages the server refused never reach the sink, so stop waiting for them.
            target = min(target, baseline + generator_result.get("accepted", 0))
        if now >= next_memory_sample:
            rss, pss = memory_kib(args.pid, args.descendants)
            peak_rss = max(peak_rss, rss)
            peak_pss = max(peak_pss, pss)
            next_memory_sample = now + MEMORY_SAMPLE_SECONDS
        time.sleep(POLL_SECONDS)
    elapsed = time.monotonic() - start
    cpu_after = cpu_ticks(args.pid, args.descendants)
    sink_cpu_after = read_stat(args.sink_pid) if args.sink_pid else None
    rss, pss = memory_kib(args.pid, args.descendants)
    peak_rss = max(peak_rss, rss)
    peak_pss = max(peak_pss, pss)

    remaining = max(1.0, deadline - time.monotonic())
    if args.generator == "java":
        if generator_result is None:
            generator_result = read_generator_result(source, remaining)
        source_errors = generator_result.pop("stderr", [])
    else:
        try:
            _, errors = source.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            source.kill()
            _, errors = source.communicate()
        source_errors = errors.decode("utf-8", "replace").strip().splitlines()[-3:]
    _, tls_received = sink_counts(args.sink_output)
    delivered = received - baseline
    failed = generator_result.get("failed", 0) if generator_result else 0
    result = {
        "label": args.label,
        "server": args.server,
        "size": args.size,
        "sessions": args.sessions,
        "count": args.count,
        "generator": args.generator,
        "starttls": args.starttls,
        "content": args.content,
        "delivered": delivered,
        "complete": delivered >= args.count and failed == 0,
        "seconds": round(elapsed, 3),
        "messages_per_second": round(delivered / elapsed, 1) if elapsed > 0 else 0.0,
        "cpu_seconds_per_1000": round((cpu_after - cpu_before) / CLOCK_TICKS / max(delivered, 1) * 1000, 3),
        "peak_rss_mib": round(peak_rss / 1024, 1),
        "peak_pss_mib": round(peak_pss / 1024, 1),
        "sink_tls_messages": tls_received - tls_baseline,
        "load_average_1min_at_start": float(load_before),
        "source_exit": source.returncode,
        "source_errors": source_errors,
    }
    if sink_cpu_before is not None:
        # None when the sink exited during the run, so that no partial figure is recorded.
        result["sink_cpu_seconds_per_1000"] = None if sink_cpu_after is None else round(
            (sink_cpu_after[1] - sink_cpu_before[1]) / CLOCK_TICKS / max(delivered, 1) * 1000, 3)
    if generator_result:
        for key in ("accepted", "failed", "sessions_opened", "tls_sessions", "durable_accept_per_second",
                    "accept_p50_ms", "accept_p99_ms", "accept_max_ms", "generator_cpu_seconds", "errors"):
            result[key] = generator_result.get(key)
        if result["generator_cpu_seconds"] is not None:
            result["generator_cpu_seconds_per_1000"] = round(
                result["generator_cpu_seconds"] / max(result["accepted"] or 0, 1) * 1000, 3)
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
                  if r["server"] == server and (r["size"], r["sessions"], r["label"]) == key and r["complete"]
                  and r.get(field) is not None]
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
              ("durable_accept_per_second", "durable accepts/s"),
              ("accept_p50_ms", "accept p50 ms"),
              ("accept_p99_ms", "accept p99 ms"),
              ("cpu_seconds_per_1000", "CPU s per 1000 msg"),
              ("peak_rss_mib", "peak RSS MiB (sum)"),
              ("peak_pss_mib", "peak PSS MiB (sum)"),
              ("generator_cpu_seconds_per_1000", "generator CPU s/1000"),
              ("sink_cpu_seconds_per_1000", "sink CPU s/1000")]
    header = f"{'scenario':<26} {'figure':<20} {'SealRelay':>24} {'Postfix':>24} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for key in scenarios:
        size, sessions, label = key
        name = f"{label} {size // 1024} KiB x{sessions}"
        for field, title in fields:
            sealrelay = figures("sealrelay", key, field)
            postfix = figures("postfix", key, field)
            if not sealrelay and not postfix:
                continue
            print(f"{name:<26} {title:<20} {cell(sealrelay):>24} {cell(postfix):>24} {ratio(sealrelay, postfix):>6}")
            name = ""
    incomplete = [r for r in runs if not r["complete"]]
    for r in incomplete:
        print(f"INCOMPLETE: {r['server']} {r['label']} {r['size']} B x{r['sessions']}: "
              f"{r['delivered']} of {r['count']} delivered in {r['seconds']} s, "
              f"{r.get('failed', '?')} refused or failed at the generator; "
              f"generator exit {r['source_exit']} {r.get('errors') or r['source_errors']}")
    print_tls_check(runs)
    print("values: median (min-max) over complete runs; ratio = SealRelay median / Postfix median "
          "(above 1 is better for the two rates, below 1 for the other figures)")
    loads = [r["load_average_1min_at_start"] for r in runs if "load_average_1min_at_start" in r]
    if loads:
        print(f"1-minute load average at the start of the runs: {min(loads):g} to {max(loads):g} "
              f"on {os.cpu_count()} CPUs (other processes on the machine count too)")
    return 0


def print_tls_check(runs):
    """Prints, per server and scenario with STARTTLS, how many sessions and messages used TLS on each leg.

    The inbound count comes from the load generator, which fails a session whose STARTTLS
    handshake fails. The outbound count comes from the sink, which saw the TLS state itself.
    """
    totals = {}
    for r in runs:
        if not r.get("starttls"):
            continue
        key = (r["label"], r["server"])
        entry = totals.setdefault(key, [0, 0, 0, 0])
        entry[0] += r.get("tls_sessions") or 0
        entry[1] += r.get("sessions_opened") or 0
        entry[2] += r.get("sink_tls_messages") or 0
        entry[3] += r["delivered"]
    for (label, server), (tls_sessions, sessions, tls_messages, delivered) in totals.items():
        print(f"TLS check, {label}, {server}: inbound {tls_sessions} of {sessions} sessions with TLS "
              f"(generator); outbound {tls_messages} of {delivered} messages received over TLS (sink)")


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
    r.add_argument("--sink-pid", type=int,
                   help="PID of the sink; records its CPU seconds per 1000 messages (the process alone)")
    r.add_argument("--count", type=int, required=True, help="messages to send")
    r.add_argument("--size", type=int, required=True, help="payload octets per message")
    r.add_argument("--sessions", type=int, required=True, help="parallel SMTP sessions")
    r.add_argument("--timeout", type=float, required=True, help="seconds before the run is abandoned")
    r.add_argument("--generator", choices=["java", "smtp-source"], default="java",
                   help="load generator (default java: SmtpLoadGenerator, which measures accept latency)")
    r.add_argument("--classpath", help="gateway-server test classpath, for --generator java")
    r.add_argument("--starttls", action="store_true", help="STARTTLS in every session (java generator only)")
    r.add_argument("--content", choices=["filler", "phi"], default="filler",
                   help="body text: filler lines, or clinical text with made-up PHI (java generator only)")
    r.add_argument("--to", default="bench@plain.bench.example", help="envelope recipient")
    r.add_argument("--messages-per-session", type=int, default=1,
                   help="messages per SMTP session (default 1, as smtp-source sends)")
    s = sub.add_parser("summarize")
    s.add_argument("results")
    args = parser.parse_args()
    return run(args) if args.command == "run" else summarize(args)


if __name__ == "__main__":
    sys.exit(main())
