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

from pathlib import Path
from typing import Any

import pytest

from tests.yaml_cases import YamlCase, load, used_twice

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"

CASE_KEYS = {"scores", "observations", "characteristics", "respondents", "previous"}
ENTRY_KEYS = {"name", "case", "fires", "binding", "concludes", "xfail"}
REQUIRED_KEYS = {"name", "case", "fires"}
CONCLUDES_KEYS = {"node", "certainty"}
TOLERANCE = 5e-4  # certainties are written to 3 decimals


class Fixture(YamlCase):
    """One case of a rule; its group is the rule's id."""

    @property
    def rule(self) -> str:
        return self.group

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


FIXTURE_LIST, LOAD_PROBLEMS = load(Fixture, FIXTURES, by_group=True)


def _binding_domain(model, record) -> list[str] | None:
    if record.variable is None:
        return None
    if record.variable == "$condition":
        return model.kb.condition_ids()
    return [d.id for d in model.kb.dynamics]


def _entry_problems(fixture: Fixture, model) -> list[str]:
    where, entry = fixture.where, fixture.entry
    problems = fixture.key_problems(ENTRY_KEYS, REQUIRED_KEYS)
    if not isinstance(entry.get("name"), str) or not entry.get("name"):
        problems.append(f"{where}: name must be a non-empty string")
    if not isinstance(entry.get("fires"), bool):
        problems.append(f"{where}: fires must be true or false")
    case = entry.get("case")
    if not isinstance(case, dict) or set(case) - CASE_KEYS:
        problems.append(f"{where}: case must be a mapping with keys among {sorted(CASE_KEYS)}")
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
    problems = LOAD_PROBLEMS + used_twice(FIXTURE_LIST)
    for fixture in FIXTURE_LIST:
        problems += _entry_problems(fixture, model)
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


@pytest.mark.parametrize("fixture", [f.param() for f in FIXTURE_LIST])
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
    return [pytest.param(f, id=f.id) for f in first.values()]


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
