"""The assessment editor through the app: new and edited assessments saved through the store, every
kind of mistake said beside its field in the command line's words with what was entered kept, a
stale save refused, a group assessment's respondents kept and never shown, and a label for every
control."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from kansrijk.case import load_case
from kansrijk.errors import InputError
from kansrijk.model import load_model
from kansrijk.web.routes_editor import changed_at
from tests.browser_support import browser_page, needs_chromium, serving
from tests.web_support import import_example, make_workbench, workbench  # noqa: F401 (the fixture)

KB = load_model().kb
CONTROLS = ("input", "select", "textarea")
VOID = {"input", "br", "meta", "link", "img", "hr", "area", "base", "col", "source", "wbr"}


class Page(HTMLParser):
    """A page's controls with their labels and fieldsets, the values it would send, and the text
    inside each element that has an id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.controls: list[tuple[dict, bool]] = []  # (attributes, inside a fieldset with a legend)
        self.label_for: set[str] = set()
        self.values: dict[str, list[str]] = defaultdict(list)  # what the forms would send, by name
        self.text: dict[str, str] = defaultdict(str)  # id -> the text inside that element
        self.ids: list[str] = []
        self._open: list[tuple[str, str | None]] = []
        self._legends: list[str] = []  # per open fieldset: its legend's text
        self._in_legend = False
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag == "fieldset":
            self._legends.append("")
        if tag == "legend":
            self._in_legend = True
        if tag in CONTROLS:
            self.controls.append((attrs, any(legend.strip() for legend in self._legends)))
            kind = attrs.get("type", "text")
            if tag == "input" and kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.values[attrs["name"]].append(attrs.get("value", "on"))
            elif tag == "input" and kind not in ("submit", "button"):
                self.values[attrs["name"]].append(attrs.get("value", ""))
            elif tag == "textarea":
                self._textarea = attrs["name"]
                self.values[self._textarea].append("")
        if tag not in VOID:
            self._open.append((tag, attrs.get("id")))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break
        if tag == "fieldset" and self._legends:
            self._legends.pop()
        if tag == "legend":
            self._in_legend = False
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        for _, ident in self._open:
            if ident:
                self.text[ident] += data
        if self._in_legend and self._legends:
            self._legends[-1] += data
        if self._textarea:
            self.values[self._textarea][-1] += data

    def value(self, name: str) -> str | None:
        values = self.values.get(name, [])
        return values[-1] if values else None


def form_of(page: Page) -> dict[str, list[str]]:
    """What submitting the page's editor form unchanged would send (the CSRF token left to post_form)."""
    # a textarea's first newline is the one HTML drops after the opening tag
    sent = {name: list(values) for name, values in page.values.items() if name not in ("csrf_token", "confirm")}
    sent["notes"] = [value.removeprefix("\n") for value in sent.get("notes", [])]
    return sent


@pytest.fixture
def zorg(workbench):  # noqa: F811
    return import_example(workbench.store, "zorgalliantie.yaml")


def test_new_form_shows_table_1_the_characteristics_and_every_observable_with_what_it_means(workbench, zorg):  # noqa: F811
    cid, aid = zorg
    response = workbench.get(f"/collaborations/{cid}/assessments/new")
    assert response.status_code == 200
    page = Page(response.text)
    for indicator in KB.indicators:
        # six choices: 1..5 and don't know, don't know chosen for a new assessment
        assert [a["value"] for a, _ in page.controls if a.get("name") == f"score.{indicator.id}"] == \
            ["1", "2", "3", "4", "5", ""]
        assert page.value(f"score.{indicator.id}") == ""
        assert indicator.question("nl") in page.text[f"field-score.{indicator.id}"]
    for characteristic in KB.characteristics:
        assert characteristic.description("nl") in page.text[f"field-characteristic.{characteristic.id}"]
    boxes = [a["value"] for a, _ in page.controls if a.get("name") == "observation"]
    assert sorted(boxes) == sorted(KB.observable_ids())
    for item in (*KB.dynamics, *KB.signals):
        assert item.description("nl") in page.text[f"f-observation-{item.id}-meaning"]
    # the conditions group them: each condition's name is a legend around its own observables only
    ambition = KB.by_id["condition"]["ambition"].name("nl")
    assert ambition in page.text["field-observation"]
    # the characteristics carry over from the last assessment (they change slowly); the rest does not
    stored = workbench.store.assessment(aid).case
    assert stored.characteristics
    for key, level in stored.characteristics.items():
        assert page.value(f"characteristic.{key}") == level
    # the date they are taken from in words, as the advice says it (the example is of 2026-09-03)
    assert "van de meting van 3 september 2026;" in page.text["prefilled"]
    assert page.value("observation") is None
    assert page.value("notes") == "\n"
    assert page.value("min_group") == "3"
    assert 'id="save"' in response.text


