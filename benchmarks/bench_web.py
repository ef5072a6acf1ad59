"""The workbench's advice page and what-if answer: server time per bundled example.

Imports every bundled example (examples/*.yaml) into a fresh SQLite store in a temporary folder,
then, through Starlette's TestClient (in this process, no network), times the advice page
GET /assessments/{id} and the what-if answer POST /assessments/{id}/whatif?partial=1 (as
advice.js sends it: a score changed and an observation toggled). Each is requested once to warm
up (the model is loaded once per process, the templates compiled), then the median of the runs
is taken.

Targets (issue 10, on 2 cores): the advice page ≤ 150 ms, the what-if answer ≤ 200 ms.

    .venv/bin/python benchmarks/bench_web.py [--runs 10]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_TARGET_MS = 150.0
WHATIF_TARGET_MS = 200.0
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def median_ms(request, runs: int) -> float:
    """The median time of `runs` calls of request(), after one to warm up; each must answer 200."""
    request()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = request()
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{response.request.method} {response.request.url}: status {response.status_code}")
    return statistics.median(times) * 1000


def whatif_form(case, token: str) -> dict:
    """A what-if as a person makes it: the lowest-scored indicator set to 5 (or, without scores,
    one set to 2) and the first observation unticked (or, without any, one ticked)."""
    scores = {i: v for i, v in case.scores.items() if v is not None}
    indicator = min(scores, key=lambda i: (scores[i], i)) if scores else "interests.real_dialogue"
    observed = sorted(case.observed())
    ticked = observed[1:] if observed else ["permanent_negotiation"]
    return {"csrf_token": token, f"set.{indicator}": "5" if scores else "2", "observations": "1", "observed": ticked}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="timed requests per example and page (default 10)")
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from kansrijk.case import load_case
    from kansrijk.model import load_model
    from kansrijk.store import Store
    from kansrijk.web.app import create_app

    model = load_model()
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="kansrijk-bench-web-") as folder:
        store = Store("sqlite:///" + str(Path(folder) / "workbench.db"))
        cases = {path.stem: load_case(str(path), model.kb) for path in examples}
        ids = {name: store.import_case(case)[1] for name, case in cases.items()}
        with TestClient(create_app(store), base_url="http://127.0.0.1") as client:
            token = TOKEN.search(client.get("/").text).group(1)
            rows = []
            for name, aid in ids.items():
                page = median_ms(lambda: client.get(f"/assessments/{aid}"), args.runs)
                form = whatif_form(cases[name], token)
                answer = median_ms(lambda: client.post(f"/assessments/{aid}/whatif?partial=1", data=form), args.runs)
                rows.append((name, page, answer))
        store.close()

    print(f"workbench, server time through TestClient (warm), median of {args.runs} per example:")
    print(f"  {'example':<28} {'advice page':>12} {'what-if':>10}")
    for name, page, answer in rows:
        print(f"  {name:<28} {page:9.1f} ms {answer:7.1f} ms")
    worst_page, worst_answer = max(r[1] for r in rows), max(r[2] for r in rows)
    page_met, answer_met = worst_page <= PAGE_TARGET_MS, worst_answer <= WHATIF_TARGET_MS
    print(f"  target: advice page ≤ {PAGE_TARGET_MS:.0f} ms (slowest {worst_page:.1f} ms) — {'met' if page_met else 'NOT met'}")
    print(f"  target: what-if ≤ {WHATIF_TARGET_MS:.0f} ms (slowest {worst_answer:.1f} ms) — {'met' if answer_met else 'NOT met'}")
    return 0 if page_met and answer_met else 1


if __name__ == "__main__":
    sys.exit(main())
