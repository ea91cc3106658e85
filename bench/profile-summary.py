"""Summarises an async-profiler collapsed profile (plain or .gz) for the event loop: self time by frame, inclusive
time of the edge's own frames, self time by layer. Used for bench/results/*-passthrough-profile.md."""
import collections, gzip, sys

path = sys.argv[1]
opener = gzip.open if path.endswith('.gz') else open
own = collections.Counter(); incl = collections.Counter(); layers = collections.Counter(); total = 0
with opener(path, 'rt') as lines:
    for line in lines:
        stack, _, n = line.rstrip().rpartition(' ')
        frames = stack.split(';')
        if not frames[0].startswith('[vert.x-eventloop'):
            continue
        n = int(n); frames = frames[1:]; total += n
        leaf = frames[-1]
        own[leaf] += n
        for f in set(frames):
            incl[f] += n
        layer = 'kernel' if leaf.endswith('_[k]') else 'native' if ('.so' in leaf or '[' in leaf) \
            else '.'.join(leaf.split('/')[0:3])
        layers[layer] += n
print("event-loop samples", total)
print("== self, top 30")
for f, n in own.most_common(30):
    print(f"{100 * n / total:5.1f}% {f[:140]}")
print("== inclusive, paintbox frames")
for f, n in sorted(((f, n) for f, n in incl.items() if 'paintbox' in f), key=lambda x: -x[1])[:40]:
    print(f"{100 * n / total:5.1f}% {f[:140]}")
print("== self by layer")
for f, n in layers.most_common(15):
    print(f"{100 * n / total:5.1f}% {f}")