def test_a_new_assessment_is_saved_and_shows_its_advice_page(workbench, zorg):  # noqa: F811
    cid, first = zorg
    response = workbench.post_form(f"/collaborations/{cid}/assessments/new", {
        "date": "2026-11-02", "score.ambition.shared": "4", "score.interests.real_dialogue": "2",
        "score.process.results": "", "characteristic.split_loyalty": "high", "characteristic.diversity": "",
        "observation": ["permanent_negotiation", "subgroups"], "notes": "Tweede meting\r\nna de heisessie",
        "min_group": "4",
    })
    assert response.status_code == 303
    aid = int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])
    # the advice page, told to say that it was saved
    assert response.headers["location"] == f"/assessments/{aid}?saved=1" and aid != first
    view = workbench.store.assessment(aid)
    assert view.collaboration_id == cid
    case = view.case
    assert case.scores == {"ambition.shared": 4, "interests.real_dialogue": 2}  # don't know is not a score
    assert case.characteristics == {"split_loyalty": "high"}
    assert case.observations == ["permanent_negotiation", "subgroups"]
    assert str(case.date) == "2026-11-02" and case.min_group == 4
    assert case.notes == "Tweede meting\nna de heisessie"
    assert case.respondents == []


def test_an_edit_shows_the_stored_values_and_saving_them_unchanged_changes_nothing(workbench):  # noqa: F811
    # woningcorporaties writes some scores as null (don't know): they stay null, not left out
    cid, aid = import_example(workbench.store, "woningcorporaties.yaml")
    before = workbench.store.assessment(aid)
    page = Page(workbench.get(f"/assessments/{aid}/edit").text)
    for key, value in before.case.scores.items():
        assert page.value(f"score.{key}") == ("" if value is None else str(value))
    assert sorted(page.values["observation"]) == sorted(before.case.observations)
    assert page.value("version") == str(before.version)
    response = workbench.post_form(f"/assessments/{aid}/edit", form_of(page))
    assert response.status_code == 303 and response.headers["location"] == f"/assessments/{aid}?saved=1"
    after = workbench.store.assessment(aid)
    assert after.version != before.version
    assert after.case.model_dump() == before.case.model_dump()


def test_an_edit_is_saved(workbench, zorg):  # noqa: F811
    cid, aid = zorg
    page = Page(workbench.get(f"/assessments/{aid}/edit").text)
    sent = form_of(page)
    sent["score.relationship.trust"] = ["5"]
    sent["score.ambition.shared"] = [""]
    sent["observation"] = [o for o in sent["observation"] if o != "permanent_negotiation"] + ["energy_loss"]
    sent["notes"] = ["<b>nieuw</b> & anders"]
    assert workbench.post_form(f"/assessments/{aid}/edit", sent).status_code == 303
    case = workbench.store.assessment(aid).case
    assert case.scores["relationship.trust"] == 5 and "ambition.shared" not in case.scores
    assert "permanent_negotiation" not in case.observations and "energy_loss" in case.observations
    assert case.notes == "<b>nieuw</b> & anders"
    # the notes are shown as text, never as markup
    assert "&lt;b&gt;nieuw&lt;/b&gt; &amp; anders" in workbench.get(f"/assessments/{aid}/edit").text


