"""The language of the output (issue 7, part 7), checked against knowledge/glossary.yaml.

Every command's output is read whole, in both languages:
- English output holds no Dutch glossary term and no variant the glossary avoids;
- Dutch output holds no English term (where the two differ), no variant to avoid, no 'u'/'uw'
  (Dutch output says 'je') and no decimal point inside a number (3,25, not 3.25).
Ids (relationship.trust, power_games, [interests]), rule ids, file paths and section numbers
(§3.1) are not language and are taken out before checking.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
import yaml

from kansrijk.glossary import Glossary, glossary
from kansrijk.render import labels
from tests.conftest import HEALTHCARE, ROOT, kansrijk

EXAMPLES = ROOT / "examples"
GROUP = EXAMPLES / "regionale_zorg_groep.yaml"
SPRING = EXAMPLES / "monitoring" / "sociaal_domein_voorjaar.yaml"
AUTUMN = EXAMPLES / "monitoring" / "sociaal_domein_najaar.yaml"
SURVEY = EXAMPLES / "survey" / "zorgalliantie_enquete.csv"
MAPPING = EXAMPLES / "survey" / "mapping.yaml"

# -- the glossary -----------------------------------------------------------------------------


def test_glossary_loads_with_one_term_per_language():
    terms = glossary().root
    assert len(terms) >= 30
    for concept, term in terms.items():
        assert re.fullmatch(r"[a-z][a-z_]*", concept), concept
        assert term.nl.strip() and term.en.strip(), concept
        assert "/" not in term.nl and "/" not in term.en, f"{concept}: one term per language, not a choice"


def test_a_variant_to_avoid_is_never_a_term():
    terms = glossary()
    for lang in ("nl", "en"):
        used = {t.lower() for t in terms.terms(lang).values()}
        assert not used & {v.lower() for v in terms.avoided(lang)}, lang


def test_the_glossary_refuses_a_term_it_also_avoids():
    from kansrijk.errors import MessageError
    from pydantic import ValidationError

    with pytest.raises((ValidationError, MessageError)):
        Glossary.model_validate({"x": {"nl": "a", "en": "b", "avoid": {"en": ["B"]}}})


def test_templates_get_the_glossary_as_g():
    from kansrijk.render import render

    text = render("_change_macros.j2", "nl")  # a macro file renders empty; it only has to compile
    assert text.strip() == ""
    assert "g=glossary().terms(lang)" in __import__("inspect").getsource(render)


# -- what counts as a slip ----------------------------------------------------------------------

ID = re.compile(
    r"\[[^\]\s]*\]"                          # [interests], [power_games], [relationship.trust]
    r"|\b[a-z]+(?:[._][a-z0-9]+)+\b"         # relationship.trust, power_games, mapping.yaml
    r"|\b[A-Z]{3}-\d\d\b"                    # rule ids
    r"|(?:[\w.-]*/)+[\w.-]+"                 # paths
    r"|--audience \w+|--[a-z-]+"             # options (and the audience's value)
    r"|`[^`]*`"                              # keys and commands, as in `organisation`
    r"|\$\w+"                                # a rule's variable: $condition
)


def prose(text: str) -> str:
    """The text a reader reads as language: ids, rule ids, paths and options taken out."""
    return ID.sub(" ", text)


def _word(term: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)


def dutch_slips(text: str) -> list[str]:
    """Dutch terms (that differ from the English) and Dutch variants to avoid, in English output."""
    g, text = glossary(), prose(text)
    english = {t.lower() for t in g.terms("en").values()}
    dutch = [t for t in g.terms("nl").values() if t.lower() not in english] + list(g.avoided("nl"))
    return [t for t in dutch if _word(t).search(text)] + [v for v in g.avoided("en") if _word(v).search(text)]


NOT_ENGLISH_IN_DUTCH = {"case", "status"}  # also Dutch words ("in dat geval" aside, 'status' is Dutch)


def english_slips(text: str) -> list[str]:
    """English terms (that differ from the Dutch), variants to avoid, 'u'/'uw' and decimal points,
    in Dutch output."""
    g, text = glossary(), prose(text)
    dutch = {t.lower() for t in g.terms("nl").values()}
    english = [t for t in g.terms("en").values() if t.lower() not in dutch | NOT_ENGLISH_IN_DUTCH]
    slips = [t for t in english + list(g.avoided("en")) + list(g.avoided("nl")) if _word(t).search(text)]
    slips += [f"form of address {m.group()!r}" for m in re.finditer(r"(?<![\w'’-])(?:u|uw|U|Uw)(?![\w'’-])", text)]
    slips += [f"decimal point {m.group()!r}" for m in DECIMAL_POINT.finditer(text)]
    return slips


# A decimal point inside a number; not a section (§3.1, §4.1 .. §4.5) or a version.
DECIMAL_POINT = re.compile(r"(?<![§\d.\w])[-+]?\d+\.\d+(?![.\d])")


def test_the_checks_catch_what_they_should():
    assert english_slips("Status: 3.25 (u vraagt)") == ["form of address 'u'", "decimal point '3.25'"]
    assert english_slips("§3.1, §4.1 .. §4.5 en 3,25 en relationship.trust") == []
    assert english_slips("Aangrijpingspunt: Begin bij belangen; point of application") == ["point of application"]
    assert dutch_slips("Point of application (§5.3), Tabel 1, starting point") == ["Tabel", "starting point"]
    assert dutch_slips("Respect for interests [interests] ambition.shared") == []
    # engine jargon and the words the glossary replaced ('van toepassing', 'werkwijze', 'omgaan met')
    assert sorted(english_slips("12 keer vuurde een regel; afgevuurd; algemene aanpak; bewuste hantering")) == [
        "aanpak", "afgevuurd", "hantering", "vuurde"]
    assert sorted(dutch_slips("12 rule firings; fired")) == ["fired", "firings"]


# -- every command's output, in both languages --------------------------------------------------


def run(*args: str, input: str | None = None) -> str:
    result = kansrijk(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.output


def _without_notes(case: Path) -> Path:
    """A copy of a case without its notes: the adviser's notes are data, in the case's language."""
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data.pop("notes", None)
    copy = Path(tempfile.mkdtemp()) / case.name
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return copy


def _without_case_names(text: str, *cases) -> str:
    """Output without the cases' own names: they are data, in the language the case was written in."""
    for case in cases:
        text = text.replace(yaml.safe_load(case.read_text(encoding="utf-8"))["name"], "")
    return text


