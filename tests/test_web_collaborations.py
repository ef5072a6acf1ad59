"""The collaborations pages: the list (its bands and focus as `kansrijk advise` gives them, search,
create, import), a collaboration's chart and the comparison of two assessments as `kansrijk
compare` makes it; and every UI label in both languages."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kansrijk.case import Case
from kansrijk.cli import main
from kansrijk.model import load_model
from tests.web_support import EXAMPLES, example_case, import_example, workbench  # noqa: F401 (the fixture)

WEB = Path(__file__).resolve().parent.parent / "kansrijk" / "web"
SPRING, AUTUMN = "monitoring/sociaal_domein_voorjaar.yaml", "monitoring/sociaal_domein_najaar.yaml"


def advise_json(path: Path, lang: str) -> dict:
    result = CliRunner().invoke(main, ["advise", str(path), "--format", "json", "--lang", lang])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def cells(html: str, row_class: str) -> list[list[str]]:
    """The text of each cell of the table rows with this class."""
    rows = re.findall(rf'<tr class="{row_class}">(.*?)</tr>', html, re.S)
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def long_en(iso: str) -> str:
    """An ISO date as English prose writes it: 3 September 2026."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def with_name(case: Case, name: str, **changes) -> Case:
    return case.model_copy(update={"name": name, **changes})


def test_list_shows_the_last_assessment_with_the_focus_and_bands_of_advise(workbench):
    import_example(workbench.store, "zorgalliantie.yaml")
    cid, _ = import_example(workbench.store, SPRING)
    workbench.store.save_assessment(cid, example_case(AUTUMN))  # the later one is the last
    workbench.store.create_collaboration("Zonder meting", "en")
    page = workbench.get("/?lang=en")
    assert page.status_code == 200
    rows = {row[0]: row for row in cells(page.text, "collaboration")}
    assert list(rows) == sorted(rows, key=str.casefold)
    bands = yaml.safe_load((WEB.parent.parent / "advice_templates" / "labels.yaml").read_text(encoding="utf-8"))["band"]
    # the monitored network is listed under its name with its later assessment
    for name, example in (("Regionale zorgalliantie Noord", "zorgalliantie.yaml"), (example_case(SPRING).name, AUTUMN)):
        expected = advise_json(EXAMPLES / example, "en")
        row = rows[name]
        focus = next(c["name"] for c in expected["conditions"] if c["id"] == expected["focus"])
        assert row[1] == long_en(expected["date"]) and row[3] == focus
        assert row[4:9] == [bands[c["band"]]["en"] for c in expected["conditions"]]
    assert rows[example_case(SPRING).name][2] == "2"  # two assessments
    assert rows["Zonder meting"][1] == "no assessment yet"


def test_search_by_name_ignores_case(workbench):
    for name in ("Zorgalliantie Noord", "Energiecoöperatie", "ZORGNETWERK Zuid"):
        workbench.store.create_collaboration(name, "nl")
    page = workbench.get("/?q=zorg")
    names = [row[0] for row in cells(page.text, "collaboration")]
    assert names == ["Zorgalliantie Noord", "ZORGNETWERK Zuid"]
    assert 'value="zorg"' in page.text
    none = workbench.get("/?q=nergens&lang=en")
    assert cells(none.text, "collaboration") == [] and "No collaboration has &#39;nergens&#39; in its name" in none.text


def test_create_says_what_is_wrong_beside_the_field_and_keeps_the_input(workbench):
    page = workbench.post_form("/collaborations?lang=en", {"name": "   ", "language": "fr", "notes": "mijn notitie"})
    assert page.status_code == 400
    errors = dict(re.findall(r'<p class="field-error" id="create-(\w+)-error">(.*?)</p>', page.text))
    # the command line's words for a case's name and language
    assert unescape(errors["name"]) == "String should have at least 1 character (allowed: a non-empty text of at most 200 characters)"
    assert "'fr' is not allowed" in unescape(errors["language"]) and "'nl' or 'en'" in unescape(errors["language"])
    assert "mijn notitie</textarea>" in page.text
    assert workbench.store.collaborations() == []
    done = workbench.post_form("/collaborations", {"name": " Regio West ", "language": "en", "notes": ""})
    cid = int(done.headers["location"].rsplit("/", 1)[1])
    assert workbench.store.collaboration(cid).name == "Regio West"


