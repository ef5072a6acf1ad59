"""The workbench's collaborations list with 100 collaborations: server time, warm.

Imports the bundled examples (examples/*.yaml) again and again under new names until there are 100
collaborations, each with one assessment, into a fresh SQLite store in a temporary folder. Then it
times, each after one call to warm up (the model loaded, the templates compiled, the reports kept):
  - the list page GET / through Starlette's TestClient (in this process, no network);
  - what that page needs from the library: Store.last_cases() and a report per collaboration from
    kansrijk.web.advice_cache.advise_cached (the engine runs only for assessments it has not seen);
  - the same without the cache (the engine on every collaboration), for comparison.
The median of the runs is taken.

Target (issue 10, as the advice page, on 2 cores): the list page ≤ 150 ms.

    .venv/bin/python benchmarks/bench_web_list.py [--runs 10] [--collaborations 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_web import ROOT, median_ms

PAGE_TARGET_MS = 150.0


def median_call_ms(call, runs: int) -> float:
    """The median time of `runs` calls of call(), after one to warm up."""
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="timed calls of each (default 10)")
    parser.add_argument("--collaborations", type=int, default=100, help="collaborations in the list (default 100)")
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from kansrijk.case import load_case
    from kansrijk.model import load_model
    from kansrijk.store import Store
    from kansrijk.web.advice_cache import advise_cached
    from kansrijk.web.app import create_app

    model = load_model()
    examples = [load_case(str(path), model.kb) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    with tempfile.TemporaryDirectory(prefix="kansrijk-bench-list-") as folder:
        store = Store("sqlite:///" + str(Path(folder) / "workbench.db"))
        store.import_cases([examples[n % len(examples)].model_copy(
            update={"name": f"{examples[n % len(examples)].name} {n:03d}"}) for n in range(args.collaborations)])

        def library(cached: bool) -> None:
            for summary, case in store.last_cases():
                if case is not None:
                    if cached:
                        advise_cached(model, summary.last, case, "nl")
                    else:
                        model.advise(case, "nl", trace=False)

        # the Host a browser on this computer sends (the app answers only its own addresses)
        with TestClient(create_app(store), base_url="http://127.0.0.1") as client:
            page = median_ms(lambda: client.get("/"), args.runs)
        read = median_call_ms(store.last_cases, args.runs)
        cached = median_call_ms(lambda: library(True), args.runs)
        uncached = median_call_ms(lambda: library(False), max(1, args.runs // 3))
        store.close()

    print(f"workbench, collaborations list with {args.collaborations} collaborations (warm), median of {args.runs}:")
    print(f"  list page GET /                               {page:8.1f} ms")
    print(f"  Store.last_cases()                            {read:8.1f} ms")
    print(f"  last_cases() + advise_cached() per row        {cached:8.1f} ms")
    print(f"  last_cases() + model.advise() per row         {uncached:8.1f} ms (no cache)")
    met = page <= PAGE_TARGET_MS
    print(f"  target: list page ≤ {PAGE_TARGET_MS:.0f} ms ({page:.1f} ms) — {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
