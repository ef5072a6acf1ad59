"""Error messages exist in Dutch and English: the catalogue, and the language of error output."""

import pytest
import yaml

from kansrijk.errors import LANGUAGES, Msg, catalogue, check_catalogue, placeholders, suggest
from kansrijk.knowledgebase import default_dir
from tests.conftest import HEALTHCARE, kansrijk


def test_every_catalogue_entry_has_nl_and_en_with_the_same_placeholders():
    raw = yaml.safe_load((default_dir("kansrijk.advice_templates") / "errors.yaml").read_text(encoding="utf-8"))
    assert raw == catalogue()
    for ident, entry in raw.items():
        assert set(entry) == set(LANGUAGES), ident
        assert entry["nl"].strip() and entry["en"].strip(), ident
        assert placeholders(entry["nl"]) == placeholders(entry["en"]), ident


@pytest.mark.parametrize("bad", [
    {"x": {"en": "only English"}},
    {"x": {"nl": "{value} is onbekend", "en": "unknown {what}"}},
    {"x": {"nl": "", "en": "text"}},
    [],
])
def test_a_bad_catalogue_is_refused(bad):
    with pytest.raises(ValueError):
        check_catalogue(bad)


def test_a_message_is_its_english_text_and_renders_in_dutch():
    message = Msg("unknown", what=Msg("what.indicator"), value="x.y", hint=suggest("x.y", ["x.z"]))
    assert message == "unknown indicator 'x.y'; did you mean 'x.z'?"
    assert message.render("nl") == "indicator 'x.y' is onbekend; bedoel je 'x.z'?"


SURVEY = "organisatie;relationship.trust;ambition.shared\nA;9;3\n;eens;x\n"

NO_LANGUAGE = "name: x\nscores:\n  relationship.trust: 3\n"

# name -> (files, arguments, English fragments, Dutch fragments)
ERRORS = {
    "malformed_yaml": (
        {"bad.yaml": "name: x\nscores: [1\n"}, ["advise", "bad.yaml"],
        ["Error: bad.yaml:3: not valid YAML"], ["Fout: bad.yaml:3: geen geldige YAML"],
    ),
    "out_of_range": (
        {"bad.yaml": "name: x\nscores:\n  relationship.trust: 7\n"}, ["advise", "bad.yaml"],
        ["bad.yaml:3: scores.relationship.trust: 7 is out of range (allowed: indicator ids"],
        ["bad.yaml:3: scores.relationship.trust: 7 valt buiten het bereik (toegestaan: indicator-ids"],
    ),
    "unknown_id_with_suggestion": (
        {"bad.yaml": "name: x\nscores:\n  interests.real_dialog: 2\n"}, ["advise", "bad.yaml"],
        ["unknown indicator 'interests.real_dialog'; did you mean 'interests.real_dialogue'?"],
        ["indicator 'interests.real_dialog' is onbekend; bedoel je 'interests.real_dialogue'?"],
    ),
    # a case that names no language: its errors follow --lang, else KANSRIJK_LANG, else English
    "whatif_bad_set": (
        {"case.yaml": NO_LANGUAGE}, ["whatif", "case.yaml", "--set", "relationship.trust=x"],
        ["Error: --set: relationship.trust: 'x' is not a score (allowed: 1..5 or an answer such as 'agree'"],
        ["Fout: --set: relationship.trust: 'x' is geen score (toegestaan: 1..5 of een antwoord zoals 'mee eens'"],
    ),
    "quiz_bad_answers": (
        {}, ["quiz", "--seed", "7", "--answers", "1,2"],
        ["Error: --answers: 2 answers given (allowed: 3 answers, comma-separated)"],
        ["Fout: --answers: 2 antwoorden gegeven (toegestaan: 3 antwoorden, gescheiden door komma's)"],
    ),
    "import_row_and_column": (
        {"survey.csv": SURVEY}, ["import", "survey.csv", "-o", "-"],
        ["survey.csv:2: column 'relationship.trust' (relationship.trust): 9 is out of range",
         "survey.csv:3: column 'organisatie' (organisation): empty: every respondent needs an organisation",
         "'x' is not an answer"],
        ["survey.csv:2: kolom 'relationship.trust' (relationship.trust): 9 valt buiten het bereik",
         "survey.csv:3: kolom 'organisatie' (organisatie): leeg: elke respondent heeft een organisatie nodig",
         "'x' is geen antwoord"],
    ),
    "usage_error": (
        {"case.yaml": NO_LANGUAGE}, ["whatif", "case.yaml"],
        ["Error: give at least one --set, --add or --remove"],
        ["Fout: geef minstens één --set, --add of --remove"],
    ),
}


def _run(tmp_path, monkeypatch, name, extra, env):
    files, args, _, _ = ERRORS[name]
    for filename, text in files.items():
        (tmp_path / filename).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = [str(HEALTHCARE) if a == "CASE" else a for a in args]
    result = kansrijk(*args, *extra, env=env)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("name", sorted(ERRORS))
@pytest.mark.parametrize("how", ["--lang", "env"])
def test_errors_in_dutch_with_lang_nl_or_kansrijk_lang(tmp_path, monkeypatch, name, how):
    extra, env = (["--lang", "nl"], {"KANSRIJK_LANG": "en"}) if how == "--lang" else ([], {"KANSRIJK_LANG": "nl"})
    output = _run(tmp_path, monkeypatch, name, extra, env)
    for fragment in ERRORS[name][3]:
        assert fragment in output
    for fragment in ERRORS[name][2]:
        assert fragment not in output


@pytest.mark.parametrize("name", sorted(ERRORS))
@pytest.mark.parametrize("how", ["default", "--lang", "env"])
def test_errors_in_english_otherwise(tmp_path, monkeypatch, name, how):
    extra, env = {"default": ([], {"KANSRIJK_LANG": None}), "--lang": (["--lang", "en"], {"KANSRIJK_LANG": "nl"}),
                  "env": ([], {"KANSRIJK_LANG": "en"})}[how]
    output = _run(tmp_path, monkeypatch, name, extra, env)
    for fragment in ERRORS[name][2]:
        assert fragment in output


@pytest.mark.parametrize("args", [
    ["whatif", "CASE", "--set", "relationship.trust=x"], ["whatif", "CASE"],
    ["explain", "CASE", "--why-not", "organise_meetings"], ["advise", "dutch.yaml"], ["advise", "CASE", "-o", "CASE"],
])
def test_a_dutch_case_gives_dutch_errors_without_lang(tmp_path, monkeypatch, args):
    """Errors follow --lang, else the case's language, else KANSRIJK_LANG, else English."""
    (tmp_path / "dutch.yaml").write_text("name: x\nlanguage: nl\nscores:\n  ambition.shared: drie\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = [str(HEALTHCARE) if a == "CASE" else a for a in args]
    dutch = kansrijk(*args, env={"KANSRIJK_LANG": "en"})
    assert dutch.exit_code == 2 and "Fout: " in dutch.output and "Error: " not in dutch.output, dutch.output
    english = kansrijk(*args, "--lang", "en", env={"KANSRIJK_LANG": "nl"})
    assert english.exit_code == 2 and "Error: " in english.output and "Fout: " not in english.output, english.output


def test_a_default_lang_is_not_a_given_lang(monkeypatch):
    # quiz's --lang defaults to nl; only a --lang on the command line chooses the language of errors
    result = kansrijk("quiz", "--seed", "7", "--answers", "1,2", env={"KANSRIJK_LANG": None})
    assert result.exit_code == 2 and "Error: --answers: 2 answers given" in result.output
