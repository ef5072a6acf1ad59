"""Generated cases for benchmarks: valid and varied, the same for the same seed.

Each case has a name, a language, a date; scores on part of the twenty indicators (some of them
"don't know", null) drawn around a health per condition, so that some collaborations are healthy
and some are in trouble; a few observations (dynamics and signals); some characteristics; and about
one case in six is a group case, with the answers of 3 to 12 respondents from 2 to 4 organisations.

    .venv/bin/python benchmarks/generate_cases.py OUT_DIR [-n 10000] [--seed 2026] [--format yaml|json]

As a library: `generate(n, seed) -> list[dict]` (the cases as data), `write(cases, folder, fmt)`.
The ids come from the knowledge base, so the cases stay valid when it grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from functools import cache
from pathlib import Path

SEED = 2026
GROUP_SHARE = 1 / 6
ORGANISATIONS = ["Gemeente", "Zorgverzekeraar", "Ziekenhuis", "Woningcorporatie", "Onderwijsinstelling",
                 "Welzijnsorganisatie", "Provincie", "Netbeheerder", "Politie", "Ondernemersvereniging"]
DOMAINS = ["zorg", "jeugd", "energie", "wonen", "onderwijs", "veiligheid", "logistiek", "sociaal domein"]


@cache
def _ids() -> tuple[dict[str, list[str]], list[str], list[str]]:
    """condition -> its indicators; the characteristics; the observable dynamics and signals."""
    from kansrijk.knowledgebase import load_knowledge

    kb = load_knowledge()
    indicators = {c: [i.id for i in kb.indicators_of(c)] for c in kb.condition_ids()}
    return indicators, list(kb.by_id["characteristic"]), sorted(kb.observable_ids())


def generate(n: int, seed: int = SEED) -> list[dict]:
    """n valid cases, the same for the same seed."""
    rng = random.Random(seed)
    return [_case(rng, number) for number in range(1, n + 1)]


def _case(rng: random.Random, number: int) -> dict:
    indicators, characteristics, observables = _ids()
    # a health per condition: 1 (neglected) .. 5 (looked after)
    health = {c: rng.choice([1.5, 2, 2.5, 3, 3.5, 4, 4.5]) for c in indicators}
    answered = rng.uniform(0.2, 1.0)  # the share of indicators the adviser could score
    case: dict = {
        "name": f"Samenwerking {number:05d} ({rng.choice(DOMAINS)})",
        "language": rng.choice(["nl", "nl", "en"]),
    }
    if rng.random() < 0.7:
        case["date"] = (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(700))).isoformat()
    chosen = rng.sample(characteristics, rng.randint(0, len(characteristics)))
    if chosen:
        case["characteristics"] = {c: rng.choice(["low", "medium", "high"]) for c in chosen}
    group = rng.random() < GROUP_SHARE
    if group:
        case["respondents"] = _respondents(rng, indicators, health, observables)
        if rng.random() < 0.5:
            case["min_group"] = rng.randint(1, 4)
    if not group or rng.random() < 0.3:  # the adviser's own scores, beside the respondents' or alone
        scores = _scores(rng, indicators, health, answered)
        if scores:
            case["scores"] = scores
    seen = rng.sample(observables, min(len(observables), rng.choice([0, 0, 1, 2, 3, 4, 6])))
    if seen:
        case["observations"] = seen
    if rng.random() < 0.2:
        case["notes"] = "Gegenereerde casus voor de benchmark."
    return case


def _scores(rng: random.Random, indicators: dict[str, list[str]], health: dict[str, float],
            answered: float) -> dict[str, int | None]:
    scores: dict[str, int | None] = {}
    for condition, ids in indicators.items():
        for indicator in ids:
            if rng.random() > answered:
                continue  # not asked
            if rng.random() < 0.1:
                scores[indicator] = None  # don't know
            else:
                scores[indicator] = max(1, min(5, round(rng.gauss(health[condition], 0.8))))
    return scores


def _respondents(rng: random.Random, indicators: dict[str, list[str]], health: dict[str, float],
                 observables: list[str]) -> list[dict]:
    organisations = rng.sample(ORGANISATIONS, rng.randint(2, 4))
    # each organisation sees the collaboration a little differently
    tilt = {o: {c: rng.uniform(-1.0, 1.0) for c in indicators} for o in organisations}
    people = []
    for number in range(rng.randint(3, 12)):
        organisation = rng.choice(organisations)
        view = {c: health[c] + tilt[organisation][c] for c in indicators}
        person: dict = {"organisation": organisation,
                        "scores": _scores(rng, indicators, view, rng.uniform(0.6, 1.0))}
        if rng.random() < 0.5:
            person["name"] = f"Respondent {number + 1}"
        if rng.random() < 0.3:
            person["observations"] = rng.sample(observables, rng.randint(1, 3))
        people.append(person)
    return people


def write(cases: list[dict], folder: Path, fmt: str = "yaml") -> list[Path]:
    """One file per case in folder (created when missing): case_00001.yaml, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, case in enumerate(cases, 1):
        path = folder / f"case_{number:05d}.{fmt}"
        if fmt == "json":
            text = json.dumps(case, ensure_ascii=False, indent=1) + "\n"
        else:
            import yaml

            text = yaml.safe_dump(case, allow_unicode=True, sort_keys=False, width=120)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=10_000, help="how many cases (default 10000)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"default {SEED}")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    args = parser.parse_args(argv)
    paths = write(generate(args.n, args.seed), args.folder, args.format)
    print(f"{len(paths)} cases in {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
