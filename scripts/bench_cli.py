#!/usr/bin/env python3
"""Times the `hybridplan plan` process end to end (start, read, plan, print, exit) on the
reference scenario and the 5,000-node scenario. Target: under 50 ms each (median).

Usage: scripts/bench_cli.py [--runs N]   (builds the release binary first)
"""

import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_MS = 50.0


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 50
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "hybridplan-cli"], cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "hybridplan"
    large = json.loads((ROOT / "tests/vectors/scenario-large.json").read_text())["spec"]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(large, f)
    cases = {"reference": [str(binary), "plan"], "5000-nodes": [str(binary), "plan", f.name]}
    worst = 0.0
    for name, cmd in cases.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"cli {name:<11} median {median:6.2f} ms  min {min(times):6.2f} ms  max {max(times):6.2f} ms  ({runs} runs)")
    print(f"target: under {TARGET_MS:.0f} ms: {'met' if worst < TARGET_MS else 'NOT met'}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
