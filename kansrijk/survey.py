"""Survey exports read into a case: one row per respondent becomes one of the case's `respondents`.

A survey export is a CSV file (delimiter ; or ,, sniffed; UTF-8 with or without BOM) or an XLSX
workbook (read with openpyxl, read-only). Its first non-empty row is the header. A mapping file
says which column holds what:

    name: Regionale zorgalliantie Noord      # optional: the case's name (--name overrides)
    language: nl                             # optional: the case's language (nl | en)
    min_group: 3                             # optional: copied into the case
    notes: ...                               # optional: copied into the case
    sheet: Antwoorden                        # optional: the worksheet of an XLSX file (default: the
                                             #   first); ignored for CSV
    organisation: Organisatie                # required: the column with the respondent's organisation
    respondent: Naam                         # optional: the column with the respondent's name
    scores:                                  # required: column -> indicator id (Table 1)
      "We vertrouwen elkaar": relationship.trust
    observations:                            # optional: columns with observed dynamics and signals
      - column: Wat herkent u?               # a list column: several answers in one cell,
        separator: ","                       #   split on , or ; unless a separator is given;
        values:                              #   each answer an id, or a text translated here
          Weinig ontmoetingen: few_encounters
      - column: Te snel getekend?            # a yes/no column: ja/nee, yes/no, 1/0, x or empty
        id: rushed_to_contract

Column names are matched case- and whitespace-insensitively. Without a mapping file the default
mapping is used: columns named like the indicator ids (e.g. `relationship.trust`), a column
`organisation` or `organisatie`, optionally `name`/`naam` and `observations`/`waarnemingen`.

Answers are numbers 1..5 or the labels in advice_templates/likert.yaml (Dutch or English);
"weet niet", "don't know" and an empty cell become null. Every problem is collected with its row
and column; `import_survey` raises one InputError with all of them, so nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BeforeValidator, Field, StrictInt, model_validator

from kansrijk.case import Case, IndicatorId, ObservableId, with_allowed
from kansrijk.errors import InputError, MessageError, Msg, Problem, either, suggest
from kansrijk.knowledgebase import KnowledgeBase, default_dir
from kansrijk.limits import MAX_SURVEY_COLUMNS, MAX_SURVEY_ROWS
from kansrijk.text import LANGUAGES, Language, Name, NonEmpty, Storable, Strict, nul_character
from kansrijk.yamlfile import Document, read_bytes, read_document, validate

# -- answers --------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def normalise(text: str) -> str:
    """The form in which labels and column names are compared: case, spacing and apostrophes ignored."""
    return _SPACE.sub(" ", text.replace("\u2019", "'").replace("\u2018", "'")).strip().casefold()


class LabelList(Strict):
    nl: list[NonEmpty] = Field(min_length=1)
    en: list[NonEmpty] = Field(min_length=1)

    def all(self) -> list[str]:
        return [label for lang in LANGUAGES for label in getattr(self, lang)]


ScoreKey = Annotated[StrictInt, Field(ge=1, le=5)]


class AnswerTable(Strict):
    """advice_templates/likert.yaml."""

    scales: dict[NonEmpty, dict[ScoreKey, LabelList]] = Field(min_length=1)
    dont_know: LabelList
    flags: dict[Literal["yes", "no"], LabelList]

    @model_validator(mode="after")
    def _each_label_means_one_thing(self) -> AnswerTable:
        for name, scale in self.scales.items():
            if sorted(scale) != [1, 2, 3, 4, 5]:
                raise MessageError(Msg("survey.scale_incomplete", name=name))
        if set(self.flags) != {"yes", "no"}:
            raise MessageError(Msg("survey.flags_incomplete"))
        for pairs in (self.answer_pairs(), self.flag_pairs()):
            meaning: dict[str, Any] = {}
            for label, value in pairs:
                key = normalise(label)
                if key in meaning and meaning[key] != value:
                    raise MessageError(Msg("survey.label_twice", label=label, first=meaning[key], second=value))
                meaning[key] = value
        numbers = [label for label, _ in self.answer_pairs() if _NUMBER.match(normalise(label))]
        if numbers:
            raise MessageError(Msg("survey.numeric_labels", labels=str(numbers)))
        return self

    def answer_pairs(self) -> list[tuple[str, int | None]]:
        pairs = [(label, value) for scale in self.scales.values() for value, labels in scale.items()
                 for label in labels.all()]
        return pairs + [(label, None) for label in self.dont_know.all()]

    def flag_pairs(self) -> list[tuple[str, bool]]:
        return [(label, answer == "yes") for answer, labels in self.flags.items() for label in labels.all()]


class AnswerError(ValueError):
    """An answer that is not one; the message (a Msg) says why, `allowed` what would be."""

    def __init__(self, message: Msg, allowed: str):
        super().__init__(message)
        self.msg = message
        self.allowed = allowed


Kind = Literal["answer", "dont_know", "empty"]


@dataclass(frozen=True)
class Answers:
    """Reads survey cells as scores 1..5, don't know, or yes/no, by the table of likert.yaml."""

    labels: dict[str, int | None]  # normalised label -> score, or None for don't know
    flags: dict[str, bool]  # normalised label -> yes?
    allowed: str
    flags_allowed: str

    @classmethod
    def from_table(cls, table: AnswerTable) -> Answers:
        scales = []
        for scale in table.scales.values():
            for lang in LANGUAGES:
                scales.append(", ".join(getattr(scale[value], lang)[0] for value in sorted(scale)))
        dont_know = ", ".join(getattr(table.dont_know, lang)[0] for lang in LANGUAGES)
        allowed = Msg("survey.answers_allowed", scales="; ".join(scales), dont_know=dont_know)
        yes = sorted({label for label in table.flags["yes"].all()})
        no = sorted({label for label in table.flags["no"].all()})
        flags_allowed = Msg("survey.flags_allowed", yes=", ".join(yes), no=", ".join(no))
        return cls(
            labels={normalise(label): value for label, value in table.answer_pairs()},
            flags={normalise(label): value for label, value in table.flag_pairs()},
            allowed=allowed,
            flags_allowed=flags_allowed,
        )

    def score(self, cell: Any) -> tuple[int | None, Kind]:
        """A cell as (score, 'answer'), (None, 'dont_know') or (None, 'empty'); AnswerError otherwise."""
        if is_empty(cell):
            return None, "empty"
        if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
            raise AnswerError(Msg("survey.not_an_answer", cell=_show(cell), hint=""), self.allowed)
        if isinstance(cell, (int, float)):
            return self._number(cell, _show(cell)), "answer"
        text = normalise(cell)
        if _NUMBER.match(text):
            return self._number(float(text.replace(",", ".")), cell.strip()), "answer"
        if text in self.labels:
            value = self.labels[text]
            return value, ("dont_know" if value is None else "answer")
        raise AnswerError(Msg("survey.not_an_answer", cell=cell.strip(), hint=suggest(text, list(self.labels))),
                          self.allowed)

    def _number(self, number: float, shown: str) -> int:
        allowed = Msg("survey.number_allowed")
        if math.isfinite(number) and number != int(number):
            raise AnswerError(Msg("not_whole_number", value=_short(shown)), allowed)
        if not 1 <= number <= 5:  # also 400 digits (inf as a float) and nan
            value = int(number) if math.isfinite(number) and len(shown) <= 20 else _short(shown)
            raise AnswerError(Msg("out_of_range", value=value), allowed)
        return int(number)

    def flag(self, cell: Any) -> bool:
        """A yes/no cell; an empty one is no."""
        if is_empty(cell):
            return False
        if isinstance(cell, bool):
            return cell
        text = normalise(_show(cell))
        if text in self.flags:
            return self.flags[text]
        raise AnswerError(Msg("survey.not_yes_no", cell=_show(cell), hint=suggest(text, list(self.flags))),
                          self.flags_allowed)


