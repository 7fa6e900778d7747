"""RouteTable against pytricia (a C Patricia trie, the usual Python choice) on a real IPv4
BGP table (RouteViews 2015, 606,138 prefixes), in the same run, both giving the same
answers: `lookup_many` over 1 million addresses and single `lookup` calls. Also `plan()` on
the reference scenario. Prints figures; asserts nothing about speed.

usage: python bench.py [DATA_DIR]    (needs `pip install pytricia`)

DATA_DIR (or the environment variable HYBRIDPLAN_BGP_DATA) is the folder holding
ipv4-2015.tsv.gz; the table is not in the repository, and docs/benchmarks.md says how to
make it.
"""

import array
import gzip
import os
import pathlib
import random
import statistics
import sys
import time

import pytricia

import hybridplan

HERE = pathlib.Path(__file__).resolve().parent
NO_DATA = ("The benchmark needs a real BGP table, which is not in the repository: pass a folder "
           "holding ipv4-2015.tsv.gz (gzipped lines of `prefix<TAB>origin AS` taken from a "
           "RouteViews table dump), or set HYBRIDPLAN_BGP_DATA to it; docs/benchmarks.md says "
           "how to make it.")


def data_dir():
    given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("HYBRIDPLAN_BGP_DATA")
    if not given:
        sys.exit(f"bench.py: no data folder given.\n{NO_DATA}")
    path = pathlib.Path(given)
    if not (path / "ipv4-2015.tsv.gz").is_file():
        sys.exit(f"bench.py: {path / 'ipv4-2015.tsv.gz'} does not exist.\n{NO_DATA}")
    return path


def rate(fn, n, rounds=5):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return n / statistics.median(times) / 1e6


def main():
    data = data_dir()
    rows = [line.split("\t") for line in gzip.open(data / "ipv4-2015.tsv.gz", "rt") if line and not line.startswith(";")]
    prefixes = [(p, int(asn)) for p, asn in rows]

    t0 = time.perf_counter()
    ours = hybridplan.RouteTable()
    for p, asn in prefixes:
        ours.insert(p, asn)
    ours_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = pytricia.PyTricia(32)
    for p, asn in prefixes:
        theirs[p] = asn
    theirs_build = time.perf_counter() - t0
    bulk_builds = []
    for _ in range(5):
        t0 = time.perf_counter()
        bulk = hybridplan.RouteTable()
        bulk.insert_many(prefixes)
        bulk_builds.append(time.perf_counter() - t0)
    bulk_build = statistics.median(bulk_builds)
    print(f"build {len(prefixes)} prefixes: RouteTable {ours_build:.2f} s one by one, "
          f"{bulk_build:.3f} s with insert_many (median of 5); pytricia {theirs_build:.3f} s; "
          f"insert_many {bulk_build / theirs_build:.2f}x pytricia's build (target at most 1x)")

    rng = random.Random(0x5EED)
    queries = []
    for i in range(1_000_000):
        if i % 2 == 0:
            queries.append(rng.getrandbits(32))
        else:
            net, length = prefixes[rng.randrange(len(prefixes))][0].split("/")
            a, b, c, d = (int(x) for x in net.split("."))
            base = (a << 24) | (b << 16) | (c << 8) | d
            queries.append(base | (rng.getrandbits(32) & ((1 << (32 - int(length))) - 1)))
    buffer = array.array("I", queries)

    got = ours.lookup_many(buffer)
    want = [theirs.get(q) for q in queries]
    assert got == want, "RouteTable and pytricia disagree"
    print(f"{len(queries):,} queries, {sum(v is not None for v in got):,} hits, same answers")

    # Rounds alternate between the two so that both see the same machine; the ratio is
    # the median of the per-round ratios.
    get, lookup = theirs.get, ours.lookup
    loop_n = 200_000
    sample = queries[:loop_n]
    many, single, base = [], [], []
    for _ in range(7):
        t_theirs = rate(lambda: [get(q) for q in sample], loop_n, rounds=1)
        single.append(rate(lambda: [lookup(q) for q in sample], loop_n, rounds=1) / t_theirs)
        many.append(rate(lambda: ours.lookup_many(buffer), len(queries), rounds=1) / t_theirs)
        base.append(t_theirs)
    print(f"pytricia.get (one call each): {statistics.median(base):.2f} M/s")
    print(f"RouteTable.lookup_many: {statistics.median(many) * statistics.median(base):.1f} M/s, "
          f"{statistics.median(many):.1f}x pytricia (target 20x)")
    print(f"RouteTable.lookup (one call each): {statistics.median(single) * statistics.median(base):.2f} M/s, "
          f"{statistics.median(single):.1f}x pytricia (target 5x)")

    reference = (HERE.parent / "core" / "data" / "reference.yaml").read_text()
    calls = []
    for _ in range(200):
        t = time.perf_counter()
        hybridplan.plan(reference)
        calls.append(time.perf_counter() - t)
    print(f"plan(reference): median {statistics.median(calls) * 1e3:.3f} ms (target under 2 ms)")


if __name__ == "__main__":
    main()
