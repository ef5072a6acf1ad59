"""Vignettes: small cases written from the publication's claims, with the advice an adviser who
knows the text would expect beside them (issue 7, "Done when").

tests/vignettes/<theme>.yaml is a list of vignettes, one theme per file:

    - name: attention_ambition_before_weak_organisation
      claim: "§3.4: you organise to realise the shared ambition, not the other way round"
      case:                       # a case as an adviser writes it (kansrijk/case.py); name optional
        scores: {ambition.shared: 3, ...}
      previous: {...}             # optional: an earlier assessment of the same collaboration (§5.4)
      expect:
        focus: ambition
        reason: phase_order
      xfail: "what the engine does wrong"   # optional; a strict xfail, so a fix is noticed

The claim is the vignette's reason to exist: it paraphrases the passage and cites its section.
The expectations come from the text, not from what the engine happens to do; a vignette the
engine fails is marked xfail with the reason, never weakened.

Every vignette also checks that no §5 way of working (knowledge/methods.yaml) appears among the
condition interventions. Run one theme with `pytest -k phase_order`.

What `expect` can say (every id is checked against the knowledge base, so a misspelt id in an
`_excludes` cannot pass by accident):

    focus: <condition or null>            focus_in: [conditions]
    reason: exploration|phase_order|only|most_neglected|none|insufficient
    instead_of: <condition>               focus_provisional: true|false
    passed_over: [conditions]             exploration_signals: [observations the focus names]
    sufficient: true|false                unknown: [conditions without any basis]
    condition_status: {condition: status or band, or a list of them}
                                          (status weak|attention|strong|unknown; band concern|discuss|strong)
    provisional: [conditions]             not_provisional: [conditions]
    missing: {condition: [indicators]}    (exactly the unanswered ones)
    top<N>_includes / top<N>_excludes: [interventions]   (among the first N of advice)
    advice_includes / advice_excludes: [interventions]   (anywhere in the advice)
    advice_count_at_most: <n>
    first_advice_on: <condition>          (the item ranked first is an intervention on it)
    ranks_before: [a, b] or [[a, b], ...] (a is advised, and ranks before b or b is not advised)
    conditions_rank_before: [c1, c2]      (the first advice on c1 ranks before any advice on c2)
    methods_include / methods_exclude: [methods]
    dynamics_include / dynamics_exclude: [dynamics]
    dynamic_certainty: {dynamic: {at_least: x, at_most: y}}
    heed_include / heed_exclude: [characteristics]
    heed_by / heed_not_by: [rule ids]     (a heed item rests (or not) on that rule's firing)
    observation_counts: {observation: true|false}
    observation_seen: {observation: [by, of]}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.yaml_cases import YamlCase, load, used_twice

VIGNETTES = Path(__file__).resolve().parent / "vignettes"
ENTRY_KEYS = {"name", "claim", "case", "previous", "expect", "xfail"}
REQUIRED_KEYS = {"name", "claim", "case", "expect"}
TOP = re.compile(r"^top(\d+)_(includes|excludes)$")
STATUSES = {"weak", "attention", "strong", "unknown"}
BANDS = {"concern": "weak", "discuss": "attention", "strong": "strong", "unknown": "unknown"}


class Vignette(YamlCase):
    """One vignette; its group is its theme (the file's name)."""

    unnamed = "vignette"

    @property
    def theme(self) -> str:
        return self.group

    @property
    def expect(self) -> dict[str, Any]:
        return self.entry.get("expect") or {}


VIGNETTE_LIST, LOAD_PROBLEMS = load(Vignette, VIGNETTES)


# ------------------------------------------------------------------------ reading the report


def _ranks(report) -> dict[str, int]:
    return {item.intervention: item.rank for item in report.advice}


def _first_rank_on(report, condition: str) -> int | None:
    ranks = [item.rank for item in report.advice if item.condition == condition]
    return min(ranks) if ranks else None


def _condition(report, ident: str):
    return next(c for c in report.conditions if c.id == ident)


def _pairs(value) -> list[list[str]]:
    return [value] if value and isinstance(value[0], str) else list(value)


def _as_status(value: str) -> str:
    return BANDS.get(value, value)


def _summary(report) -> str:
    """What a reader needs to see when a vignette fails."""
    fd = report.focus_detail
    lines = [
        f"focus: {report.focus} (reason {fd.reason}, instead_of {fd.instead_of}, provisional {fd.provisional}, "
        f"passed_over {fd.passed_over}, exploration {fd.exploration})",
        f"coverage: sufficient {report.coverage.sufficient}, unknown {report.coverage.unknown}, "
        f"provisional {report.coverage.provisional}",
        "conditions: " + ", ".join(
            f"{c.id}={c.status}({c.score}, neglect {c.neglect}, {c.answered}/{c.indicators}"
            f"{', provisional' if c.provisional else ''})" for c in report.conditions),
        "advice: " + ", ".join(f"{a.rank}.{a.intervention}[{a.condition}] {a.priority}" for a in report.advice),
        "methods: " + ", ".join(f"{m.id}{' (default)' if m.default else ''}" for m in report.methods),
        "dynamics: " + ", ".join(f"{d.id} {d.certainty}" for d in report.dynamics),
        "heed: " + ", ".join(f"{h.characteristic}({h.level}) by {sorted({s.rule for s in h.why})}"
                             for h in report.heed),
        "observations: " + ", ".join(f"{o.id} counts={o.counts} seen={o.seen.by}/{o.seen.of} w={o.seen.weight}"
                                     for o in report.observations),
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------ the assertions
# Each check returns a list of failures (empty: the expectation holds).

Check = Callable[[Any, Any], list[str]]


def _equal(attribute: Callable[[Any], Any], what: str) -> Callable[[Any, Any], list[str]]:
    def check(report, value) -> list[str]:
        actual = attribute(report)
        return [] if actual == value else [f"{what} is {actual!r}, expected {value!r}"]
    return check


def _subset(actual_ids: Callable[[Any], list[str]], what: str, present: bool):
    def check(report, value) -> list[str]:
        actual = set(actual_ids(report))
        wrong = [v for v in value if (v in actual) != present]
        if not wrong:
            return []
        return [f"{what} {'lacks' if present else 'has'} {wrong} (it holds {sorted(actual)})"]
    return check


def check_focus_in(report, value) -> list[str]:
    return [] if report.focus in value else [f"focus is {report.focus!r}, expected one of {value}"]


def check_passed_over(report, value) -> list[str]:
    missing = [c for c in value if c not in report.focus_detail.passed_over]
    return [f"focus_detail.passed_over {report.focus_detail.passed_over} lacks {missing}"] if missing else []


def check_exploration_signals(report, value) -> list[str]:
    missing = [o for o in value if o not in report.focus_detail.exploration]
    return [f"focus_detail.exploration {report.focus_detail.exploration} lacks {missing}"] if missing else []


def check_condition_status(report, value) -> list[str]:
    out = []
    for ident, wanted in value.items():
        allowed = {_as_status(w) for w in (wanted if isinstance(wanted, list) else [wanted])}
        actual = _condition(report, ident).status
        if actual not in allowed:
            out.append(f"{ident} is {actual}, expected {' or '.join(sorted(allowed))}")
    return out


def _provisional(flag: bool):
    def check(report, value) -> list[str]:
        wrong = [c for c in value if _condition(report, c).provisional != flag]
        return [f"{wrong} {'not ' if flag else ''}provisional"] if wrong else []
    return check


def check_missing(report, value) -> list[str]:
    out = []
    for ident, wanted in value.items():
        actual = _condition(report, ident).missing
        if sorted(actual) != sorted(wanted):
            out.append(f"{ident}.missing is {actual}, expected {wanted}")
    return out


def check_advice_count_at_most(report, value) -> list[str]:
    n = len(report.advice)
    return [] if n <= value else [f"{n} advice items, expected at most {value}"]


def check_first_advice_on(report, value) -> list[str]:
    if not report.advice:
        return [f"no advice at all, expected the first on {value}"]
    first = report.advice[0]
    return [] if first.condition == value else [f"first advice is {first.intervention} on {first.condition}, "
                                                f"expected one on {value}"]


def check_ranks_before(report, value) -> list[str]:
    ranks, out = _ranks(report), []
    for a, b in _pairs(value):
        if a not in ranks:
            out.append(f"{a} is not advised (expected before {b})")
        elif b in ranks and ranks[b] < ranks[a]:
            out.append(f"{a} ranks {ranks[a]}, after {b} at {ranks[b]}")
    return out


def check_conditions_rank_before(report, value) -> list[str]:
    out = []
    for a, b in _pairs(value):
        ra, rb = _first_rank_on(report, a), _first_rank_on(report, b)
        if ra is None:
            out.append(f"no advice on {a} (expected before advice on {b})")
        elif rb is not None and rb < ra:
            out.append(f"first advice on {a} ranks {ra}, after advice on {b} at {rb}")
    return out


def check_dynamic_certainty(report, value) -> list[str]:
    held = {d.id: d.certainty for d in report.dynamics}
    out = []
    for ident, bounds in value.items():
        c = held.get(ident, 0.0)  # a dynamic below the advice threshold is not reported
        if "at_least" in bounds and c < bounds["at_least"]:
            out.append(f"{ident} certainty {c} < {bounds['at_least']}")
        if "at_most" in bounds and c > bounds["at_most"]:
            out.append(f"{ident} certainty {c} > {bounds['at_most']}")
    return out


def _heed_rules(report) -> list[str]:
    return [step.rule for h in report.heed for step in h.why if step.concludes == f"heed:{h.characteristic}"]


def check_observation_counts(report, value) -> list[str]:
    seen = {o.id: o.counts for o in report.observations}
    return [f"{i} counts={seen.get(i)}, expected {v}" for i, v in value.items() if seen.get(i) != v]


def check_observation_seen(report, value) -> list[str]:
    seen = {o.id: [o.seen.by, o.seen.of] for o in report.observations}
    return [f"{i} seen by {seen.get(i)}, expected {v}" for i, v in value.items() if seen.get(i) != list(v)]


def _top(n: int, present: bool):
    def check(report, value) -> list[str]:
        top = [a.intervention for a in report.advice[:n]]
        wrong = [v for v in value if (v in top) != present]
        return [f"top {n} {'lacks' if present else 'has'} {wrong} (top {n}: {top})"] if wrong else []
    return check


CHECKS: dict[str, Check] = {
    "focus": _equal(lambda r: r.focus, "focus"),
    "focus_in": check_focus_in,
    "reason": _equal(lambda r: r.focus_detail.reason, "focus_detail.reason"),
    "instead_of": _equal(lambda r: r.focus_detail.instead_of, "focus_detail.instead_of"),
    "focus_provisional": _equal(lambda r: r.focus_detail.provisional, "focus_detail.provisional"),
    "passed_over": check_passed_over,
    "exploration_signals": check_exploration_signals,
    "sufficient": _equal(lambda r: r.coverage.sufficient, "coverage.sufficient"),
    "unknown": _subset(lambda r: r.coverage.unknown, "coverage.unknown", True),
    "condition_status": check_condition_status,
    "provisional": _provisional(True),
    "not_provisional": _provisional(False),
    "missing": check_missing,
    "advice_includes": _subset(lambda r: [a.intervention for a in r.advice], "advice", True),
    "advice_excludes": _subset(lambda r: [a.intervention for a in r.advice], "advice", False),
    "advice_count_at_most": check_advice_count_at_most,
    "first_advice_on": check_first_advice_on,
    "ranks_before": check_ranks_before,
    "conditions_rank_before": check_conditions_rank_before,
    "methods_include": _subset(lambda r: [m.id for m in r.methods], "methods", True),
    "methods_exclude": _subset(lambda r: [m.id for m in r.methods], "methods", False),
    "dynamics_include": _subset(lambda r: [d.id for d in r.dynamics], "dynamics", True),
    "dynamics_exclude": _subset(lambda r: [d.id for d in r.dynamics], "dynamics", False),
    "dynamic_certainty": check_dynamic_certainty,
    "heed_include": _subset(lambda r: [h.characteristic for h in r.heed], "heed", True),
    "heed_exclude": _subset(lambda r: [h.characteristic for h in r.heed], "heed", False),
    "heed_by": _subset(_heed_rules, "heed rules", True),
    "heed_not_by": _subset(_heed_rules, "heed rules", False),
    "observation_counts": check_observation_counts,
    "observation_seen": check_observation_seen,
}


def _check_for(key: str) -> Check | None:
    if key in CHECKS:
        return CHECKS[key]
    match = TOP.match(key)
    if match:
        return _top(int(match.group(1)), match.group(2) == "includes")
    return None


# ------------------------------------------------------------------------ ids in expectations exist


def _id_problems(key: str, value: Any, model) -> list[str]:
    """Every id an expectation names must be known, so that no expectation holds vacuously."""
    kb = model.kb
    conditions = set(kb.condition_ids())
    interventions = set(kb.by_id["intervention"])
    methods = {m.id for m in kb.methods}
    dynamics = set(kb.by_id["dynamic"])
    characteristics = set(kb.by_id["characteristic"])
    observables = set(kb.observable_ids())
    indicators = set(kb.by_id["indicator"])
    rules = set(model.book.by_id)

    def names(kind: str, known: set[str], items) -> list[str]:
        return [f"{key}: unknown {kind} {i!r}" for i in items if i not in known]

    if key in ("focus", "instead_of"):
        return [] if value is None else names("condition", conditions, [value])
    if key in ("focus_in", "passed_over", "unknown", "provisional", "not_provisional"):
        return names("condition", conditions, value)
    if key == "first_advice_on":
        return names("condition", conditions, [value])
    if key == "conditions_rank_before":
        return names("condition", conditions, [c for pair in _pairs(value) for c in pair])
    if key == "condition_status":
        out = names("condition", conditions, value)
        for wanted in value.values():
            out += [f"{key}: unknown status {w!r}" for w in (wanted if isinstance(wanted, list) else [wanted])
                    if _as_status(w) not in STATUSES]
        return out
    if key == "missing":
        return names("condition", conditions, value) + names(
            "indicator", indicators, [i for items in value.values() for i in items])
    if key in ("advice_includes", "advice_excludes") or TOP.match(key):
        return names("intervention", interventions, value)
    if key == "ranks_before":
        return names("intervention", interventions, [i for pair in _pairs(value) for i in pair])
    if key in ("methods_include", "methods_exclude"):
        return names("method", methods, value)
    if key in ("dynamics_include", "dynamics_exclude", "dynamic_certainty"):
        return names("dynamic", dynamics, value)
    if key in ("heed_include", "heed_exclude"):
        return names("characteristic", characteristics, value)
    if key in ("heed_by", "heed_not_by"):
        return names("rule", rules, value)
    if key in ("observation_counts", "observation_seen", "exploration_signals"):
        return names("observation", observables, value)
    if key == "reason":
        allowed = {"exploration", "phase_order", "only", "most_neglected", "none", "insufficient"}
        return [] if value in allowed else [f"reason: unknown reason {value!r}"]
    return []


def _problems(vignette: Vignette, model) -> list[str]:
    where, entry = vignette.where, vignette.entry
    out = vignette.key_problems(ENTRY_KEYS, REQUIRED_KEYS)
    if not re.fullmatch(r"[a-z0-9_]+", vignette.name):
        out.append(f"{where}: a name is lower_snake_case (it is part of the test id)")
    claim = entry.get("claim")
    if not isinstance(claim, str) or not re.search(r"§\d|Tabel \d|Figuur \d", claim):
        out.append(f"{where}: the claim paraphrases the passage and cites its section (§3.4, Tabel 1, ...)")
    if not isinstance(entry.get("case"), dict):
        out.append(f"{where}: case is a mapping (a case file's content)")
    if "previous" in entry and not isinstance(entry["previous"], dict):
        out.append(f"{where}: previous is a mapping (an earlier case)")
    expect = entry.get("expect")
    if not isinstance(expect, dict) or not expect:
        out.append(f"{where}: expect holds at least one expectation")
        return out
    for key, value in expect.items():
        if _check_for(key) is None:
            out.append(f"{where}: unknown expectation {key!r}")
            continue
        out += [f"{where}: {p}" for p in _id_problems(key, value, model)]
    return out


def test_vignettes_are_well_formed(model):
    problems = LOAD_PROBLEMS + used_twice(VIGNETTE_LIST)
    for vignette in VIGNETTE_LIST:
        problems += _problems(vignette, model)
    assert not problems, "\n".join(problems)


def test_there_are_enough_vignettes():
    """Issue 7 asks for vignettes across the publication's claims, not a token few."""
    assert len(VIGNETTE_LIST) >= 30
    assert len({v.theme for v in VIGNETTE_LIST}) >= 8


# ------------------------------------------------------------------------ running them


def _report(model, make_case, vignette: Vignette):
    """The report on the vignette's case (in English unless it says otherwise), after its previous
    assessment if it has one."""
    def case(data: dict[str, Any], name: str):
        return make_case(**{"name": name, "language": "en", **data})

    now = case(vignette.entry["case"], vignette.id)
    previous = vignette.entry.get("previous")
    old = None if previous is None else case(previous, f"{vignette.id} (previous)")
    return model.report(now, model.infer(now, old), now.language)


@pytest.mark.parametrize("vignette", [v.param() for v in VIGNETTE_LIST])
def test_vignette(vignette: Vignette, model, make_case):
    report = _report(model, make_case, vignette)
    failures = []
    for key, value in vignette.expect.items():
        check = _check_for(key)
        assert check is not None, f"unknown expectation {key!r} (see test_vignettes_are_well_formed)"
        failures += check(report, value)
    # §5's ways of working are how to go about any condition, never an intervention on one
    methods = {m.id for m in model.kb.methods}
    failures += [f"§5 way of working {a.intervention} listed as an intervention" for a in report.advice
                 if a.intervention in methods]
    assert not failures, f"{vignette.entry['claim']}\n" + "\n".join(failures) + "\n\n" + _summary(report)