@cache
def answers() -> Answers:
    doc = read_document(default_dir("kansrijk.advice_templates") / "likert.yaml")
    return Answers.from_table(validate(AnswerTable, doc))


def is_empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _short(text: str, width: int = 40) -> str:
    """A cell as shown in a message: a 400-digit number is not repeated whole."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _show(cell: Any) -> str:
    """A cell as text: 4.0 from a spreadsheet reads as 4."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# -- the survey file ------------------------------------------------------------------------


@dataclass
class Table:
    """A survey export: its header and its rows, each with its row number in the file."""

    name: str
    kind: Literal["csv", "xlsx"]
    detail: str  # the CSV delimiter or the worksheet's title
    header_line: int
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    empty_rows: list[int] = field(default_factory=list)  # rows without any value, skipped

    def column(self, index: int) -> str:
        """How a column is named in messages: its header, or its letter/number when it has none."""
        if index < len(self.header) and self.header[index]:
            return repr(self.header[index])
        return Msg("survey.no_header", number=column_letter(index) if self.kind == "xlsx" else index + 1)


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        what = Msg("survey.cannot_read_suffix", suffix=suffix) if suffix else Msg("survey.no_extension")
        if suffix == ".xls":
            what = Msg("survey.cannot_read_xls", suffix=suffix)
        raise InputError(name, [Problem("", what, allowed=".csv, .xlsx")])
    data = read_bytes(path)  # at most limits.max_input_bytes()
    if not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise InputError(name, [Problem("", Msg("file_empty"))])
    if suffix in (".xlsx", ".xlsm"):
        kind, (detail, rows) = "xlsx", _xlsx_rows(path, name, sheet)
    else:  # a CSV file has no sheets: the mapping's `sheet` is for the same survey exported as XLSX
        kind, (detail, rows) = "csv", _csv_rows(data, name)
    empty_rows = []
    start = 0
    while start < len(rows) and all(is_empty(c) for c in rows[start][1]):
        empty_rows.append(rows[start][0])
        start += 1
    if start == len(rows):
        raise InputError(name, [Problem("", Msg("survey.sheet_empty", sheet=detail) if kind == "xlsx" else Msg("file_empty"))])
    header_line, header_cells = rows[start]
    header = ["" if is_empty(c) else _SPACE.sub(" ", _show(c)) for c in header_cells]
    while header and not header[-1]:
        header.pop()
    body = []
    for line, cells in rows[start + 1:]:
        if all(is_empty(c) for c in cells):
            empty_rows.append(line)
        else:
            body.append((line, list(cells)))
    table = Table(name, kind, detail, header_line, header, body, empty_rows)
    if not body:
        raise InputError(name, [Problem("", Msg("survey.no_respondents"), line=header_line)])
    return table


