"""Rule fixtures: what each rule record does to a small case, run through the real engine.

tests/fixtures/rules/<rulefile>.yaml holds the cases for the rules of rules/<rulefile>.yaml,
keyed by rule id (in the style of sqlfluff's rule fixtures):

    INT-03:
      - name: rushed_without_dialogue
        case:                          # only what the rule needs: scores, observations, characteristics
          observations: [rushed_to_contract]
        fires: true                    # the rule appears (or not) among the engine's firings
        concludes:                     # optional: the node and the certainty this firing lent it
          node: dynamic:permanent_negotiation
          certainty: 0.8               # rule certainty x weakest belief premise, to 3 decimals
      - name: good_dialogue_blocks_it
        case: {observations: [rushed_to_contract], scores: {interests.real_dialogue: 4}}
        fires: false

Rules over $condition or $dynamic take `binding: <value>`: the instance that must (or must not)
fire. A fires: false case without a binding says that no instance of the rule fires. A case may
carry `xfail: <reason>` when the engine is known to disagree with the rule; it is then a strict
xfail, so the suite notices when the engine is fixed.

The first `fires: true` case of every rule is its minimal case: leaving out any one of its
inputs must stop the rule from firing.

Run one rule's cases with `pytest -k INT-03`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kansrijk.yamlfile import read_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"

CASE_KEYS = {"scores", "observations", "characteristics", "respondents", "previous"}
ENTRY_KEYS = {"name", "case", "fires", "binding", "concludes", "xfail"}
REQUIRED_KEYS = {"name", "case", "fires"}
CONCLUDES_KEYS = {"node", "certainty"}
TOLERANCE = 5e-4  # certainties are written to 3 decimals


@dataclass(frozen=True)
class Fixture:
    file: str
    rule: str
    index: int
    entry: dict[str, Any] = field(hash=False, compare=False)

    @property
    def name(self) -> str:
        return str(self.entry.get("name", f"case{self.index}"))

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.name}"

    @property
    def case(self) -> dict[str, Any]:
        return self.entry.get("case") or {}

    @property
    def fires(self) -> bool:
        return self.entry.get("fires") is True

    @property
    def binding(self) -> str | None:
        return self.entry.get("binding")

    @property
    def concludes(self) -> dict[str, Any] | None:
        return self.entry.get("concludes")

    @property
    def xfail(self) -> str | None:
        return self.entry.get("xfail")


def _load() -> tuple[list[Fixture], list[str]]:
    """All fixtures, plus the problems that keep a file or entry from being read at all."""
    fixtures, problems = [], []
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = read_document(path).data  # refuses duplicate keys, so a rule id cannot silently appear twice
        if not isinstance(data, dict):
            problems.append(f"{path.name}: a fixture file maps rule ids to lists of cases")
            continue
        for rule, entries in data.items():
            if not isinstance(entries, list) or not entries:
                problems.append(f"{path.name}: {rule}: expected a non-empty list of cases")
                continue
            for index, entry in enumerate(entries):
                if not isinstance(entry, dict):
                    problems.append(f"{path.name}: {rule}[{index}]: a case is a mapping")
                    continue
                fixtures.append(Fixture(path.name, str(rule), index, entry))
    return fixtures, problems


FIXTURE_LIST, LOAD_PROBLEMS = _load()


def _param(fixture: Fixture):
    marks = [pytest.mark.xfail(reason=fixture.xfail, strict=True)] if fixture.xfail else []
    return pytest.param(fixture, id=fixture.id, marks=marks)


def _binding_domain(model, record) -> list[str] | None:
    if record.variable is None:
        return None
    if record.variable == "$condition":
        return model.kb.condition_ids()
    return [d.id for d in model.kb.dynamics]


def _entry_problems(fixture: Fixture, model) -> list[str]:
    where = f"{fixture.file}: {fixture.id}"
    entry, problems = fixture.entry, []
    unknown = set(entry) - ENTRY_KEYS
    missing = REQUIRED_KEYS - set(entry)
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(ENTRY_KEYS)})")
    if missing:
        problems.append(f"{where}: missing keys {sorted(missing)}")
    if not isinstance(entry.get("name"), str) or not entry.get("name"):
        problems.append(f"{where}: name must be a non-empty string")
    if not isinstance(entry.get("fires"), bool):
        problems.append(f"{where}: fires must be true or false")
    case = entry.get("case")
    if not isinstance(case, dict) or set(case) - CASE_KEYS:
        problems.append(f"{where}: case must be a mapping with keys among {sorted(CASE_KEYS)}")
    if fixture.xfail is not None and not (isinstance(fixture.xfail, str) and fixture.xfail.strip()):
        problems.append(f"{where}: xfail takes the reason as text")
    concludes = fixture.concludes
    if concludes is not None:
        if not isinstance(concludes, dict) or set(concludes) != CONCLUDES_KEYS:
            problems.append(f"{where}: concludes needs exactly {sorted(CONCLUDES_KEYS)}")
        elif not fixture.fires:
            problems.append(f"{where}: concludes only makes sense with fires: true")
    record = model.book.by_id.get(fixture.rule)
    if record is None:
        return problems  # reported by test_fixtures_name_existing_rules
    domain = _binding_domain(model, record)
    if domain is None and fixture.binding is not None:
        problems.append(f"{where}: {fixture.rule} has no variable, so no binding")
    if domain is not None:
        if fixture.binding is None and fixture.fires:
            problems.append(f"{where}: {fixture.rule} ranges over {record.variable}; say which binding must fire")
        if fixture.binding is not None and fixture.binding not in domain:
            problems.append(f"{where}: binding {fixture.binding!r} is not a value of {record.variable}")
    if model.book.files.get(fixture.rule) != fixture.file:
        problems.append(f"{where}: {fixture.rule} is defined in rules/{model.book.files[fixture.rule]}, "
                        f"so its fixtures belong in {FIXTURES.name}/{model.book.files[fixture.rule]}")
    return problems


# ---------------------------------------------------------------- the book and the fixtures agree


def test_fixture_files_are_well_formed(model):
    problems = list(LOAD_PROBLEMS)
    seen: set[str] = set()
    for fixture in FIXTURE_LIST:
        problems += _entry_problems(fixture, model)
        if fixture.id in seen:
            problems.append(f"{fixture.file}: case id {fixture.id} is used twice")
        seen.add(fixture.id)
    assert not problems, "\n".join(problems)


def test_every_rule_has_a_firing_fixture(model):
    covered = {f.rule for f in FIXTURE_LIST if f.fires and not f.xfail}
    missing = [r.id for r in model.book.records if r.id not in covered]
    assert not missing, f"rules without a `fires: true` fixture: {', '.join(missing)}"


def test_fixtures_name_existing_rules(model):
    unknown = sorted({f"{f.rule} ({f.file})" for f in FIXTURE_LIST if f.rule not in model.book.by_id})
    assert not unknown, f"fixtures for rule ids that are not in the rule book: {', '.join(unknown)}"


# ---------------------------------------------------------------- running the cases


def _fired(model, make_case, case: dict, rule: str, binding: str | None):
    case = dict(case)
    previous = case.pop("previous", None)  # an earlier assessment, for the trend rules
    inference = model.infer(make_case(**case), None if previous is None else make_case(**previous))
    firings = [f for f in inference.firings if f.rule == rule and (binding is None or f.binding == binding)]
    return firings, inference


def _describe(inference) -> str:
    lines = [f"  {f.rule}{f'[{f.binding}]' if f.binding else ''} -> {f.concludes} {f.certainty:.4f}"
             for f in inference.firings]
    return "engine fired:\n" + ("\n".join(lines) or "  nothing")


@pytest.mark.parametrize("fixture", [_param(f) for f in FIXTURE_LIST])
def test_rule_fixture(fixture: Fixture, model, make_case):
    if fixture.rule not in model.book.by_id:
        pytest.fail(f"no rule {fixture.rule} in the rule book")
    firings, inference = _fired(model, make_case, fixture.case, fixture.rule, fixture.binding)
    target = fixture.rule + (f"[{fixture.binding}]" if fixture.binding else "")
    if not fixture.fires:
        assert not firings, f"{target} fired but should not\n{_describe(inference)}"
        return
    assert firings, f"{target} did not fire\n{_describe(inference)}"
    if fixture.concludes is None:
        return
    # one instance fires at most once on a case; more would mean the engine re-fired it
    assert len(firings) == 1, f"{target} fired {len(firings)} times\n{_describe(inference)}"
    firing = firings[0]
    assert firing.concludes == fixture.concludes["node"]
    assert firing.certainty == pytest.approx(fixture.concludes["certainty"], abs=TOLERANCE), _describe(inference)


def _minimal_cases() -> list:
    first: dict[str, Fixture] = {}
    for fixture in FIXTURE_LIST:
        if fixture.fires and not fixture.xfail and fixture.rule not in first:
            first[fixture.rule] = fixture
    return [pytest.param(f, id=f"{f.rule}-{f.name}") for f in first.values()]


def _without_one_input(case: dict) -> list[tuple[str, dict]]:
    """Every case that is `case` with exactly one observation, score or characteristic left out."""
    out = []
    for item in case.get("observations") or []:
        out.append((item, {**case, "observations": [o for o in case["observations"] if o != item]}))
    for key in ("scores", "characteristics"):
        for name in case.get(key) or {}:
            out.append((name, {**case, key: {k: v for k, v in case[key].items() if k != name}}))
    for n, respondent in enumerate(case.get("respondents") or []):
        rest = [r for m, r in enumerate(case["respondents"]) if m != n]
        out.append((f"respondent {respondent['organisation']}", {**case, "respondents": rest}))
    return out


@pytest.mark.parametrize("fixture", _minimal_cases())
def test_first_firing_case_is_minimal(fixture: Fixture, model, make_case):
    """The first `fires: true` case of a rule needs every one of its inputs to make the rule fire."""
    assert _without_one_input(fixture.case), "a minimal case has at least one input"
    needless = [left_out for left_out, smaller in _without_one_input(fixture.case)
                if _fired(model, make_case, smaller, fixture.rule, fixture.binding)[0]]
    assert not needless, f"{fixture.id} still fires without {', '.join(needless)}: the case is not minimal"