def test_a_nul_in_the_notes_is_said_beside_them_as_a_case_files_would_be(workbench):
    page = workbench.post_form("/collaborations?lang=en", {"name": "Regio", "language": "en", "notes": "a\x00b"})
    assert page.status_code == 400
    errors = dict(re.findall(r'<p class="field-error" id="create-(\w+)-error">(.*?)</p>', page.text))
    assert "holds the character NUL (character 2)" in unescape(errors["notes"])
    assert workbench.store.collaborations() == []


def test_import_of_case_files_and_a_survey(workbench):
    files = [("files", (name, (EXAMPLES / name).read_bytes())) for name in ("zorgalliantie.yaml", "survey/zorgalliantie_enquete.csv")]
    mapping = ("mapping", ("mapping.yaml", (EXAMPLES / "survey" / "mapping.yaml").read_bytes()))
    answer = workbench.post_form("/import?lang=en", files=[*files, mapping])
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
    page = workbench.get("/")
    assert "zorgalliantie.yaml</strong>: imported" in page.text and "zorgalliantie_enquete.csv</strong>: imported" in page.text
    assert sum(c.count for c in workbench.store.collaborations()) == 2


def test_import_shows_the_command_lines_message_and_stores_nothing(workbench, tmp_path, monkeypatch):
    bad = b"name: Kapot\nscores:\n  interests.real_dialog: 2\n"
    page = workbench.post_form("/import?lang=en", files=[
        ("files", ("goed.yaml", (EXAMPLES / "zorgalliantie.yaml").read_bytes())), ("files", ("kapot.yaml", bad))])
    assert page.status_code == 400
    shown = unescape(re.search(r'<pre class="message error" id="import-error">(.*?)</pre>', page.text, re.S).group(1))
    # what `kansrijk advise` says about the same file under the same name
    monkeypatch.chdir(tmp_path)
    Path("kapot.yaml").write_bytes(bad)
    said = CliRunner().invoke(main, ["advise", "kapot.yaml", "--lang", "en"])
    assert said.exit_code == 2 and said.output.strip() == f"Error: {shown}"
    assert "did you mean 'interests.real_dialogue'" in shown
    assert workbench.store.collaborations() == []
    assert workbench.post_form("/import", files=[]).status_code == 400


def test_chart_has_a_point_per_assessment_and_condition_with_a_value(workbench, make_case):
    model = load_model()
    full = make_case(name="Keten", date="2026-01-10", scores={i.id: 2 + n % 3 for n, i in enumerate(model.kb.indicators)})
    ambition_only = make_case(name="Keten", date="2026-06-10",
                              scores={i.id: 4 for i in model.kb.indicators if i.condition == "ambition"})
    cid, _ = workbench.store.import_case(full)
    workbench.store.import_case(ambition_only)
    page = workbench.get(f"/collaborations/{cid}?lang=en").text
    svg = re.search(r'<svg id="trend".*?</svg>', page, re.S).group(0)
    points = re.findall(r'<circle class="point"[^>]*data-condition="(\w+)"[^>]*><title>(.*?)</title>', svg)
    assert len(points) == 5 + 1  # the second assessment scores only the ambition
    assert sorted(c for c, _ in points).count("ambition") == 2
    # one line, for the one condition with two values; the others are points alone
    assert svg.count("<polyline") == 1
    titles = [unescape(title) for _, title in points]
    assert "A meaningful ambition — 10 June 2026: 4.00" in titles
    for axis in ("mean score (1–5)", "assessment", "10 January 2026", "10 June 2026"):
        assert f">{axis}</text>" in svg
    assert "Scale 1 (hardly) to 5 (to a great extent)" in page
    dutch = workbench.get(f"/collaborations/{cid}?lang=nl").text
    assert ">gemiddelde score (1–5)</text>" in dutch and ">10 juni 2026</text>" in dutch