def _csv_rows(data: bytes, name: str) -> tuple[str, list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(name, [Problem("", Msg("survey.not_utf8"), line=line)]) from None
    if "\x00" in text:
        raise InputError(name, [Problem("", Msg("survey.nul_bytes"),
                                        line=text[: text.index("\x00")].count("\n") + 1)])
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def records() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            raise InputError(name, [Problem("", Msg("survey.not_valid_csv", reason=str(exc)), line=line)]) from None

    return delimiter, _within_bounds(name, "csv", records())


def _within_bounds(name: str, kind: str, rows: Iterable[tuple[int, Sequence[Any]]]) -> list[tuple[int, list[Any]]]:
    """The rows of a survey export, read no further than MAX_SURVEY_ROWS rows, each cut to
    MAX_SURVEY_COLUMNS cells; a value beyond that column is refused, not dropped. (openpyxl pads a
    row up to its last cell: a cell in column XFD on every row would otherwise be 16,384 per row.)"""
    allowed = Msg("limit.survey_allowed", rows=MAX_SURVEY_ROWS, columns=MAX_SURVEY_COLUMNS)
    out = []
    for count, (line, cells) in enumerate(rows, start=1):
        if count > MAX_SURVEY_ROWS:
            raise InputError(name, [Problem("", Msg("limit.survey_rows", limit=MAX_SURVEY_ROWS), line=line,
                                            allowed=allowed)])
        if len(cells) > MAX_SURVEY_COLUMNS:
            head = cells[:MAX_SURVEY_COLUMNS]
            # all None beyond the bound (a formatted but empty cell): counted in C, not looped over
            if cells.count(None) - head.count(None) != len(cells) - MAX_SURVEY_COLUMNS:
                beyond = next((i for i in range(MAX_SURVEY_COLUMNS, len(cells)) if not is_empty(cells[i])), None)
                if beyond is not None:
                    column = column_letter(beyond) if kind == "xlsx" else beyond + 1
                    raise InputError(name, [Problem("", Msg("limit.survey_columns", column=column,
                                                                limit=MAX_SURVEY_COLUMNS), line=line, allowed=allowed)])
            cells = head
        out.append((line, list(cells)))
    return out


def sniff_delimiter(text: str) -> str:
    """; or ,: the one that splits the first records into the most consistent rows of more than one cell."""
    best, best_score = ",", None
    for delimiter in (";", ","):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = []
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    records.append(cells)
                if len(records) == 50:
                    break
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        score = (width > 1, sum(len(r) == width for r in records) / len(records), width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _xlsx_rows(path: Path, name: str, sheet: str | None) -> tuple[str, list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    def malformed(exc: Exception) -> InputError:
        reason = str(exc).strip() or type(exc).__name__
        return InputError(name, [Problem("", Msg("survey.bad_xlsx", reason=reason))])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001  a damaged workbook fails in many ways (zip, XML, KeyError...)
            raise malformed(exc) from None
        try:
            titles = [ws.title for ws in workbook.worksheets]
            if not titles:
                raise InputError(name, [Problem("", Msg("survey.no_worksheets"))])
            if sheet is None:
                worksheet = workbook.worksheets[0]
            elif sheet in titles:
                worksheet = workbook[sheet]
            else:
                raise InputError(name, [Problem("", Msg("survey.no_sheet", sheet=sheet, hint=suggest(sheet, titles)),
                                                allowed=", ".join(titles))])
            # the stored dimensions may be stale; read every row there is
            worksheet.reset_dimensions()
            rows = _within_bounds(name, "xlsx", enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1))
            return worksheet.title, rows
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001  (as above, while reading the rows)
            raise malformed(exc) from None
        finally:
            workbook.close()


# -- the mapping ------------------------------------------------------------------------------


def _column_text(value: Any) -> Any:
    # a header such as 2024 arrives from YAML as a number; bools stay and fail (quote yes/no)
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


Column = Annotated[NonEmpty, BeforeValidator(_column_text)]


class ObservationColumn(Strict):
    """A column with observations: a list column (`values`, `separator`) or a yes/no column (`id`)."""

    column: Column
    id: ObservableId | None = None
    values: dict[Column, ObservableId] = {}
    separator: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ObservationColumn:
        if self.id is not None and (self.values or self.separator is not None):
            raise MessageError(Msg("survey.both_kinds"))
        return self


class Mapping(Strict):
    name: Name | None = None
    language: Language | None = None
    min_group: Annotated[StrictInt, Field(ge=1)] | None = None
    notes: Storable | None = None
    sheet: NonEmpty | None = None
    organisation: Column
    respondent: Column | None = None
    scores: dict[Column, IndicatorId] = Field(min_length=1)
    observations: list[ObservationColumn] = []


MAPPING_ALLOWED = {  # what each key of a mapping allows, as case.ALLOWED: messages of advice_templates/errors.yaml
    "name": "survey.mapping_allowed.name",
    "language": None,
    "min_group": "survey.mapping_allowed.min_group",
    "notes": "case.allowed.notes",
    "sheet": "survey.mapping_allowed.sheet",
    "organisation": "survey.mapping_allowed.organisation",
    "respondent": "survey.mapping_allowed.respondent",
    "scores": "survey.mapping_allowed.scores",
    "observations": "survey.mapping_allowed.observations",
}


@dataclass
class Source:
    """Where each column of a mapping was written: for messages that point back at the mapping."""

    name: str | None  # the mapping file; None for the default mapping
    lines: dict[str, int] = field(default_factory=dict)  # column -> line in the mapping

    def where(self, column: str) -> str:
        if self.name is None:
            return Msg("survey.default_mapping")
        line = self.lines.get(column)
        return f"{self.name}:{line}" if line else self.name


def load_mapping(path: str | Path, kb: KnowledgeBase) -> tuple[Mapping, Source]:
    doc = read_document(path)
    if not isinstance(doc.data, dict):
        raise InputError(doc.name, [doc.problem((), Msg("survey.mapping_not_a_mapping", keys=", ".join(MAPPING_ALLOWED)))])
    try:
        mapping = validate(Mapping, doc, context={"kb": kb})
    except InputError as error:
        error.problems = [with_allowed(p, MAPPING_ALLOWED) for p in error.problems]
        raise
    source = Source(doc.name)
    source.lines[mapping.organisation] = doc.line(("organisation",))
    if mapping.respondent is not None:
        source.lines[mapping.respondent] = doc.line(("respondent",))
    raw_scores = [(str(key), value) for key, value in doc.data["scores"].items()]  # as written, before stripping
    for raw, _ in raw_scores:
        source.lines.setdefault(raw.strip(), doc.line(("scores", raw)))
    for index, item in enumerate(mapping.observations):
        source.lines[item.column] = doc.line(("observations", index, "column"))
    problems = _mapping_conflicts(mapping, doc, raw_scores)
    if problems:
        raise InputError(doc.name, problems)
    return mapping, source


def _mapping_conflicts(mapping: Mapping, doc: Document, raw_scores: list[tuple[str, str]]) -> list[Problem]:
    """A column used for two things, or an indicator read from two columns."""
    problems = []
    uses: dict[str, tuple[str, tuple]] = {}  # normalised column -> (what, loc)

    def use(column: str, what: str, loc: tuple) -> None:
        key = normalise(column)
        if key in uses:
            problems.append(doc.problem(loc, Msg("survey.column_mapped_twice", column=column, what=uses[key][0],
                                                 line=doc.line(uses[key][1]))))
        else:
            uses[key] = (what, loc)

    use(mapping.organisation, Msg("survey.use.organisation"), ("organisation",))
    if mapping.respondent is not None:
        use(mapping.respondent, Msg("survey.use.respondent"), ("respondent",))
    indicators: dict[str, tuple] = {}
    for raw, indicator in raw_scores:
        use(raw, Msg("survey.use.indicator", indicator=indicator), ("scores", raw))
        if indicator in indicators:
            problems.append(doc.problem(("scores", raw), Msg("survey.indicator_twice", indicator=indicator,
                                                             line=doc.line(indicators[indicator]))))
        else:
            indicators[indicator] = ("scores", raw)
    for index, item in enumerate(mapping.observations):
        use(item.column, Msg("survey.use.observations"), ("observations", index, "column"))
    return problems


ORGANISATION_COLUMNS = ("organisation", "organisatie", "organization")
NAME_COLUMNS = ("name", "naam", "respondent")
OBSERVATION_COLUMNS = ("observations", "waarnemingen")


def default_mapping(table: Table, kb: KnowledgeBase) -> tuple[Mapping, Source]:
    """Columns named like the indicator ids, `organisation`/`organisatie`, optionally `name`/`naam`
    and `observations`/`waarnemingen`; a header that looks like a misspelt indicator id is an error."""
    problems = []
    names = {normalise(h): h for h in table.header if h}

    def one_of(candidates: tuple[str, ...], what: str, required: bool) -> str | None:
        found = [names[c] for c in candidates if c in names]
        if len(found) > 1:
            problems.append(Problem("", Msg("survey.header_twice", what=Msg(f"survey.role.{what}"),
                                            columns=", ".join(repr(f) for f in found)),
                                    line=table.header_line))
        if not found and required:
            problems.append(Problem("", Msg("survey.no_column", what=Msg(f"survey.role.{what}"),
                                            names=either([repr(c) for c in candidates[:2]])),
                                    line=table.header_line, allowed=Msg("survey.file_columns", columns=_list(table.header))))
        return found[0] if len(found) == 1 else None

    organisation = one_of(ORGANISATION_COLUMNS, "organisation", True)
    respondent = one_of(NAME_COLUMNS, "name", False)
    observations = one_of(OBSERVATION_COLUMNS, "observations", False)
    indicator_ids = list(kb.by_id["indicator"])
    conditions = kb.condition_ids()
    scores = {}
    for key, header in names.items():
        if key in indicator_ids:
            scores[header] = key
        elif "." in key and key.split(".")[0] in conditions:
            problems.append(Problem(Msg("survey.column", column=repr(header)),
                                    Msg("unknown", what=Msg("what.indicator"), value=key, hint=suggest(key, indicator_ids)),
                                    line=table.header_line, allowed=", ".join(indicator_ids)))
    if not scores and not problems:
        problems.append(Problem("", Msg("survey.no_indicator_column"), line=table.header_line))
    if problems:
        raise InputError(table.name, problems)
    data = {"organisation": organisation, "scores": scores}
    if respondent:
        data["respondent"] = respondent
    if observations:
        data["observations"] = [{"column": observations}]
    return Mapping.model_validate(data, context={"kb": kb}), Source(None)


def _list(items: list[str]) -> str:
    return ", ".join(repr(i) for i in items if i) or Msg("survey.no_columns")


# -- the import --------------------------------------------------------------------------------


@dataclass
class IndicatorCount:
    indicator: str
    column: str
    answered: int = 0
    dont_know: int = 0
    empty: int = 0

    @property
    def missing(self) -> int:
        return self.dont_know + self.empty


@dataclass
class SurveyImport:
    """The case read from a survey, and what the summary says about the reading."""

    case: dict
    source: str
    kind: str
    detail: str
    mapping: str | None
    respondents: int
    indicators: list[IndicatorCount]
    organisations: list[tuple[str, int]]
    min_group: int
    observations: int
    ignored: list[str]
    empty_rows: list[int]
    no_answers: list[int]  # rows of respondents who answered no indicator
    similar_organisations: list[list[str]]  # names that differ only in case or spacing

    @property
    def answers(self) -> int:
        return sum(i.answered for i in self.indicators)

    @property
    def dont_know(self) -> int:
        return sum(i.dont_know for i in self.indicators)

    @property
    def empty(self) -> int:
        return sum(i.empty for i in self.indicators)

    @property
    def missing(self) -> int:
        return self.dont_know + self.empty


def import_survey(survey: str | Path, mapping_path: str | Path | None, kb: KnowledgeBase,
                  name: str | None = None, lang: Language | None = None) -> SurveyImport:
    """Read a survey export into a case; InputError with every problem, by row and column."""
    mapping, source = load_mapping(mapping_path, kb) if mapping_path is not None else (None, None)
    table = read_table(survey, mapping.sheet if mapping else None)
    if mapping is None:
        mapping, source = default_mapping(table, kb)
    return _read(table, mapping, source, kb, name, lang)


def _locate(table: Table, mapping: Mapping, source: Source) -> tuple[dict[str, int], list[Problem]]:
    """The index of every mapped column in the header."""
    problems = []
    by_name: dict[str, list[int]] = {}
    for index, header in enumerate(table.header):
        if header:
            by_name.setdefault(normalise(header), []).append(index)
    wanted = [(mapping.organisation, Msg("survey.role.organisation")), *((c, i) for c, i in mapping.scores.items())]
    if mapping.respondent is not None:
        wanted.insert(1, (mapping.respondent, Msg("survey.role.respondent")))
    wanted += [(o.column, Msg("survey.role.observations")) for o in mapping.observations]
    located = {}
    for column, role in wanted:
        found = by_name.get(normalise(column), [])
        if len(found) == 1:
            located[column] = found[0]
            continue
        if not found:
            message = Msg("survey.not_in_header", where=source.where(column),
                          hint=suggest(column, [h for h in table.header if h]))
            allowed = Msg("survey.file_columns", columns=_list(table.header))
        else:
            message = Msg("survey.column_repeated", count=len(found), columns=", ".join(
                str(column_letter(i) if table.kind == "xlsx" else i + 1) for i in found))
            allowed = None
        problems.append(Problem(Msg("survey.column_role", column=column, role=role), message,
                                line=table.header_line, allowed=allowed))
    return located, problems


def _read(table: Table, mapping: Mapping, source: Source, kb: KnowledgeBase,
          name: str | None, lang: Language | None) -> SurveyImport:
    reader = answers()
    located, header_problems = _locate(table, mapping, source)
    problems: list[tuple[int, int, Problem]] = [(table.header_line, -1, p) for p in header_problems]
    observable = kb.observable_ids()
    order = [i.id for i in kb.indicators]
    score_columns = sorted(mapping.scores.items(), key=lambda item: order.index(item[1]))
    counts = {indicator: IndicatorCount(indicator, column) for column, indicator in score_columns}
    respondents = []
    no_answers = []
    observations_read = 0
    width = len(table.header)

    def cell(cells: list, column: str) -> Any:
        index = located.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    for line, cells in table.rows:
        for index in range(width, len(cells)):
            if not is_empty(cells[index]):
                problems.append((line, index, Problem(Msg("survey.column", column=table.column(index)),
                                                      Msg("survey.beyond_header", cell=_show(cells[index]), width=width),
                                                      line=line)))
        respondent: dict[str, Any] = {}

        def text_cell(column: str, role: str, key: str) -> None:
            # line breaks and tabs become spaces; NUL is refused, as in a case file
            value = _SPACE.sub(" ", _show(cell(cells, column)))
            problem = nul_character(value)
            if problem is None:
                respondent[key] = value
            else:
                index = located[column]
                problems.append((line, index, Problem(Msg("survey.column_role", column=table.header[index],
                                                          role=Msg(f"survey.role.{role}")), problem, line=line)))

        if mapping.respondent is not None and not is_empty(cell(cells, mapping.respondent)):
            text_cell(mapping.respondent, "respondent", "name")
        organisation = cell(cells, mapping.organisation)
        if is_empty(organisation):
            if mapping.organisation in located:
                index = located[mapping.organisation]
                problems.append((line, index, Problem(Msg("survey.column_role", column=table.header[index],
                                                          role=Msg("survey.role.organisation")),
                                                      Msg("survey.no_organisation"), line=line)))
        else:
            text_cell(mapping.organisation, "organisation", "organisation")
        scores: dict[str, int | None] = {}
        for column, indicator in score_columns:
            if column not in located:
                continue
            try:
                value, kind = reader.score(cell(cells, column))
            except AnswerError as error:
                index = located[column]
                problems.append((line, index, Problem(Msg("survey.column_role", column=table.header[index],
                                                          role=indicator), error.msg,
                                                      line=line, allowed=error.allowed)))
                continue
            scores[indicator] = value
            count = counts[indicator]
            count.answered += kind == "answer"
            count.dont_know += kind == "dont_know"
            count.empty += kind == "empty"
        respondent["scores"] = scores
        if mapping.observations:
            found = []
            for item in mapping.observations:
                if item.column not in located:
                    continue
                key = Msg("survey.column_role", column=table.header[located[item.column]],
                          role=Msg("survey.role.observations"))
                try:
                    found += _observations(item, cell(cells, item.column), reader, observable)
                except AnswerError as error:
                    problems.append((line, located[item.column], Problem(key, error.msg, line=line,
                                                                         allowed=error.allowed)))
            respondent["observations"] = list(dict.fromkeys(found))
            observations_read += len(respondent["observations"])
        if scores and all(v is None for v in scores.values()):
            no_answers.append(line)
        respondents.append(respondent)
    if problems:
        raise InputError(table.name, [p for _, _, p in sorted(problems, key=lambda item: item[:2])])

    language = mapping.language or lang or "nl"
    case: dict[str, Any] = {"name": name or mapping.name or Path(table.name).stem, "language": language}
    if mapping.min_group is not None:
        case["min_group"] = mapping.min_group
    case["respondents"] = respondents
    if mapping.notes:
        case["notes"] = mapping.notes
    try:
        # the checks above leave only the name to fail here: --name or the file's name, with a control character
        validate(Case, Document(table.name, case, {}), context={"kb": kb})
    except InputError as error:
        error.problems = [with_allowed(p) for p in error.problems]
        raise

    groups: dict[str, int] = {}
    for respondent in respondents:
        groups[respondent["organisation"]] = groups.get(respondent["organisation"], 0) + 1
    similar: dict[str, list[str]] = {}
    for organisation in groups:
        similar.setdefault(normalise(organisation), []).append(organisation)
    mapped = {located[c] for c in located}
    ignored = [table.column(i) for i in range(width) if i not in mapped
               and (table.header[i] or any(i < len(c) and not is_empty(c[i]) for _, c in table.rows))]
    return SurveyImport(
        case=case, source=table.name, kind=table.kind, detail=table.detail, mapping=source.name,
        respondents=len(respondents), indicators=list(counts.values()), organisations=list(groups.items()),
        min_group=mapping.min_group or Case.model_fields["min_group"].default, observations=observations_read,
        ignored=ignored, empty_rows=table.empty_rows, no_answers=no_answers,
        similar_organisations=[names for names in similar.values() if len(names) > 1],
    )


_SEPARATORS = re.compile(r"[,;\n]")


def _observations(item: ObservationColumn, value: Any, reader: Answers, observable: list[str]) -> list[str]:
    if item.id is not None:
        return [item.id] if reader.flag(value) else []
    if is_empty(value):
        return []
    text = _show(value)
    parts = text.split(item.separator) if item.separator else _SEPARATORS.split(text)
    values = {normalise(k): v for k, v in item.values.items()}
    ids = {normalise(i): i for i in observable}
    found = []
    for part in parts:
        key = normalise(part)
        if not key:
            continue
        if key in values:
            found.append(values[key])
        elif key in ids:
            found.append(ids[key])
        else:
            known = list(item.values) + observable
            values = Msg("survey.observation_values", values=_list(list(item.values))) if item.values else ""
            raise AnswerError(Msg("survey.not_an_observation", part=part.strip(), hint=suggest(part.strip(), known)),
                              Msg("survey.observations_allowed", values=values))
    return found


def case_text(result: SurveyImport, as_json: bool = False) -> str:
    """The case as YAML (or JSON), with a comment that says where it came from."""
    if as_json:
        from kansrijk.render import to_json

        return to_json(result.case)
    origin = f"# imported with `kansrijk import` from {_quoted(Path(result.source).name)}"
    origin += f" (mapping: {_quoted(Path(result.mapping).name)})\n" if result.mapping else " (default mapping)\n"
    body = yaml.safe_dump(result.case, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return origin + body


def _quoted(name: str) -> str:
    """A file name for the comment as the YAML emitter quotes it: on one line, every line break and
    control character escaped, so no name can end the comment and add a key to the case."""
    quoted = yaml.safe_dump(name, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")
    if any(c in quoted for c in "\r\n\x85\u2028\u2029"):
        raise ValueError(f"a file name could not be put on one line: {name!r}")
    return quoted


def ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> '3–5, 9'."""
    out, start, previous = [], None, None
    for n in sorted(numbers):
        if start is None:
            start = previous = n
        elif n == previous + 1:
            previous = n
        else:
            out.append(f"{start}" if start == previous else f"{start}–{previous}")
            start = previous = n
    if start is not None:
        out.append(f"{start}" if start == previous else f"{start}–{previous}")
    return ", ".join(out)