def quoted(text: str) -> str:
    """Only the quoted text of a Mermaid chart: node labels, edge labels, the title."""
    return "\n".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))


def dot_labels(text: str) -> str:
    """Only the quoted labels of a DOT graph: attributes such as ranksep=1.2 are not language."""
    return "\n".join(re.findall(r'label="((?:[^"\\]|\\.)*)"', text))


COMMANDS = {
    "advise": (lambda lang: run("advise", HEALTHCARE, "--lang", lang), None),
    "advise-markdown": (lambda lang: run("advise", HEALTHCARE, "--format", "markdown", "--lang", lang), None),
    "advise-detail": (lambda lang: run("advise", HEALTHCARE, "--detail", "--lang", lang), None),
    "advise-group": (lambda lang: run("advise", _without_notes(GROUP), "--lang", lang), None),
    "explain": (lambda lang: run("explain", HEALTHCARE, "--advice", "1", "--lang", lang), None),
    "explain-markdown": (lambda lang: run("explain", HEALTHCARE, "--advice", "1", "--format", "markdown", "--lang", lang),
                         None),
    "why-not": (lambda lang: run("explain", HEALTHCARE, "--why-not", "organise_for_ambition", "--lang", lang), None),
    "why-not-markdown": (lambda lang: run("explain", HEALTHCARE, "--why-not", "enemy_images", "--format", "markdown",
                                          "--lang", lang), None),
    "whatif": (lambda lang: run("whatif", HEALTHCARE, "--set", "relationship.trust=5", "--add", "enemy_images",
                                "--remove", "permanent_negotiation", "--lang", lang), None),
    "whatif-markdown": (lambda lang: run("whatif", HEALTHCARE, "--set", "relationship.trust=none", "--format", "markdown",
                                         "--lang", lang), None),
    "compare": (lambda lang: _without_case_names(run("compare", SPRING, AUTUMN, "--lang", lang), SPRING, AUTUMN), None),
    "model": (lambda lang: run("model", "--lang", lang), None),
    "model-condition": (lambda lang: run("model", "interests", "--lang", lang), None),
    "rules": (lambda lang: run("rules", "--lang", lang), None),
    "rules-none": (lambda lang: run("rules", "--section", "§7", "--lang", lang), None),
    "rule": (lambda lang: "".join(run("rule", r, "--lang", lang) for r in ("INT-03", "SCO-02", "CHA-09", "DIA-01")), None),
    "graph": (lambda lang: quoted(run("graph", "--lang", lang)), None),
    "graph-dot": (lambda lang: dot_labels(run("graph", "--format", "dot", "--lang", lang)), None),
    "quiz": (lambda lang: run("quiz", "--seed", "3", "--answers", "1,2,3", "--lang", lang), None),
    "quiz-interactive": (lambda lang: run("quiz", "--seed", "5", "--lang", lang, input="1\n2\n3\n"), None),
    "interview": (lambda lang: _interview(lang), None),
}


