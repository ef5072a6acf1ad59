"""Rule records: one causal claim of the publication each, loaded from rules/*.yaml.

A record holds everything about its rule — id, claim, sections, premises, conclusion,
certainty — and the engine, the explanations and the docs are all made from it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, RootModel, field_validator, model_validator

from kansrijk.errors import InputError, MessageError, Msg, Problem, either, suggest
from kansrijk.knowledgebase import LEVELS, KnowledgeBase, default_dir
from kansrijk.text import Basis, Grounded, Section, Strict, Text
from kansrijk.yamlfile import Document, read_document, validate

INPUT_KINDS = ("observed", "score", "mean", "characteristic", "divergence", "trend")
BELIEF_KINDS = ("neglect", "dynamic")
PREMISE_KINDS = INPUT_KINDS + BELIEF_KINDS
CONCLUSION_KINDS = ("neglect", "dynamic", "advise", "heed", "method")
# Where a rule comes from: a claim the publication makes, the tool's reading of it, or a calibration
# (a threshold or weight the tool chose). A reading carries a note saying why it is the tool's.
BASES = get_args(Basis)
VARIABLES = {"$condition": "condition", "$dynamic": "dynamic"}

# MYCIN's threshold: a belief below it does not count as holding.
BELIEF_THRESHOLD = 0.2

# which knowledge ids a premise or conclusion of each kind may name
TARGET_KINDS: dict[str, tuple[str, ...]] = {
    "observed": ("dynamic", "signal"),
    "score": ("indicator",),
    "mean": ("condition",),
    "characteristic": ("characteristic",),
    "divergence": ("condition", "indicator"),
    "trend": ("condition", "indicator"),
    "neglect": ("condition",),
    "dynamic": ("dynamic",),
    "advise": ("intervention",),
    "heed": ("characteristic",),
    "method": ("method",),
}


def node(kind: str, target: str) -> str:
    """The name of a fact in the rule graph, e.g. 'neglect:ambition'."""
    return f"{kind}:{target}"


class Premise(Strict):
    """One condition of a rule. Written in YAML as `- score: interests.real_dialogue` + `at_most: 2`."""

    kind: Literal["observed", "score", "mean", "characteristic", "divergence", "trend", "neglect", "dynamic"]
    target: str
    at_least: float | None = None
    at_most: float | None = None
    level: Literal["low", "medium", "high"] | None = None  # characteristic: at least this level
    level_at_most: Literal["low", "medium", "high"] | None = None  # characteristic: at most this level
    negated: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "kind" in data:
            return data
        data = dict(data)
        negated = False
        if set(data) == {"not"} and isinstance(data["not"], dict):
            data, negated = dict(data["not"]), True
        kinds = [k for k in data if k in PREMISE_KINDS]
        if len(kinds) != 1:
            raise MessageError(Msg("rule.premise_kinds", kinds=", ".join(PREMISE_KINDS), found=str(sorted(data))))
        kind = kinds[0]
        target = data.pop(kind)
        return {"kind": kind, "target": target, "negated": negated, **data}

    @model_validator(mode="after")
    def _check_thresholds(self) -> Premise:
        if (self.level is not None or self.level_at_most is not None) and self.kind != "characteristic":
            raise MessageError(Msg("rule.level_only"))
        if self.level_at_most is not None and self.min_level > self.max_level:
            raise MessageError(Msg("rule.level_range", level=self.level, level_at_most=self.level_at_most))
        bounds = {"score": (1, 5), "mean": (1, 5), "divergence": (0, 4), "trend": (-4, 4), "neglect": (0, 1),
                  "dynamic": (0, 1)}
        for name in ("at_least", "at_most"):
            value = getattr(self, name)
            if value is None:
                continue
            if self.kind not in bounds:
                raise MessageError(Msg("rule.bound_not_applicable", name=name, kind=self.kind))
            low, high = bounds[self.kind]
            if not low <= value <= high:
                raise MessageError(Msg("rule.bound_out_of_range", name=name, value=value, kind=self.kind, low=low, high=high))
        if self.kind in ("score", "mean", "trend") and self.at_least is None and self.at_most is None:
            raise MessageError(Msg("rule.needs_bound", kind=self.kind))
        return self

    @property
    def node(self) -> str:
        return node(self.kind, self.target)

    @property
    def threshold(self) -> float:
        """For belief and observation premises: the certainty (or share of respondents) from which
        it holds."""
        return BELIEF_THRESHOLD if self.at_least is None else self.at_least

    @property
    def min_level(self) -> int:
        """For characteristic premises: the lowest level rank (1..3) that satisfies it.

        `level: high` alone means at least high; `level_at_most: low` alone means at most low."""
        if self.level is None:
            return 1 if self.level_at_most is not None else len(LEVELS)
        return LEVELS.index(self.level) + 1

    @property
    def max_level(self) -> int:
        """For characteristic premises: the highest level rank (1..3) that satisfies it."""
        return len(LEVELS) if self.level_at_most is None else LEVELS.index(self.level_at_most) + 1

    @property
    def example_level(self) -> str:
        """For characteristic premises: a level that satisfies it (the one a minimal case uses)."""
        return LEVELS[(self.max_level if self.level_at_most is not None else self.min_level) - 1]

    def accepts(self, value: object) -> bool:
        """Whether a fact with this value satisfies the premise, negation aside.

        The engine's patterns test facts with this method, and why-not explanations use it to
        say which premise failed, so both always agree. Values: True for an observation, the
        score, the mean, the level name of a characteristic, or a belief's certainty.
        """
        if value is None:
            return False
        if self.kind == "observed":  # True, or the share of the respondents who saw it, which
            # counts from the threshold of a belief: a tick by one in ten is no evidence
            return value is True or (not isinstance(value, (bool, str)) and value >= self.threshold)
        if self.kind == "characteristic":
            return self.min_level <= LEVELS.index(value) + 1 <= self.max_level
        low = self.threshold if self.kind in BELIEF_KINDS else self.at_least
        return (low is None or value >= low) and (self.at_most is None or value <= self.at_most)


class Conclusion(Strict):
    kind: Literal["neglect", "dynamic", "advise", "heed", "method"]
    target: str

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, dict) and "kind" not in data:
            if len(data) != 1 or next(iter(data)) not in CONCLUSION_KINDS:
                raise MessageError(Msg("rule.conclusion_kinds", kinds=", ".join(CONCLUSION_KINDS), found=str(sorted(data))))
            (kind, target), = data.items()
            return {"kind": kind, "target": target}
        return data

    @property
    def node(self) -> str:
        return node(self.kind, self.target)


class RuleRecord(Grounded):
    id: str = Field(pattern=r"^[A-Z]{3}-\d{2}$")
    claim: Text
    sections: list[Section] = Field(min_length=1)
    premises: list[Premise] = Field(min_length=1, alias="if")
    conclusion: Conclusion = Field(alias="then")
    certainty: float = Field(ge=-1, le=1)

    @field_validator("certainty")
    @classmethod
    def _not_zero(cls, value: float) -> float:
        if value == 0:
            raise MessageError(Msg("rule.zero_certainty"))
        return value

    @property
    def variable(self) -> str | None:
        """The variable ($condition or $dynamic) this record ranges over, if any."""
        targets = [p.target for p in self.premises] + [self.conclusion.target]
        found = sorted({t for t in targets if t.startswith("$")})
        return found[0] if found else None


@dataclass(frozen=True)
class RuleInstance:
    """A record with its variable bound: what the engine compiles. `binding` is '' for plain records."""

    record: RuleRecord
    binding: str
    premises: tuple[Premise, ...]
    conclusion: Conclusion

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def key(self) -> str:
        return instance_key(self.record.id, self.binding)


def instance_key(rule: str, binding: str | None) -> str:
    """A rule instance's name, unique per instance: 'SCO-01' or 'SCO-01[ambition]'."""
    return f"{rule}[{binding}]" if binding else rule


