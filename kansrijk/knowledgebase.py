"""The model of the publication as data: conditions, indicators, characteristics, dynamics,
signals, interventions, working methods and sources, loaded from knowledge/*.yaml and cross-checked."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, RootModel, model_validator

from kansrijk.errors import InputError, MessageError, Msg, Problem, suggest
from kansrijk.text import Grounded, Section, Strict, Text
from kansrijk.yamlfile import Document, read_document, validate

Sections = list[Section]
NonEmptySections = Field(min_length=1)


class Precedence(Grounded):
    """A condition this one follows in the order of work, and while which statuses it waits."""

    condition: str
    because: Text
    sections: Sections = NonEmptySections
    waits_while: list[Literal["weak", "attention"]] = Field(default=["weak", "attention"], min_length=1)


class Condition(Strict):
    id: str
    name: Text
    summary: Text
    neglect: Text
    attention: Text
    sections: Sections = NonEmptySections
    follows: list[Precedence] = []


class Indicator(Strict):
    id: str
    condition: str
    name: Text
    question: Text
    sections: Sections = NonEmptySections


class Characteristic(Strict):
    id: str
    name: Text
    description: Text
    asks: Text
    sections: Sections = NonEmptySections


class Dynamic(Strict):
    id: str
    condition: str
    polarity: Literal["negative", "positive"]
    name: Text
    description: Text
    sections: Sections = NonEmptySections


class Signal(Strict):
    id: str
    condition: str
    name: Text
    description: Text
    sections: Sections = NonEmptySections


class Intervention(Strict):
    id: str
    condition: str
    name: Text
    description: Text
    questions: list[Text] = Field(min_length=1)
    sections: Sections = NonEmptySections
    sources: list[str] = []


class Method(Strict):
    """A way of working on the collaboration (§5): how the adviser and the partners go about whatever
    the focus is. Not tied to a condition, so it never competes with the interventions on one."""

    id: str
    name: Text
    description: Text
    questions: list[Text] = Field(min_length=2, max_length=4)
    sections: Sections = NonEmptySections
    sources: list[str] = []


class Source(Strict):
    id: str
    citation: str
    topic: Text
    sections: Sections = NonEmptySections


# file name -> model of its records, in the order they are loaded and cross-checked
KNOWLEDGE_FILES: dict[str, type[Strict]] = {
    "conditions.yaml": Condition,
    "indicators.yaml": Indicator,
    "characteristics.yaml": Characteristic,
    "dynamics.yaml": Dynamic,
    "signals.yaml": Signal,
    "interventions.yaml": Intervention,
    "methods.yaml": Method,
    "sources.yaml": Source,
}

LEVELS = ("low", "medium", "high")


def default_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


@dataclass(frozen=True)
class KnowledgeBase:
    conditions: tuple[Condition, ...]
    indicators: tuple[Indicator, ...]
    characteristics: tuple[Characteristic, ...]
    dynamics: tuple[Dynamic, ...]
    signals: tuple[Signal, ...]
    interventions: tuple[Intervention, ...]
    methods: tuple[Method, ...]
    sources: tuple[Source, ...]

    @cached_property
    def by_id(self) -> dict[str, dict[str, Strict]]:
        """kind ('condition', 'indicator', ...) -> id -> item."""
        return {
            "condition": {c.id: c for c in self.conditions},
            "indicator": {i.id: i for i in self.indicators},
            "characteristic": {c.id: c for c in self.characteristics},
            "dynamic": {d.id: d for d in self.dynamics},
            "signal": {s.id: s for s in self.signals},
            "intervention": {i.id: i for i in self.interventions},
            "method": {m.id: m for m in self.methods},
            "source": {s.id: s for s in self.sources},
        }

    def require(self, table: str, value: str, where: str) -> str:
        """value if it is an id of table ('condition', 'dynamic', ...), else an InputError with a suggestion."""
        known = list(self.by_id[table])
        if value not in known:
            raise InputError(where, [Problem("", Msg("unknown", what=Msg(f"what.{table}"), value=value, hint=suggest(value, known)),
                                             allowed=", ".join(known))])
        return value

    def condition_ids(self) -> list[str]:
        return [c.id for c in self.conditions]

    def item_of_node(self, node: str) -> Strict:
        """The knowledge item a graph node is about: 'score:relationship.trust' -> that indicator,
        'neglect:ambition' -> the condition, 'observed:subgroups' -> the signal, and so on."""
        kind, target = node.split(":", 1)
        if kind == "observed":
            return self.by_id["dynamic"].get(target) or self.by_id["signal"][target]
        if kind in ("divergence", "trend"):  # on a condition or on one indicator
            return self.by_id["condition"].get(target) or self.by_id["indicator"][target]
        table = {
            "score": "indicator", "mean": "condition", "neglect": "condition", "characteristic": "characteristic",
            "heed": "characteristic", "dynamic": "dynamic", "advise": "intervention",
            "method": "method",
        }[kind]
        return self.by_id[table][target]

    def condition_of_node(self, node: str) -> str | None:
        """The condition a node belongs to (its own for neglect and mean); None for characteristics."""
        item = self.item_of_node(node)
        return item.id if isinstance(item, Condition) else getattr(item, "condition", None)

    def observable_ids(self) -> list[str]:
        """What an adviser may list under `observations`: dynamics and signals."""
        return [d.id for d in self.dynamics] + [s.id for s in self.signals]

    def indicators_of(self, condition: str) -> list[Indicator]:
        return [i for i in self.indicators if i.condition == condition]


class _Records(RootModel[list[dict]]):
    pass


def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load and cross-check knowledge/*.yaml; every error names the file, key and line."""
    directory = directory or default_dir("kansrijk.knowledge")
    loaded: dict[str, list] = {}
    docs: dict[str, Document] = {}
    for filename, model in KNOWLEDGE_FILES.items():
        doc = read_document(directory / filename)
        validate(_Records, doc)
        records = [validate(model, doc, base=(index,)) for index in range(len(doc.data))]
        _check_unique(doc, records)
        loaded[filename] = records
        docs[filename] = doc
    kb = KnowledgeBase(*(tuple(loaded[f]) for f in KNOWLEDGE_FILES))
    _check_references(kb, docs)
    return kb


