"""bench/latency-timeline.py: what the slow requests of a bench/latrec.c run coincided with.

Reads latrec's records (end time, latency per request) and, when given, its scheduler samples (-s: every thread of the
server and the server's CPU every 10 ms) and the server JVM's log (-Xlog:gc,safepoint:file=...:time,uptimenanos).
Prints the percentiles, then sorts every request slower than a threshold (default: the run's own p99) by what
overlapped it, first match wins:
  safepoint    a safepoint (a GC pause is one) from the JVM's log overlapped the request
  cpu:<who>    in a 10 ms window the request spans, the event loop waited >= --wait-ms for the CPU (run_delay from
               schedstat) or the core ran something else for >= --wait-ms; <who> is what ran: a JVM thread by name, or
               "other processes" (the CPU's own time minus all the server's threads', or where /proc/schedstat is
               missing, what the event loop waited beyond what the server's other threads ran)
  none         nothing of the above: the request was slow by queueing alone (64 connections, one core)
and the worst 100 ms buckets with what ran in them. Usage:

  bench/latency-timeline.py out.bin [--samples out.sched] [--jvmlog gc.log] [--threshold-ms 3.2]
"""
import argparse
import collections
import re
import sys

import numpy as np


def load_records(path):
    a = np.fromfile(path, dtype="<i8").reshape(-1, 2)
    end = a[:, 0].astype(np.float64) / 1e6  # realtime, ms
    lat = a[:, 1].astype(np.float64) / 1e6  # ms
    return end - lat, end, lat