def test_chart_leaves_a_gap_where_the_report_withholds_a_mean(workbench):
    group = example_case("regionale_zorg_groep.yaml")
    cid, _ = workbench.store.import_case(group)
    # two respondents of the same organisation: fewer than min_group, so no mean may be shown
    few = group.model_copy(update={"respondents": group.respondents[:2], "date": None, "scores": {}})
    workbench.store.save_assessment(cid, few)
    report = load_model().advise(few, "en")
    assert all(c.score is None and c.score_withheld for c in report.conditions)
    svg = re.search(r'<svg id="trend".*?</svg>', workbench.get(f"/collaborations/{cid}").text, re.S).group(0)
    shown = load_model().advise(group, "en")
    assert len(re.findall(r'<circle class="point"', svg)) == sum(c.score is not None for c in shown.conditions)


def test_compare_says_what_kansrijk_compare_says(workbench):
    cid, old = import_example(workbench.store, SPRING)
    new = workbench.store.save_assessment(cid, example_case(AUTUMN))
    page = workbench.get(f"/collaborations/{cid}/compare?old={old}&new={new}&lang=en")
    assert page.status_code == 200
    text = CliRunner().invoke(main, ["compare", str(EXAMPLES / SPRING), str(EXAMPLES / AUTUMN), "--lang", "en"]).output
    said = text.split("What changed\n")[1].split("\nAdvice on the new assessment")[0]
    changes = [line[2:] for line in said.splitlines() if line.startswith("- ")]
    shown = [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item))).strip()
             for item in re.findall(r'<li class="change[^"]*">(.*?)</li>', page.text, re.S)]
    assert len(shown) == len(changes) > 0
    # no point of application before: both say why (all is well), as the list does
    assert load_model().advise(example_case(SPRING), "en").focus_detail.reason == "none"
    assert any(item.startswith("Point of application") and "(none → " in item for item in shown)
    for line, item in zip(changes, shown):
        assert line.replace(" -> ", " → ") == item
    # the scores with their change, and the new focus with its reason
    rows = {row[0]: row[1:] for row in cells(page.text, "condition")}
    cli = json.loads(CliRunner().invoke(main, ["compare", str(EXAMPLES / SPRING), str(EXAMPLES / AUTUMN),
                                               "--lang", "en", "--format", "json"]).output)
    for score in (s for s in cli["scores"] if s["level"] == "condition"):
        assert rows[score["name"]][0] == f"{score['before']:.2f}" and rows[score["name"]][1] == f"{score['after']:.2f}"
    focus = next(c.name for c in load_model().advise(example_case(AUTUMN), "en").conditions if c.id == cli["after"]["focus"])
    assert f"Start with: {focus}" in page.text


def test_compare_withholds_numbers_as_kansrijk_compare_does(workbench):
    group = example_case("regionale_zorg_groep.yaml")
    cid, old = workbench.store.import_case(group)
    new = workbench.store.save_assessment(cid, group.model_copy(update={"respondents": group.respondents[:-1]}))
    page = workbench.get(f"/collaborations/{cid}/compare?old={old}&new={new}&lang=en")
    assert "Not shown: the respondents of the two assessments differ by only a few people" in page.text
    rows = cells(page.text, "indicator") + cells(page.text, "condition")
    assert rows and all(row[1:] == ["–", "–", ""] for row in rows)


def test_compare_needs_two_assessments_of_this_collaboration(workbench):
    cid, old = import_example(workbench.store, SPRING)
    other, foreign = import_example(workbench.store, "zorgalliantie.yaml")
    page = workbench.get(f"/collaborations/{cid}/compare?old={old}&new={foreign}&lang=en")
    assert page.status_code == 400 and 'id="compare-error"' in page.text
    assert workbench.get(f"/collaborations/{cid}/compare?old=x&new=1").status_code == 400


def test_the_language_switch_is_remembered(workbench):
    assert "<h1>Samenwerkingsverbanden</h1>" in workbench.get("/").text
    assert "<h1>Collaborations</h1>" in workbench.get("/?lang=en").text
    assert "<h1>Collaborations</h1>" in workbench.get("/").text  # the session remembers
    assert '<html lang="en">' in workbench.get("/").text


