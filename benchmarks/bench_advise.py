"""How fast is `kansrijk advise`? Prints wall time of the command and in-process time per case.

Target: a whole `kansrijk advise` run on an example under 1 s on a 2-core machine.

    .venv/bin/python benchmarks/bench_advise.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
HEALTHCARE = ROOT / "examples" / "zorgalliantie.yaml"
TARGET_SECONDS = 1.0


def wall_time(runs: int) -> list[float]:
    kansrijk = shutil.which("kansrijk") or str(Path(sys.executable).parent / "kansrijk")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([kansrijk, "advise", str(HEALTHCARE)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def in_process(runs: int) -> tuple[float, float]:
    from kansrijk.case import load_case
    from kansrijk.model import load_model

    start = time.perf_counter()
    model = load_model()
    load_seconds = time.perf_counter() - start
    cases = [load_case(str(path), model.kb) for path in EXAMPLES]
    start = time.perf_counter()
    for _ in range(runs):
        for case in cases:
            model.advise(case)
    per_case = (time.perf_counter() - start) / (runs * len(cases))
    return load_seconds, per_case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = wall_time(args.runs)
    median = statistics.median(times)
    print(f"kansrijk advise {HEALTHCARE.name}: median wall time {median:.3f} s over {args.runs} runs "
          f"(min {min(times):.3f}, max {max(times):.3f}; target < {TARGET_SECONDS} s)")
    load_seconds, per_case = in_process(args.runs)
    print(f"in process: loading the model {load_seconds * 1000:.1f} ms, "
          f"advice per case {per_case * 1000:.2f} ms over {len(EXAMPLES)} examples × {args.runs}")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