def load_jvm_events(path):
    """[(start_ms, end_ms, label)] of safepoints and GC pauses, in realtime ms."""
    lines = open(path, errors="replace").read().splitlines()
    deco = re.compile(r"^\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d{4})\]\[(\d+)ns\]")
    offsets, parsed = [], []
    import datetime
    for line in lines:
        m = deco.match(line)
        if not m:
            continue
        t = datetime.datetime.strptime(m.group(1) + m.group(2), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000.0
        up = int(m.group(3)) / 1e6
        offsets.append(t - up)
        parsed.append((up, line))
    if not offsets:
        return []
    # time is truncated to the millisecond: the largest (time - uptime) is closest to the JVM's real start
    start = max(offsets)
    events = []
    for up, line in parsed:
        t = start + up
        m = re.search(r'Safepoint "([^"]+)".*Reaching safepoint: (\d+) ns.*Total: (\d+) ns', line)
        if m:
            total = int(m.group(3)) / 1e6
            events.append((t - total, t, "safepoint " + m.group(1), total))
            continue
        m = re.search(r"(Pause [^)]*\)).* ([\d.]+)ms$", line)
        if m:
            d = float(m.group(2))
            events.append((t - d, t, "gc " + m.group(1), d))
            # heap before -> after: what the program allocated since the previous collection is before - previous after
            h = re.search(r" (\d+)([MK])->(\d+)([MK])\(", line)
            if h:
                unit = lambda v, u: int(v) * (1 << 20 if u == "M" else 1 << 10)
                GC_HEAP.append((t, unit(h.group(1), h.group(2)), unit(h.group(3), h.group(4))))
    return events


GC_HEAP = []  # (realtime ms, heap bytes before, heap bytes after) per GC pause, from the JVM log


def load_samples(path):
    """Per 10 ms window: (t0, t1, el_wait_ms, {thread: run_ms}, foreign_ms, el_name)."""
    by_time = collections.OrderedDict()
    for line in open(path):
        f = line.split()
        if len(f) != 6:
            continue
        t, tid, name, run, wait = int(f[0]) / 1e6, f[1], f[2], int(f[3]), int(f[4])
        by_time.setdefault(t, {})[tid] = (name, run, wait)
    times = list(by_time)
    # the event loop: the thread that ran most over the run (cpu lines excluded)
    total = collections.Counter()
    first, last = by_time[times[0]], by_time[times[-1]]
    for tid, (name, run, _) in last.items():
        if not tid.startswith("cpu"):
            total[tid] = run - first.get(tid, (name, 0, 0))[1]
    el = total.most_common(1)[0][0]
    el_name = last[el][0]
    windows = []
    for a, b in zip(times, times[1:]):
        sa, sb = by_time[a], by_time[b]
        runs, jvm = {}, 0.0
        el_wait = 0.0
        cpu = 0.0
        for tid, (name, run, wait) in sb.items():
            if tid not in sa:
                continue
            d_run = (run - sa[tid][1]) / 1e6
            if tid.startswith("cpu"):
                cpu = d_run
                continue
            jvm += d_run
            if tid == el:
                el_wait = (wait - sa[tid][2]) / 1e6
            elif d_run > 0:
                key = re.sub(r"\d+$", "", name)
                runs[key] = runs.get(key, 0.0) + d_run
        # /proc/schedstat (the CPU's own total) is missing on some kernels: then what the event loop waited for
        # beyond what the server's other threads ran is what other processes (or the kernel) took
        foreign = cpu - jvm if cpu > 0 else el_wait - sum(runs.values())
        windows.append((a, b, el_wait, runs, max(0.0, foreign), el_name))
    return windows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("records")
    ap.add_argument("--samples")
    ap.add_argument("--jvmlog")
    ap.add_argument("--threshold-ms", type=float)
    ap.add_argument("--wait-ms", type=float, default=1.0)
    args = ap.parse_args()

    start, end, lat = load_records(args.records)
    n = len(lat)
    pct = {p: float(np.percentile(lat, p)) for p in (50, 90, 99, 99.9)}
    span = (end.max() - end.min()) / 1000.0
    print(f"{n} requests in {span:.1f} s ({n / span:.0f} req/s); latency ms: p50 {pct[50]:.3f} p90 {pct[90]:.3f} "
          f"p99 {pct[99]:.3f} p99.9 {pct[99.9]:.3f} max {lat.max():.3f}")
    thr = args.threshold_ms if args.threshold_ms is not None else pct[99]
    slow = np.nonzero(lat > thr)[0]
    print(f"slow: {len(slow)} requests over {thr:.3f} ms ({100.0 * len(slow) / n:.2f} %)")

    events = load_jvm_events(args.jvmlog) if args.jvmlog else []
    windows = load_samples(args.samples) if args.samples else []
    if events:
        ev = np.array([(a, b) for a, b, _, _ in events])
        kinds = collections.Counter(e[2] for e in events)
        within = [e for e in events if e[1] >= end.min() and e[0] <= end.max()]
        print(f"JVM log: {len(within)} safepoints/pauses during the run, "
              f"total {sum(e[3] for e in within):.1f} ms, longest {max((e[3] for e in within), default=0):.2f} ms; "
              + ", ".join(f"{k} x{v}" for k, v in kinds.most_common(6)))
    inside = [i for i, g in enumerate(GC_HEAP) if i > 0 and end.min() <= g[0] <= end.max()]
    if len(inside) >= 2:
        allocated = sum(GC_HEAP[i][1] - GC_HEAP[i - 1][2] for i in inside[1:])
        served = np.count_nonzero((end > GC_HEAP[inside[0]][0]) & (end <= GC_HEAP[inside[-1]][0]))
        gap = (GC_HEAP[inside[-1]][0] - GC_HEAP[inside[0]][0]) / (len(inside) - 1)
        print(f"allocation: {allocated / max(served, 1):.0f} bytes per request between the run's first and last GC "
              f"({len(inside)} collections, one every {gap:.0f} ms)")
    if windows:
        w0 = np.array([w[0] for w in windows])
        w1 = np.array([w[1] for w in windows])
        in_run = [w for w in windows if w[1] >= end.min() and w[0] <= end.max()]
        secs = sum(w[1] - w[0] for w in in_run) / 1000.0
        others = collections.Counter()
        for w in in_run:
            for k, v in w[3].items():
                others[k] += v
            others["(other processes)"] += w[4]
        waited = sum(w[2] for w in in_run)
        print(f"scheduler, {secs:.1f} s sampled: the event loop ({in_run[0][5]}) waited {waited:.0f} ms for the CPU "
              f"({100 * waited / 1000 / secs:.2f} % of the time); on its core meanwhile ran (ms): "
              + ", ".join(f"{k} {v:.0f}" for k, v in others.most_common(8)))

    causes = collections.Counter()
    who = collections.Counter()
    for i in slow:
        s, e = start[i], end[i]
        cause = "none"
        if events:
            hit = np.nonzero((ev[:, 1] >= s) & (ev[:, 0] <= e))[0]
            if len(hit):
                cause = "safepoint"
                who[events[hit[0]][2]] += 1
        if cause == "none" and windows:
            lo = np.searchsorted(w1, s)
            hi = np.searchsorted(w0, e)
            best, best_v = None, 0.0
            for w in windows[lo:hi]:
                cands = dict(w[3])
                cands["(other processes)"] = w[4]
                k, v = max(cands.items(), key=lambda kv: kv[1]) if cands else (None, 0.0)
                if (w[2] >= args.wait_ms or v >= args.wait_ms) and v >= best_v:
                    best, best_v = k, v
            if best is not None:
                cause = "cpu"
                who[best] += 1
        causes[cause] += 1
    if len(slow):
        print("slow requests by what overlapped them: " + ", ".join(
            f"{k} {v} ({100.0 * v / len(slow):.0f} %)" for k, v in causes.most_common()))
        if who:
            print("  of which: " + ", ".join(f"{k} {v}" for k, v in who.most_common(10)))

    # the worst 100 ms buckets
    b = ((end - end.min()) // 100).astype(int)
    worst = collections.defaultdict(float)
    for k, l in zip(b, lat):
        if l > worst[k]:
            worst[k] = l
    print("worst 100 ms buckets (offset s, max ms, what ran on the core there):")
    for k, m in sorted(worst.items(), key=lambda kv: -kv[1])[:8]:
        t0 = end.min() + k * 100
        note = []
        for a, bb, name, d in events:
            if bb >= t0 - 20 and a <= t0 + 100 and d >= 0.2:
                note.append(f"{name} {d:.2f} ms")
        for w in windows:
            if w[1] >= t0 and w[0] <= t0 + 100:
                top = sorted(list(w[3].items()) + [("(other processes)", w[4])], key=lambda kv: -kv[1])[:2]
                if w[2] >= 0.5 or (top and top[0][1] >= 0.5):
                    note.append(f"el waited {w[2]:.1f} ms: " + ", ".join(f"{x} {y:.1f}" for x, y in top if y >= 0.3))
        print(f"  {k / 10:6.1f}  {m:7.2f}  " + ("; ".join(note[:4]) or "-"))


if __name__ == "__main__":
    sys.exit(main())