def test_every_ui_label_has_dutch_and_english():
    from kansrijk.errors import placeholders
    from kansrijk.web.pages import labels

    files = sorted(WEB.glob("labels_*.yaml"))
    assert {f.stem for f in files} >= {"labels_common", "labels_collaborations"}

    def leaves(value, path):
        if isinstance(value, dict) and "nl" in value:
            yield path, value
        else:
            assert isinstance(value, dict), f"{path}: neither a mapping nor {{nl, en}}"
            for key, item in value.items():
                yield from leaves(item, f"{path}.{key}")

    for file in files:
        for path, text in leaves(yaml.safe_load(file.read_text(encoding="utf-8")), file.stem):
            assert set(text) == {"nl", "en"}, path
            assert all(isinstance(text[lang], str) and text[lang].strip() for lang in ("nl", "en")), path
            assert placeholders(text["nl"]) == placeholders(text["en"]), path
    assert labels()  # and the app loads them


@pytest.mark.parametrize("version", ["", "²", "٣", "x", "0"])
def test_a_missing_or_tampered_version_is_said_beside_it_and_nothing_saved(workbench, version):  # noqa: F811
    cid, _ = import_example(workbench.store, "zorgalliantie.yaml")
    workbench.get("/?lang=en")
    page = workbench.post_form(f"/collaborations/{cid}", {"name": "Nieuw", "language": "nl", "version": version})
    assert page.status_code == 400 and "meanwhile" not in page.text
    said = unescape(re.search(r'<p class="field-error" id="edit-version-error">(.*?)</p>', page.text).group(1))
    assert said.startswith(f"Version of the form: {version!r} is ") and "a whole number from 1 to 2147483647" in said
    assert 'value="Nieuw"' in page.text  # the input is kept
    assert workbench.store.collaboration(cid).name != "Nieuw"


@pytest.mark.parametrize("old", ["²", "٣", "", "0", "99999999999999999999999", "abc"])
def test_compare_with_an_id_that_is_no_plain_number_asks_to_choose(workbench, old):  # noqa: F811
    first, _ = import_example(workbench.store, SPRING)
    _, new = import_example(workbench.store, AUTUMN)
    page = workbench.get(f"/collaborations/{first}/compare", params={"old": old, "new": new, "lang": "en"})
    assert page.status_code == 400 and "Choose an assessment of this collaboration" in page.text


UPLOAD = (EXAMPLES / "zorgalliantie.yaml").read_bytes()


@pytest.mark.parametrize("name", ["..", ".", "a/..", "..\\..", "x.txt", "x.yaml.exe", "noext"])
def test_an_upload_of_a_name_without_a_known_kind_is_said_with_its_name_and_the_kinds(workbench, name):  # noqa: F811
    page = workbench.post_form("/import?lang=en", files={"files": (name, UPLOAD, "text/yaml")})
    assert page.status_code == 400
    shown = unescape(re.search(r'<pre class="message error" id="import-error">(.*?)</pre>', page.text, re.S).group(1))
    assert shown == (f"{name}: is not a kind of file the workbench imports "
                     "(allowed: case files (.yaml, .yml, .json) and survey exports (.csv, .xlsx))")
    assert workbench.store.collaborations() == []


def test_an_uploads_name_is_never_a_path_only_shown(workbench):  # noqa: F811
    long = "a" * 300 + ".YAML"  # longer than a file name may be; the kind in capitals
    sneaky = "../../etc/zorg.yml"
    answer = workbench.post_form("/import?lang=en", files=[("files", (long, UPLOAD)), ("files", (sneaky, UPLOAD))])
    assert answer.status_code == 303, answer.text[:300]
    page = workbench.get("/")
    assert f"{long}</strong>: imported" in page.text and f"{sneaky}</strong>: imported" in page.text
    assert [c.count for c in workbench.store.collaborations()] == [2]


