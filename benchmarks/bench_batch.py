"""Many cases at once: 10,000 generated cases through `kansrijk advise --jobs 2 --format jsonl`.

Generates the cases (benchmarks/generate_cases.py, a fixed seed) into a temporary folder, runs the
command on the folder as a whole process with its output to a file, and prints the wall time and
the peak memory (resident set) of each process: the main one and each worker, read from /proc
while it runs, and the largest of them from getrusage(RUSAGE_CHILDREN) afterwards.

Targets (issue 9, on 2 cores): ≤ 60 s wall, ≤ 200 MB peak memory per process.

    .venv/bin/python benchmarks/bench_batch.py [-n 10000] [--jobs 2] [--seed 2026] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_cases import SEED, generate, write  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_MB = 200.0


def kansrijk_command() -> str:
    return shutil.which("kansrijk") or str(Path(sys.executable).parent / "kansrijk")


def _peak_kb(pid: int) -> int | None:
    """The process's peak resident set (VmHWM) in kB, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []


class Watcher(threading.Thread):
    """Reads the peak memory of a process and its children every interval, until stopped."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for pid in (self.pid, *_children(self.pid)):
                peak = _peak_kb(pid)
                if peak is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0))
            self.done.wait(self.interval)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="how many cases (default 10000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", type=Path, help="generate the cases into this folder and keep them")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="kansrijk-bench-"))
    try:
        start = time.perf_counter()
        write(generate(args.n, args.seed), folder / "cases")
        print(f"generated {args.n} cases (seed {args.seed}) in {time.perf_counter() - start:.1f} s")
        output = folder / "advice.jsonl"
        command = [kansrijk_command(), "advise", str(folder / "cases"), "--jobs", str(args.jobs),
                   "--format", "jsonl", "-o", str(output), "--force"]
        start = time.perf_counter()
        process = subprocess.Popen(command, stderr=subprocess.PIPE)
        watcher = Watcher(process.pid)
        watcher.start()
        _, stderr = process.communicate()
        wall = time.perf_counter() - start
        watcher.done.set()
        watcher.join()
        largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
        if process.returncode != 0:
            print(stderr.decode("utf-8", "replace")[-2000:], file=sys.stderr)
            print(f"kansrijk advise failed with exit code {process.returncode}", file=sys.stderr)
            return 1
        with output.open(encoding="utf-8") as file:
            count = sum(1 for line in file if json.loads(line))
        assert count == args.n, f"{count} lines for {args.n} cases"

        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"kansrijk advise {args.n} cases --jobs {args.jobs} --format jsonl on {cores} cores: "
              f"wall {wall:.1f} s ({wall / args.n * 1000:.2f} ms a case; target ≤ {TARGET_SECONDS:.0f} s)"
              f" — {'met' if wall <= TARGET_SECONDS else 'NOT met'}")
        for number, (pid, peak) in enumerate(sorted(watcher.peaks.items())):
            role = "main" if pid == process.pid else f"worker {number}"
            print(f"  peak memory {role:9} (pid {pid}): {peak / 1024:6.1f} MB")
        print(f"peak memory of the largest process (getrusage): {largest_mb:.1f} MB "
              f"(target ≤ {TARGET_MB:.0f} MB per process) — {'met' if largest_mb <= TARGET_MB else 'NOT met'}")
        return 0
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