# the same mistakes in a case file and in the form: the form must say them as the command line does
BAD_FILE = """\
name: Regionale zorgalliantie Noord
scores:
  ambition.shared: "7"
  ambition.meaningful: "veel"
  ambition.shard: 3
characteristics:
  diversity: extreme
observations: [nope]
date: "2026-02-30"
min_group: "abc"
"""
BAD_FORM = {
    "score.ambition.shared": "7", "score.ambition.meaningful": "veel", "score.ambition.shard": "3",
    "characteristic.diversity": "extreme", "observation": "nope", "date": "2026-02-30", "min_group": "abc",
}
# where each problem of the file is shown on the page
WHERE = {
    "scores.ambition.shared": "field-score.ambition.shared",
    "scores.ambition.meaningful": "field-score.ambition.meaningful",
    "scores.ambition.shard": "problems",  # no field has an unknown id: the summary says it
    "characteristics.diversity": "field-characteristic.diversity",
    "observations[0]": "field-observation",
    "date": "field-date",
    "min_group": "field-min_group",
}


def cli_messages(tmp_path, lang: str, content: str = BAD_FILE) -> dict[str, str]:
    """key -> what the command line prints after `file:line: key: ` for a bad case file."""
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_case(str(path), KB)
    out = {}
    for problem in caught.value.problems:
        rendered = problem.render(str(path), lang)
        prefix = f"{path}:{problem.line}: {problem.key}: "
        assert rendered.startswith(prefix)
        out[problem.key] = rendered.removeprefix(prefix)
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_kind_of_mistake_is_said_beside_its_field_in_the_command_lines_words(workbench, zorg, tmp_path, lang):  # noqa: F811
    cid, _ = zorg
    workbench.get(f"/?lang={lang}")
    expected = cli_messages(tmp_path, lang)
    assert set(expected) == set(WHERE)  # every kind: out of range, not a score, unknown id, level, date, number
    sent = {**BAD_FORM, "score.relationship.trust": "2", "characteristic.split_loyalty": "high",
            "notes": "wat ik typte"}
    response = workbench.post_form(f"/collaborations/{cid}/assessments/new", sent)
    assert response.status_code == 400
    page = Page(response.text)
    for key, message in expected.items():
        assert message in page.text[WHERE[key]], (key, message)
    # the summary names each field as the form labels it, never by its key
    summary = page.text["problems"]
    labels = {"nl": ("Datum van de meting", "Minimale groepsgrootte", "Waargenomen dynamiek en signalen"),
              "en": ("Date of the assessment", "Minimum group size", "Observed dynamics and signals")}[lang]
    for label in (*labels, KB.by_id["indicator"]["ambition.shared"].name(lang),
                  KB.by_id["characteristic"]["diversity"].name(lang)):
        assert f"{label}: " in summary, label
    assert "min_group" not in summary and "date:" not in summary and "scores.ambition.shared" not in summary
    assert "ambition.shard" in summary  # a field the form has not: its message names what was sent
    # the summary links to the controls of the fields it names, and each link goes somewhere
    links = [part.split('"', 1)[0] for part in response.text.split('<a href="#')[1:]]
    assert "f-score.ambition.shared-1" in links and "f-date" in links
    assert all(link in page.ids for link in links)
    # beside a field, not only at the top: another field's box does not carry it
    assert expected["date"] not in page.text["field-min_group"]
    # nothing entered is lost
    assert page.value("score.relationship.trust") == "2"
    assert page.value("characteristic.split_loyalty") == "high"
    assert page.value("notes") == "\nwat ik typte"
    assert page.value("min_group") == "abc"
    assert page.value("date") == "2026-02-30"
    # as text: a date control would show a date it cannot read as empty
    assert re.search(r'<input type="text" name="date"[^>]*value="2026-02-30"', response.text)
    # and nothing was saved
    assert len(workbench.store.collaboration(cid).assessments) == 1