def test_a_mapping_that_is_no_mapping_file_is_said_with_its_name(workbench):  # noqa: F811
    survey = (EXAMPLES / "survey" / "zorgalliantie_enquete.csv").read_bytes()
    page = workbench.post_form("/import?lang=en", files=[("files", ("enquete.csv", survey)), ("mapping", ("..", b"x"))])
    assert page.status_code == 400
    shown = unescape(re.search(r'<pre class="message error" id="import-error">(.*?)</pre>', page.text, re.S).group(1))
    assert shown.startswith("..: is not a kind of file") and "(.yaml, .yml, .json)" in shown


@pytest.mark.parametrize("count, mapping", [(101, False), (101, True), (150, False)])
def test_more_than_100_files_are_refused_naming_the_limit(workbench, count, mapping):  # noqa: F811
    files = [("files", (f"case{n}.yaml", UPLOAD)) for n in range(count)]
    if mapping:
        files.append(("mapping", ("mapping.yaml", (EXAMPLES / "survey" / "mapping.yaml").read_bytes())))
    page = workbench.post_form("/import?lang=en", files=files)
    assert page.status_code == 400
    said = unescape(re.search(r'<p class="field-error" id="import-files-error">(.*?)</p>', page.text).group(1))
    assert said == "Nothing imported: import at most 100 files at a time (and a mapping, if any)."
    assert workbench.store.collaborations() == []


def test_100_files_are_imported(workbench):  # noqa: F811
    files = [("files", (f"case{n}.yaml", UPLOAD)) for n in range(100)]
    assert workbench.post_form("/import?lang=en", files=files).status_code == 303
    assert [c.count for c in workbench.store.collaborations()] == [100]
    shown = workbench.get("/").text  # a hundred names, kept out of the session's cookie
    assert all(f"case{n}.yaml</strong>: imported" in shown for n in range(100))
    assert len(workbench.cookies.get("kansrijk_session")) < 4096


@pytest.mark.parametrize("name, expected", [("Enquête najaar.CSV", "Enquête najaar"), ("x/y/enquete.csv", "enquete"),
                                            ("b" * 300 + ".csv", "upload")])
def test_a_survey_without_a_mapping_is_named_after_its_file_as_the_command_line_names_it(workbench, name, expected):  # noqa: F811
    survey = (EXAMPLES / "survey" / "zorgalliantie_enquete.csv").read_bytes()
    mapping = yaml.safe_load((EXAMPLES / "survey" / "mapping.yaml").read_text(encoding="utf-8"))
    del mapping["name"]
    page = workbench.post_form("/import?lang=en", files=[
        ("files", (name, survey)), ("mapping", ("m.yaml", yaml.safe_dump(mapping, allow_unicode=True).encode()))])
    assert page.status_code == 303, page.text[:500]
    assert [c.name for c in workbench.store.collaborations()] == [expected]


def test_the_list_reads_the_store_once_and_runs_the_engine_only_for_what_changed(workbench, monkeypatch):  # noqa: F811
    from kansrijk.model import Model
    from kansrijk.store import Store

    base = example_case("zorgalliantie.yaml")
    ids = [workbench.store.import_case(with_name(base, f"Samenwerking {n}")) for n in range(5)]
    runs, reads = [], []
    advise, assessment = Model.advise, Store.assessment
    monkeypatch.setattr(Model, "advise", lambda self, case, *a, **k: runs.append(case.name) or advise(self, case, *a, **k))
    monkeypatch.setattr(Store, "assessment", lambda self, aid: reads.append(aid) or assessment(self, aid))
    first = workbench.get("/?lang=en")
    assert first.status_code == 200 and reads == []  # the last cases in one read, not one per collaboration
    runs.clear()
    assert workbench.get("/?lang=en").text == first.text and runs == []  # nothing changed: no engine run
    cid, aid = ids[2]
    view = workbench.store.assessment(aid)
    workbench.store.save_assessment(cid, view.case.model_copy(update={"observations": ["subgroups"]}), aid, view.version)
    again = workbench.get("/?lang=en")
    assert runs == ["Samenwerking 2"] and again.text != first.text  # only the edited one, and its new advice shown


# -- the review's findings (/work/k/ux_findings.md 4, 6, 8, 11, 12, 13, 18, 19, 20) ----------------

