"""How long does a command take as a whole process, as an adviser types it?

Prints the median wall time (and CPU time) over N runs of:

- `kansrijk --help`, `kansrijk advise --help` and the slowest other `kansrijk CMD --help`
  (target: at most 0.15 s each);
- `kansrijk advise examples/zorgalliantie.yaml` with a warm cache (target: at most 0.3 s), with a
  cold one (each run in an empty cache folder: reading, validating and compiling the model, as
  after an install or an edit of a rule), and with the cache off (KANSRIJK_NO_CACHE=1).

The runs use a temporary cache folder (KANSRIJK_CACHE_DIR), never the user's. On a busy machine
the wall times grow while the CPU times stay: compare both.

    .venv/bin/python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEALTHCARE = ROOT / "examples" / "zorgalliantie.yaml"
HELP_TARGET = 0.15  # seconds, whole process
ADVISE_TARGET = 0.3


def kansrijk() -> str:
    return shutil.which("kansrijk", path=str(Path(sys.executable).parent)) or shutil.which("kansrijk") or "kansrijk"


def timed(command: list[str], runs: int, env: dict[str, str], before=None) -> tuple[float, float]:
    """Median wall and CPU seconds of the command over runs; before() runs ahead of each, untimed."""
    walls, cpus = [], []
    for _ in range(runs):
        if before is not None:
            before()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def line(label: str, figures: tuple[float, float], target: float | None, runs: int) -> bool:
    wall, cpu = figures
    verdict = "" if target is None else f"  target <= {target:.2f} s: {'met' if wall <= target else 'NOT met'}"
    print(f"{label:<52} {wall:6.3f} s wall  {cpu:6.3f} s cpu  (median of {runs}){verdict}")
    return target is None or wall <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    runs, program = args.runs, kansrijk()
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="kansrijk-bench-cache-") as folder:
        env = {**os.environ, "KANSRIJK_CACHE_DIR": folder}
        env.pop("KANSRIJK_NO_CACHE", None)
        met = line("kansrijk --help", timed([program, "--help"], runs, env), HELP_TARGET, runs)
        met &= line("kansrijk advise --help", timed([program, "advise", "--help"], runs, env), HELP_TARGET, runs)
        names = "import click; from kansrijk.cli import main; print(*main.list_commands(click.Context(main)))"
        listing = subprocess.run([sys.executable, "-c", names],
                                 capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
        others = {name: timed([program, name, "--help"], runs, env) for name in listing if name != "advise"}
        slowest = max(others, key=lambda name: others[name][0])
        met &= line(f"kansrijk CMD --help, slowest of {len(others)} ({slowest})", others[slowest], HELP_TARGET, runs)

        advise = [program, "advise", str(HEALTHCARE.relative_to(ROOT))]
        cold = Path(folder) / "cold"

        def empty_cache() -> None:
            shutil.rmtree(cold, ignore_errors=True)

        line("kansrijk advise zorgalliantie.yaml, cold cache", timed(advise, runs, {**env, "KANSRIJK_CACHE_DIR": str(cold)},
                                                                     before=empty_cache), None, runs)
        subprocess.run(advise, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fills the cache
        met &= line("kansrijk advise zorgalliantie.yaml, warm cache", timed(advise, runs, env), ADVISE_TARGET, runs)
        line("kansrijk advise zorgalliantie.yaml, no cache", timed(advise, runs, {**env, "KANSRIJK_NO_CACHE": "1"}),
             None, runs)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