@pytest.mark.parametrize("sent, field, words", [
    ({"observation": ["subgroups", "subgroups"]}, "field-observation", "listed more than once: subgroups"),
    ({"min_group": "0"}, "field-min_group", "0 is out of range"),
    ({"min_group": "99999999999999999999999"}, "field-min_group", "is not a whole number"),
    ({"score.ambition.shared": "3.5"}, "field-score.ambition.shared", "'3.5' is not a whole number"),
    ({"characteristic.new_reality": "zeer hoog"}, "field-characteristic.new_reality", "'zeer hoog' is not a level"),
    ({"date": "15-03-2026"}, "field-date", None),  # None: as the command line says it
    ({"characteristic.unknown_thing": "low"}, "problems", "unknown characteristic 'unknown_thing'"),
])
def test_tampered_values_get_a_message_never_an_error_page(workbench, zorg, tmp_path, sent, field, words):  # noqa: F811
    cid, aid = zorg
    workbench.get("/?lang=en")
    if words is None:
        [words] = cli_messages(tmp_path, "en", f"name: x\ndate: {sent['date']}\n").values()
    for url in (f"/collaborations/{cid}/assessments/new", f"/assessments/{aid}/edit"):
        response = workbench.post_form(url, {**sent, "version": str(workbench.store.assessment(aid).version)})
        assert response.status_code == 400, response.text[:500]
        assert words in Page(response.text).text[field]


def test_a_stale_save_is_refused_with_the_input_kept_and_can_then_be_made_deliberately(workbench, zorg):  # noqa: F811
    cid, aid = zorg
    workbench.get("/?lang=en")
    mine = form_of(Page(workbench.get(f"/assessments/{aid}/edit").text))
    # someone else saves first
    theirs = workbench.store.assessment(aid)
    workbench.store.save_assessment(cid, theirs.case.model_copy(update={"notes": "their notes"}), aid, theirs.version)
    current = workbench.store.assessment(aid)
    mine["notes"] = ["my notes"]
    mine["score.relationship.trust"] = ["1"]
    response = workbench.post_form(f"/assessments/{aid}/edit", mine)
    assert response.status_code == 409
    page = Page(response.text)
    assert "changed this assessment meanwhile" in page.text["stale"]
    assert f"on {changed_at(current, 'en')}." in page.text["stale"]  # when
    assert f'href="/assessments/{aid}/edit"' in response.text  # reload the current version
    assert page.value("notes") == "\nmy notes" and page.value("score.relationship.trust") == "1"
    assert workbench.store.assessment(aid).case.notes == "their notes"  # nothing overwritten
    # the re-shown form now carries the current version: saving it again is the adviser's choice
    assert page.value("version") == str(current.version)
    assert workbench.post_form(f"/assessments/{aid}/edit", form_of(page)).status_code == 303
    assert workbench.store.assessment(aid).case.notes == "my notes"


@pytest.mark.parametrize("version", [None, "", "not a number", "²", "0", "99999999999999999999"])
def test_a_missing_or_tampered_version_is_said_beside_it_never_taken_for_another_edit(workbench, zorg, version):  # noqa: F811
    cid, aid = zorg
    workbench.get("/?lang=en")
    sent = form_of(Page(workbench.get(f"/assessments/{aid}/edit").text))
    if version is None:
        del sent["version"]
    else:
        sent["version"] = [version]
    sent["notes"] = ["over"]
    response = workbench.post_form(f"/assessments/{aid}/edit", sent)
    assert response.status_code == 400
    page = Page(response.text)
    assert "meanwhile" not in response.text  # nobody else saved
    beside = page.text["f-version-problems"]
    assert "not a whole number" in beside or "out of range" in beside
    assert "a whole number from 1 to 2147483647" in beside
    assert "Version of the form: " in page.text["problems"]
    assert page.value("notes") == "\nover"  # the input is kept
    assert workbench.store.assessment(aid).case.notes != "over"
    # the form now carries the stored version, which the message says: saving again is deliberate
    stored = workbench.store.assessment(aid)
    assert page.value("version") == str(stored.version) and changed_at(stored, "en") in beside
    assert workbench.post_form(f"/assessments/{aid}/edit", form_of(page)).status_code == 303
    assert workbench.store.assessment(aid).case.notes == "over"


