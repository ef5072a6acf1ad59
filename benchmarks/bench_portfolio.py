"""The portfolio over many cases: 10,000 generated cases through `kansrijk portfolio --jobs 2`.

Generates the cases (benchmarks/generate_cases.py, a fixed seed) into a temporary folder, runs
`kansrijk portfolio FOLDER --format csv --jobs 2 -o FILE` as a whole process, checks that every
case has its row, and prints the wall time and the peak memory of the largest process. Then it
times the parts in this process on a sample, to show where the time goes: reading and advising a
case (the engine and the report), and summing up (the portfolio and its rendering).

Target (issue 9, on 2 cores): ≤ 30 s wall.

    .venv/bin/python benchmarks/bench_portfolio.py [-n 10000] [--jobs 2] [--seed 2026] [--format csv|text|html]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import kansrijk_command  # noqa: E402
from generate_cases import SEED, generate, write  # noqa: E402

TARGET_SECONDS = 30.0
SAMPLE = 200  # cases timed part by part in this process


def parts(folder: Path, count: int) -> None:
    """Where the time of one case goes, in this process, over the first `count` cases."""
    from kansrijk.case import load_case
    from kansrijk.model import load_model
    from kansrijk.portfolio import build, render_csv, summarise

    model = load_model()
    paths = sorted(str(p) for p in folder.iterdir())[:count]
    start = time.perf_counter()
    cases = [load_case(p, model.kb) for p in paths]
    loaded = time.perf_counter()
    inferences = [model.infer(c) for c in cases]
    inferred = time.perf_counter()
    # the report as the portfolio makes it: without explanations
    reports = [model.report(c, i, c.language, trace=False) for c, i in zip(cases, inferences)]
    reported = time.perf_counter()
    summaries = [summarise(r, c.language) for r, c in zip(reports, cases)]
    render_csv(build(summaries, model.kb, "en"))
    summed = time.perf_counter()
    per = {"reading a case": loaded - start, "the engine": inferred - loaded, "the report": reported - inferred,
           "summary, portfolio and csv": summed - reported}
    print(f"in this process, per case over {len(paths)} cases:")
    for what, seconds in per.items():
        print(f"  {what:28} {seconds / len(paths) * 1000:7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="how many cases (default 10000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--format", choices=("csv", "text", "html"), default="csv")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="kansrijk-portfolio-"))
    try:
        start = time.perf_counter()
        write(generate(args.n, args.seed), folder / "cases")
        print(f"generated {args.n} cases (seed {args.seed}) in {time.perf_counter() - start:.1f} s")
        output = folder / f"portfolio.{args.format}"
        command = [kansrijk_command(), "portfolio", str(folder / "cases"), "--jobs", str(args.jobs),
                   "--format", args.format, "-o", str(output)]
        start = time.perf_counter()
        process = subprocess.run(command, stderr=subprocess.PIPE, check=False)
        wall = time.perf_counter() - start
        largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
        if process.returncode != 0:
            print(process.stderr.decode("utf-8", "replace")[-2000:], file=sys.stderr)
            print(f"kansrijk portfolio failed with exit code {process.returncode}", file=sys.stderr)
            return 1
        if args.format == "csv":
            with output.open(encoding="utf-8", newline="") as file:
                rows = sum(1 for _ in csv.reader(file)) - 1
            assert rows == args.n, f"{rows} rows for {args.n} cases"
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"kansrijk portfolio {args.n} cases --jobs {args.jobs} --format {args.format} on {cores} cores: "
              f"wall {wall:.1f} s ({wall / args.n * 1000:.2f} ms a case; target ≤ {TARGET_SECONDS:.0f} s)"
              f" — {'met' if wall <= TARGET_SECONDS else 'NOT met'}; "
              f"output {output.stat().st_size / 1e6:.1f} MB; peak memory of the largest process {largest_mb:.0f} MB")
        parts(folder / "cases", min(SAMPLE, args.n))
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