def _interview(lang: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        answers = "\n".join(["Test", "hoog", "", "x", "", "", "", "", "", "4", "?", "", "", "", "", "", "", "", "",
                             "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "1, 99", "1", "", ""])
        return run("interview", "-o", Path(folder) / "case.yaml", "--lang", lang, input=answers + "\n" * 20)


def _import(lang: str) -> str:
    """The summary of an import, without the survey's own (Dutch) column names and case name."""
    with tempfile.TemporaryDirectory() as folder:
        summary = run("import", SURVEY, "--map", MAPPING, "-o", Path(folder) / "case.yaml", "--lang", lang)
    summary = re.sub(r"'[^'\n]*'", "''", summary)
    return re.sub(r"(?m)^(\S+: ).*? (\(\S+: (?:nl|en)\))", r"\1\2", summary)


COMMANDS["import"] = (_import, None)


def _case(name: str, lang: str, xfail: dict | None) -> pytest.param:
    reason = (xfail or {}).get(lang)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(name, lang, id=f"{name}-{lang}", marks=marks)


@pytest.mark.parametrize(("name", "lang"), [_case(n, "en", x) for n, (_, x) in COMMANDS.items()])
def test_english_output_has_no_dutch(name, lang):
    output = COMMANDS[name][0](lang)
    assert output.strip()
    assert dutch_slips(output) == []


@pytest.mark.parametrize(("name", "lang"), [_case(n, "nl", x) for n, (_, x) in COMMANDS.items()])
def test_dutch_output_has_no_english_no_u_and_decimal_commas(name, lang):
    output = COMMANDS[name][0](lang)
    assert output.strip()
    assert english_slips(output) == []


# -- the labels themselves ----------------------------------------------------------------------


def _leaves(value, path=""):
    if isinstance(value, dict) and set(value) == {"nl", "en"}:
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)


def test_every_label_speaks_its_language():
    """labels.yaml, checked whole: also the labels no command above happens to print."""
    slips = {}
    for path, text in _leaves(labels().root):
        found = dutch_slips(text["en"]) + english_slips(text["nl"])
        if found:
            slips[path] = found
    assert slips == {}


def test_every_error_message_speaks_its_language():
    from kansrijk.errors import catalogue

    slips = {}
    for key, text in catalogue().items():
        # 'Tabel 1', 'weet niet', "don't know": quoted values the reader types, in either language
        nl, en = (re.sub(r"'[^' ]+(?: [^' ]+)*'|\"[^\"]*\"", "", text[lang]) for lang in ("nl", "en"))
        found = [s for s in english_slips(nl) if not s.startswith("decimal")] + dutch_slips(en)
        if found:
            slips[key] = found
    assert slips == {}