@pytest.mark.parametrize("version", ["", "²", "x"])
def test_a_delete_with_a_missing_or_tampered_version_is_said_and_asked_again(workbench, zorg, version):  # noqa: F811
    _, aid = zorg
    workbench.get("/?lang=en")
    response = workbench.post_form(f"/assessments/{aid}/delete", {"version": version, "confirm": "yes"})
    assert response.status_code == 400
    page = Page(response.text)
    assert page.text["problem"].startswith("Version of the form: ") and "meanwhile" not in response.text
    assert page.value("version") == str(workbench.store.assessment(aid).version)  # still there, asked again


def test_a_group_assessment_keeps_its_respondents_and_never_shows_them(workbench):  # noqa: F811
    cid, aid = import_example(workbench.store, "regionale_zorg_groep.yaml")
    before = workbench.store.assessment(aid).case
    assert before.respondents
    response = workbench.get(f"/assessments/{aid}/edit")
    page = Page(response.text)
    for respondent in before.respondents:
        assert respondent.name not in response.text
        assert respondent.organisation not in response.text
    organisations = len({r.organisation for r in before.respondents})
    assert f"{len(before.respondents)} respondenten uit {organisations} organisaties" in page.text["respondents"]
    # the form holds the adviser's own scores only: this case has none, whatever the respondents said
    assert before.scores == {}
    assert all(page.value(f"score.{i.id}") == "" for i in KB.indicators)
    sent = form_of(page)
    sent["score.ambition.shared"] = ["2"]
    sent["notes"] = ["na het gesprek"]
    assert workbench.post_form(f"/assessments/{aid}/edit", sent).status_code == 303
    after = workbench.store.assessment(aid).case
    assert after.respondents == before.respondents
    assert after.scores == {"ambition.shared": 2} and after.notes == "na het gesprek"
    assert after.min_group == before.min_group


def test_every_control_has_a_label_and_every_choice_a_labelled_group(workbench, zorg):  # noqa: F811
    cid, aid = zorg
    pages = [workbench.get(f"/collaborations/{cid}/assessments/new").text,
             workbench.get(f"/assessments/{aid}/edit").text,
             workbench.post_form(f"/collaborations/{cid}/assessments/new", BAD_FORM).text]
    for html in pages:
        page = Page(html)
        shown = [(a, grouped) for a, grouped in page.controls if a.get("type") not in ("hidden", "submit")]
        assert len(shown) > 150
        for attrs, grouped in shown:
            assert attrs.get("id") in page.label_for, attrs
            if attrs.get("type") in ("radio", "checkbox"):
                assert grouped, attrs
        assert len(page.ids) == len(set(page.ids))  # a label's for= points at one control only


def test_editing_an_unknown_assessment_is_not_found(workbench, zorg):  # noqa: F811
    cid, _ = zorg
    assert workbench.get("/assessments/999/edit").status_code == 404
    assert workbench.post_form("/assessments/999/edit", {"notes": "x"}).status_code == 404
    assert workbench.get("/collaborations/999/assessments/new").status_code == 404