def _check_unique(doc: Document, records: list) -> None:
    seen: set[str] = set()
    for index, record in enumerate(records):
        if record.id in seen:
            raise InputError(doc.name, [doc.problem((index, "id"), Msg("id_twice", id=record.id))])
        seen.add(record.id)


def _check_references(kb: KnowledgeBase, docs: dict[str, Document]) -> None:
    conditions = kb.condition_ids()
    sources = list(kb.by_id["source"])
    checks: list[tuple[str, tuple, str, list[str]]] = []  # file, loc, value, allowed
    for filename, items in (
        ("indicators.yaml", kb.indicators),
        ("dynamics.yaml", kb.dynamics),
        ("signals.yaml", kb.signals),
        ("interventions.yaml", kb.interventions),
    ):
        for index, item in enumerate(items):
            checks.append((filename, (index, "condition"), item.condition, conditions))
    for index, item in enumerate(kb.indicators):
        prefix = item.id.split(".")[0]
        checks.append(("indicators.yaml", (index, "id"), prefix, [item.condition]))
    for filename, items in (("interventions.yaml", kb.interventions), ("methods.yaml", kb.methods)):
        for index, item in enumerate(items):
            for j, source in enumerate(item.sources):
                checks.append((filename, (index, "sources", j), source, sources))
    for index, item in enumerate(kb.conditions):
        for j, follow in enumerate(item.follows):
            checks.append(("conditions.yaml", (index, "follows", j, "condition"), follow.condition, conditions))
    for filename, loc, value, allowed in checks:
        if value not in allowed:
            doc = docs[filename]
            raise InputError(
                doc.name, [doc.problem(loc, Msg("unknown", what=Msg("what.id"), value=value, hint=suggest(value, allowed)), ", ".join(allowed))]
            )
    observable = kb.observable_ids()
    if len(set(observable)) != len(observable):
        twice = sorted({o for o in observable if observable.count(o) > 1})
        raise InputError(docs["signals.yaml"].name, [docs["signals.yaml"].problem((), Msg("ids_both", ids=str(twice)))])


class StatusThresholds(Strict):
    weak: float = Field(gt=0, le=1)
    attention: float = Field(gt=0, le=1)


class Contribution(Strict):
    """A named part of an advice item's priority."""

    id: str
    weight: float
    per: Literal["certainty", "weak", "attention", "focus", "returns", "precedes", "observed", "divergence"]
    label: Text
    sections: Sections = NonEmptySections


class DivergenceThresholds(Strict):
    condition: float = Field(gt=0, le=4)
    indicator: float = Field(gt=0, le=4)


class ProvisionalThreshold(Strict):
    min_share_answered: float = Field(gt=0, le=1)


class LikelihoodWords(Strict):
    certain: float = Field(gt=0, le=1)
    likely: float = Field(gt=0, le=1)
    possible: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _descending(self) -> "LikelihoodWords":
        if not self.certain > self.likely > self.possible:
            raise MessageError(Msg("policy.likelihood_order"))
        return self


class Policy(Strict):
    status: StatusThresholds
    advice_threshold: float = Field(gt=0, le=1)
    provisional: ProvisionalThreshold
    likelihood: LikelihoodWords
    default_method: str
    divergence: DivergenceThresholds
    contributions: list[Contribution] = Field(min_length=1)


def load_policy(directory: Path | None = None) -> Policy:
    directory = directory or default_dir("kansrijk.knowledge")
    return validate(Policy, read_document(directory / "policy.yaml"))