def focus_cells(html: str) -> dict[str, tuple[str, str]]:
    """Per row's first cell (name or date): the focus cell's link and text."""
    found = {}
    for row in re.findall(r'<tr class="(?:collaboration|assessment)">(.*?)</tr>', html, re.S):
        first = unescape(re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1))).strip()
        link, text = re.search(r'<td class="focus"><a href="([^"]+)"[^>]*>(.*?)</a></td>', row, re.S).groups()
        found[first] = (link, unescape(text).strip())
    return found


def test_no_focus_says_whether_all_is_well_or_too_little_is_known(workbench, make_case, tmp_path):
    cid, spring = import_example(workbench.store, SPRING)  # everything known is strong: no focus needed
    empty = make_case(name="Leeg", date="2026-05-01")
    _, nothing = workbench.store.import_case(empty)
    model = load_model()
    assert model.advise(example_case(SPRING), "en").focus_detail.reason == "none"
    assert model.advise(empty, "en").focus_detail.reason == "insufficient"
    for lang, none, too_little in (("en", "none", "too little information"), ("nl", "geen", "te weinig informatie")):
        shown = focus_cells(workbench.get(f"/?lang={lang}").text)
        assert shown[example_case(SPRING).name] == (f"/assessments/{spring}", none)
        assert shown["Leeg"] == (f"/assessments/{nothing}", too_little)
    # the same on the collaboration page, and on the comparison of the empty one with a full one
    other = workbench.store.save_assessment(cid, empty.model_copy(update={"name": example_case(SPRING).name}))
    page = workbench.get(f"/collaborations/{cid}?lang=en").text
    assert sorted(text for _, text in focus_cells(page).values()) == ["none", "too little information"]
    autumn = workbench.store.save_assessment(cid, example_case(AUTUMN))  # one with a point of application
    after = model.advise(example_case(AUTUMN), "en")
    chosen = next(c.name for c in after.conditions if c.id == after.focus)
    for old, new, said in ((other, autumn, f"(too little information → {chosen})"), (spring, autumn, f"(none → {chosen})")):
        compared = workbench.get(f"/collaborations/{cid}/compare?old={old}&new={new}&lang=en").text
        focus = [unescape(re.sub(r"<[^>]+>", "", li)) for li in
                 re.findall(r'<li class="change change-focus">(.*?)</li>', compared, re.S)]
        assert len(focus) == 1 and said in re.sub(r"\s+", " ", focus[0])
    # `kansrijk compare` says it in the same words
    (tmp_path / "empty.yaml").write_text(yaml.safe_dump({"name": "Leeg", "date": "2026-05-01"}), encoding="utf-8")
    text = CliRunner().invoke(main, ["compare", str(tmp_path / "empty.yaml"), str(EXAMPLES / AUTUMN), "--lang", "en"]).output
    assert f"- Point of application (§5.3): changes (too little information -> {chosen})" in text


def test_a_provisional_band_is_marked_with_why(workbench, make_case):
    model = load_model()
    one = next(i.id for i in model.kb.indicators if i.condition == "ambition")
    full = {i.id: 4 for i in model.kb.indicators if i.condition != "ambition"}
    case = make_case(name="Half", date="2026-02-02", scores={**full, one: 2})
    report = model.advise(case, "en")
    assert [c.id for c in report.conditions if c.provisional] == ["ambition"]
    cid, _ = workbench.store.import_case(case)
    for url in ("/?lang=en", f"/collaborations/{cid}?lang=en"):
        page = workbench.get(url).text
        marked = re.findall(r'<span class="band band-\w+ provisional" title="([^"]+)">', page)
        assert len(marked) == 1 and marked[0].startswith("A meaningful ambition: ")
        assert "rests on 1 of 4 indicators and on no observation" in unescape(marked[0])
        row = cells(page, "collaboration" if url.startswith("/?") else "assessment")[0]
        assert sum("(provisional)" in cell for cell in row) == 1
    assert "(voorlopig)" in workbench.get("/?lang=nl").text