class _Records(RootModel[list[dict]]):
    pass


@dataclass(frozen=True)
class RuleBook:
    records: tuple[RuleRecord, ...]
    instances: tuple[RuleInstance, ...]
    files: dict[str, str]  # rule id -> file name

    @cached_property
    def by_id(self) -> dict[str, RuleRecord]:
        return {r.id: r for r in self.records}

    @cached_property
    def levels(self) -> dict[str, int]:
        """Topological level of every node: inputs 0, a conclusion one above its highest premise."""
        return _levels(self.instances)

    def salience_of(self, instance: RuleInstance) -> int:
        # Rules that conclude lower levels fire first, so a belief is complete before any rule reads it.
        return -self.levels[instance.conclusion.node]

    def feeding(self, rule_id: str) -> list[str]:
        """Ids of rules whose conclusions this rule's premises read."""
        wanted = {p.node for i in self.instances if i.id == rule_id for p in i.premises}
        return sorted({i.id for i in self.instances if i.conclusion.node in wanted and i.id != rule_id})

    def fed(self, rule_id: str) -> list[str]:
        """Ids of rules that read this rule's conclusions."""
        made = {i.conclusion.node for i in self.instances if i.id == rule_id}
        return sorted({i.id for i in self.instances if made & {p.node for p in i.premises} and i.id != rule_id})