def test_delete_asks_first_and_refuses_a_changed_assessment(workbench, zorg):  # noqa: F811
    cid, aid = zorg
    workbench.get("/?lang=en")
    version = workbench.store.assessment(aid).version
    asked = workbench.post_form(f"/assessments/{aid}/delete", {"version": str(version)})
    assert asked.status_code == 200 and 'id="confirm-delete"' in asked.text
    assert "Delete the assessment of 3 September 2026 of" in asked.text
    assert workbench.store.assessment(aid)  # only asked
    # someone saves meanwhile: the confirmed delete of the old version is refused
    view = workbench.store.assessment(aid)
    workbench.store.save_assessment(cid, view.case, aid, view.version)
    refused = workbench.post_form(f"/assessments/{aid}/delete", {"version": str(version), "confirm": "yes"})
    assert refused.status_code == 409 and "Nothing was deleted" in refused.text
    assert workbench.store.assessment(aid)
    # confirmed for the version now shown
    current = Page(refused.text).value("version")
    done = workbench.post_form(f"/assessments/{aid}/delete", {"version": current, "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"/collaborations/{cid}"
    assert workbench.get(f"/assessments/{aid}/edit").status_code == 404


def test_the_form_speaks_the_chosen_language(workbench, zorg):  # noqa: F811
    cid, aid = zorg
    english = workbench.get(f"/assessments/{aid}/edit?lang=en").text
    dutch = workbench.get(f"/assessments/{aid}/edit?lang=nl").text
    indicator = KB.by_id["indicator"]["relationship.trust"]
    assert indicator.question("en") in english and indicator.question("nl") not in english
    assert indicator.question("nl") in dutch
    assert "don&#39;t know" in english and "weet niet" in dutch


@needs_chromium
def test_the_form_can_be_completed_with_the_keyboard_alone_with_the_focus_visible(tmp_path):
    """Tab from the top of the page, arrows in a group of choices, Space for a box, Enter to save."""
    workbench = make_workbench(tmp_path)
    cid, _ = import_example(workbench.store, "zorgalliantie.yaml")

    with serving(workbench.app) as base, browser_page() as (page, outside):
        page.goto(f"{base}/collaborations/{cid}/assessments/new?lang=en")

        def focused() -> dict:
            return page.evaluate("""() => { const e = document.activeElement;
                return {id: e.id, name: e.name || '', outline: getComputedStyle(e).outlineStyle}; }""")

        def tab_to(test) -> dict:
            for _ in range(300):
                page.keyboard.press("Tab")
                now = focused()
                if test(now):
                    return now
            raise AssertionError("not reached with Tab")

        tab_to(lambda e: e["id"] == "f-notes")
        page.keyboard.type("Typed, not clicked")
        tab_to(lambda e: e["name"] == "characteristic.new_reality")
        page.keyboard.press("ArrowRight")  # from 'low' (carried over) to 'medium'
        trust = tab_to(lambda e: e["name"] == "score.relationship.trust")
        assert trust["id"] == "f-score.relationship.trust-unknown"  # the checked choice takes the focus
        assert trust["outline"] != "none"  # and shows it
        page.keyboard.press("ArrowLeft")  # don't know -> 5
        page.keyboard.press("ArrowLeft")  # 5 -> 4
        tab_to(lambda e: e["id"] == "f-observation-subgroups")
        page.keyboard.press("Space")
        tab_to(lambda e: e["id"] == "save")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert outside == []
        path, _, query = page.url.partition("?")
        assert query == "saved=1"
        aid = int(path.rsplit("/", 1)[1])

    case = workbench.store.assessment(aid).case
    assert case.notes == "Typed, not clicked"
    assert case.characteristics["new_reality"] == "medium"
    assert case.scores == {"relationship.trust": 4}
    assert case.observations == ["subgroups"]


def test_changed_meanwhile_names_the_time_of_the_other_edit_in_the_servers_time_and_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    try:
        saved = dt.datetime(2026, 11, 2, 23, 30, tzinfo=dt.timezone.utc)  # the store says UTC
        assert changed_at(SimpleNamespace(updated_at=saved), "nl") == "3 november 2026 om 00:30 (CET)"
        assert changed_at(SimpleNamespace(updated_at=saved), "en") == "3 November 2026 at 00:30 (CET)"
    finally:
        monkeypatch.undo()
        time.tzset()