def test_every_date_is_written_as_the_reports_write_it(workbench):
    cid, old = import_example(workbench.store, SPRING)
    new = workbench.store.save_assessment(cid, example_case(AUTUMN))
    for lang, spring, autumn in (("en", "20 April 2026", "12 October 2026"), ("nl", "20 april 2026", "12 oktober 2026")):
        listed = workbench.get(f"/?lang={lang}").text
        assert cells(listed, "collaboration")[0][1] == autumn
        page = workbench.get(f"/collaborations/{cid}?lang={lang}").text
        assert [row[0] for row in cells(page, "assessment")] == [spring, autumn]
        options = re.findall(r'<option value="\d+"[^>]*>(.*?)</option>', re.search(r'id="compare-old".*?</select>', page, re.S).group(0))
        assert options == [spring, autumn]
        titles = [unescape(t) for t in re.findall(r"<title>(.*?)</title>", re.search(r'<svg id="trend".*?</svg>', page, re.S).group(0))]
        assert any(title.endswith(f"{autumn}: 2{',' if lang == 'nl' else '.'}00") for title in titles)
        compared = workbench.get(f"/collaborations/{cid}/compare?old={old}&new={new}&lang={lang}").text
        dates = re.findall(r'<dd><a href="/assessments/\d+">(.*?)</a></dd>', compared)
        assert dates == [spring, autumn]
        assert "2026-04-20" not in listed + page + compared and "2026-10-12" not in listed + page + compared


def test_the_same_date_twice_is_told_apart_in_the_compare_choice(workbench):
    cid, _ = import_example(workbench.store, SPRING)
    workbench.store.save_assessment(cid, example_case(SPRING))
    page = workbench.get(f"/collaborations/{cid}?lang=en").text
    options = re.findall(r'<option value="\d+"[^>]*>(.*?)</option>', re.search(r'id="compare-old".*?</select>', page, re.S).group(0))
    assert options == ["20 April 2026 (1)", "20 April 2026 (2)"]


def test_import_redirects_and_a_reload_imports_nothing_again(workbench):
    files = [("files", ("zorgalliantie.yaml", (EXAMPLES / "zorgalliantie.yaml").read_bytes()))]
    answer = workbench.post_form("/import?lang=en", files=files)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    first = workbench.get("/")
    assert 'id="import-result"' in first.text and "zorgalliantie.yaml</strong>: imported" in first.text
    assert "(<a href=\"/assessments/" in first.text and "3 September 2026</a>)" in first.text
    again = workbench.get("/")  # what F5 on the page after the import does: the result is shown once
    assert again.status_code == 200 and 'id="import-result"' not in again.text
    assert [c.count for c in workbench.store.collaborations()] == [1]


def test_importing_the_same_file_again_warns_which_assessment_it_repeats(workbench):
    files = [("files", ("zorgalliantie.yaml", (EXAMPLES / "zorgalliantie.yaml").read_bytes()))]
    workbench.post_form("/import?lang=en", files=files)
    first_page = workbench.get("/").text
    assert 'class="identical"' not in first_page
    (cid, first), = [(c.id, c.last.id) for c in workbench.store.collaborations()]
    # an edited copy (other content, same date) is no repeat; the same file again is
    changed = (EXAMPLES / "zorgalliantie.yaml").read_text(encoding="utf-8").replace("ambition.shared: 3", "ambition.shared: 4", 1)
    assert workbench.post_form("/import?lang=en", files=[("files", ("anders.yaml", changed.encode()))]).status_code == 303
    assert 'class="identical"' not in workbench.get("/").text
    workbench.post_form("/import?lang=nl", files=files)
    page = workbench.get("/").text
    assessments = [summary.id for summary, _ in workbench.store.cases(cid)]
    assert len(assessments) == 3  # warned, not refused
    repeat = max(assessments)
    warning = re.search(rf'<span class="identical" id="identical-{repeat}"[^>]*>(.*?)</span>', page, re.S).group(1)
    assert f'<a href="/assessments/{first}">3 september 2026</a>' in warning and "dezelfde datum en inhoud" in warning