def _expand(record: RuleRecord, kb: KnowledgeBase) -> list[RuleInstance]:
    variable = record.variable
    if variable is None:
        return [RuleInstance(record, "", tuple(record.premises), record.conclusion)]
    domain = kb.condition_ids() if variable == "$condition" else [d.id for d in kb.dynamics]
    out = []
    for value in domain:
        bind = lambda item: item.model_copy(update={"target": value}) if item.target == variable else item  # noqa: E731
        out.append(RuleInstance(record, value, tuple(bind(p) for p in record.premises), bind(record.conclusion)))
    return out


def _levels(instances: tuple[RuleInstance, ...]) -> dict[str, int]:
    concluders: dict[str, list[RuleInstance]] = defaultdict(list)
    for instance in instances:
        concluders[instance.conclusion.node].append(instance)
    levels: dict[str, int] = {}
    visiting: list[str] = []

    def level(name: str) -> int:
        if name in levels:
            return levels[name]
        if name in visiting:
            cycle = visiting[visiting.index(name):] + [name]
            raise _Cycle(cycle)
        visiting.append(name)
        result = 0
        for instance in concluders.get(name, []):
            result = max(result, 1 + max(level(p.node) for p in instance.premises))
        visiting.pop()
        levels[name] = result
        return result

    for instance in instances:
        level(instance.conclusion.node)
        for premise in instance.premises:
            level(premise.node)
    return levels


class _Cycle(Exception):
    def __init__(self, nodes: list[str]):
        self.nodes = nodes


def load_rules(kb: KnowledgeBase, directory: Path | None = None) -> RuleBook:
    """Load rules/*.yaml, check every id against the knowledge base and the graph for cycles."""
    directory = directory or default_dir("kansrijk.rules")
    records: list[RuleRecord] = []
    files: dict[str, str] = {}
    docs: dict[str, tuple[Document, int]] = {}
    for path in sorted(directory.glob("*.yaml")):
        doc = read_document(path)
        validate(_Records, doc)
        for index in range(len(doc.data)):
            _check_basis(doc, index)
            record = validate(RuleRecord, doc, base=(index,))
            if record.id in files:
                raise InputError(doc.name, [doc.problem((index, "id"), Msg("rule.id_elsewhere", id=record.id, file=files[record.id]))])
            _check_targets(record, kb, doc, index)
            records.append(record)
            files[record.id] = path.name
            docs[record.id] = (doc, index)
    if not records:
        raise InputError(str(directory), [Problem("", Msg("rule.no_files"))])
    instances = tuple(i for r in records for i in _expand(r, kb))
    book = RuleBook(tuple(records), instances, files)
    try:
        book.levels
    except _Cycle as cycle:
        raise InputError(str(directory), [Problem("", Msg("rule.cycle", nodes=" -> ".join(cycle.nodes)))]) from None
    return book


def _check_basis(doc: Document, index: int) -> None:
    """Every record says what it rests on; a missing basis gets its own message with the allowed values."""
    data = doc.data[index]
    if isinstance(data, dict) and "basis" not in data:
        rule_id = data.get("id", f"[{index}]")
        raise InputError(doc.name, [doc.problem((index, "basis"), Msg("rule.basis_missing", id=rule_id),
                                                Msg("rule.basis_allowed"))])


def _check_targets(record: RuleRecord, kb: KnowledgeBase, doc: Document, index: int) -> None:
    items = [(("if", n), p.kind, p.target) for n, p in enumerate(record.premises)]
    items.append((("then",), record.conclusion.kind, record.conclusion.target))
    for loc, kind, target in items:
        allowed_kinds = TARGET_KINDS[kind]
        if target.startswith("$"):
            if VARIABLES.get(target) not in allowed_kinds:
                ok = [v for v, k in VARIABLES.items() if k in allowed_kinds]
                raise InputError(doc.name, [doc.problem((index,) + loc, Msg("rule.bad_variable", target=target, kind=kind), ", ".join(ok) or Msg("rule.none"))])
            continue
        known = [i for k in allowed_kinds for i in kb.by_id[k]]
        if target not in known:
            raise InputError(doc.name, [doc.problem((index,) + loc, Msg("rule.unknown_target", kind=kind, target=target, hint=suggest(target, known)), Msg("rule.target_ids", kinds=either([Msg(f"what.{k}") for k in allowed_kinds])))])