def test_the_compare_heading_is_the_pages_own(workbench):
    cid, old = import_example(workbench.store, SPRING)
    new = workbench.store.save_assessment(cid, example_case(AUTUMN))
    for lang in ("en", "nl"):
        page = workbench.get(f"/collaborations/{cid}/compare?old={old}&new={new}&lang={lang}").text
        heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
        assert not heading.startswith("kansrijk") and "(§5.4)" in heading


def test_wide_tables_scroll_in_their_own_box(workbench):
    cid, old = import_example(workbench.store, SPRING)
    new = workbench.store.save_assessment(cid, example_case(AUTUMN))
    for url in ("/", f"/collaborations/{cid}", f"/collaborations/{cid}/compare?old={old}&new={new}"):
        page = workbench.get(url).text
        assert page.count("<table") == len(re.findall(r'<div class="scroll">\s*<table', page)) > 0, url
    css = (WEB / "static" / "app.css").read_text(encoding="utf-8")
    assert re.search(r"\.scroll\s*\{\s*overflow-x:\s*auto", css) and "overflow-wrap: anywhere" in css


def chart_points(page: str) -> list[tuple[str, float, float, float]]:
    """(condition, x, y, value) of every point of the chart."""
    svg = re.search(r'<svg id="trend".*?</svg>', page, re.S).group(0)
    return [(c, float(x), float(y), float(v)) for x, y, c, v in
            re.findall(r'<circle class="point" cx="([\d.]+)" cy="([\d.]+)" r="5" data-condition="(\w+)" data-value="([\d.]+)"', svg)]


def test_the_chart_keeps_equal_means_apart_and_its_dates_off_the_frame(workbench):
    cid, _ = import_example(workbench.store, SPRING)  # three conditions at 3.75
    workbench.store.save_assessment(cid, example_case(AUTUMN))
    page = workbench.get(f"/collaborations/{cid}?lang=nl").text
    points = chart_points(page)
    for x in {x for _, x, _, _ in points}:
        here = [(y, v) for _, px, y, v in points if px == x]
        equal = [y for y, v in here if v == 3.75]
        assert len(equal) >= 2 and len(set(equal)) == len(equal)  # one line does not hide another
        assert max(equal) - min(equal) < 15  # still read as the same value
    svg = re.search(r'<svg id="trend" viewBox="0 0 (\d+) (\d+)"', page)
    width = int(svg.group(1))
    axis = float(re.search(r'<line x1="([\d.]+)" y1="[\d.]+" x2="\1"', page).group(1))
    xs = sorted({x for _, x, _, _ in points})
    # room beside the y axis and the right edge for half a long date ("12 oktober 2026")
    assert xs[0] - axis >= 30 and width - xs[-1] >= 60


def test_many_assessments_slant_their_dates(workbench):
    base = example_case(SPRING)
    cid, _ = workbench.store.import_case(base)
    for month in range(5, 12):
        workbench.store.save_assessment(cid, base.model_copy(update={"date": dt.date(2026, month, 1)}))
    page = workbench.get(f"/collaborations/{cid}?lang=en").text
    dates = re.findall(r'<text x="[\d.]+" y="[\d.]+" text-anchor="end" transform="rotate\(-30[^"]*\)">(.*?)</text>', page)
    assert dates[0] == "20 April 2026" and dates[-1] == "1 November 2026" and len(dates) == 8
    height = int(re.search(r'<svg id="trend" viewBox="0 0 \d+ (\d+)"', page).group(1))
    assert height > 340  # more room below for the slanted dates


def test_the_language_hint_says_what_the_collaborations_language_does():
    from kansrijk.web.pages import ui_labels

    assert "report to download" in ui_labels("en").collaborations.language_hint
    assert "rapport" in ui_labels("nl").collaborations.language_hint


def test_collaboration_labels_use_the_glossarys_terms():
    from kansrijk.glossary import glossary

    labels = yaml.safe_load((WEB / "labels_collaborations.yaml").read_text(encoding="utf-8"))
    dutch = " ".join(label["nl"] for label in labels.values()).lower()
    assert "vragenlijst" not in dutch and "enquête" in dutch
    assert glossary().root["partnership"].nl == "samenwerkingsverband"
    assert "picture" not in " ".join(label["en"] for label in labels.values()).lower()
