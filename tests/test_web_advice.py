"""The workbench's advice pages (kansrijk/web/routes_advice.py): the summary says what Model.advise
says, every item's why is the engine's record, why-not, what-if (which saves nothing), the
downloads, privacy of group cases, and clear answers to unknown ids."""

from __future__ import annotations

import html
import re

import pytest
from click.testing import CliRunner
from markupsafe import escape

from kansrijk.case import Case, load_case
from kansrijk.cli import main
from kansrijk.explain import Explainer
from kansrijk.formats import DEFAULT_TOP
from kansrijk.render import labels as report_labels
from kansrijk.report_html import render_html
from kansrijk.whatif import parse_edits, what_if
from tests.report_cases import HOSTILE, INDICATORS
from tests.web_support import example_case, import_example, workbench  # noqa: F401 (the fixture)

ITEM = re.compile(r' id="item-\d+" data-intervention="([^"]+)"( hidden)?>')


def items(page: str) -> list[tuple[str, bool, str]]:
    """(intervention, hidden, its markup) of every advice item, in the page's order."""
    if '<section id="advice">' not in page:
        return []
    chunks = section(page, "advice").split('<li class="advice-item"')[1:]
    return [(m.group(1), bool(m.group(2)), chunk[m.end():]) for chunk in chunks for m in [ITEM.match(chunk)]]


def section(page: str, ident: str) -> str:
    match = re.search(rf'<section id="{ident}"[^>]*>(.*?)</section>', page, re.DOTALL)
    assert match, f"no section #{ident}"
    return match.group(1)


def esc(value: str) -> str:
    """As Jinja's autoescape writes text (&#39; for ')."""
    return str(escape(value))


def text(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))).strip()


def stored(workbench, aid: int):  # noqa: F811
    return workbench.store.assessment(aid)


# -- the summary ---------------------------------------------------------------------------------

@pytest.mark.parametrize("example", ["zorgalliantie.yaml", "regionale_zorg_groep.yaml", "sociaal_domein.yaml",
                                     "energietransitie_gezond.yaml", "logistieke_keten.yaml"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_summary_shows_what_advise_concludes(workbench, model, example, lang):  # noqa: F811
    _, aid = import_example(workbench.store, example)
    report = model.advise(stored(workbench, aid).case, lang)
    page = workbench.get(f"/assessments/{aid}?lang={lang}")
    assert page.status_code == 200
    t = report_labels().resolve(lang)
    if report.focus is None:
        assert "focus-start" not in page.text
    else:
        focus = text(section(page.text, "focus"))
        assert f"{t['focus_start']}: {next(c.name for c in report.conditions if c.id == report.focus)}" in focus
    conditions = section(page.text, "conditions")
    for c in report.conditions:
        row = re.search(rf'<tr id="condition-{c.id}">(.*?)</tr>', conditions, re.DOTALL).group(1)
        assert f'band-{c.band}">{esc(t["band"][c.band])}<' in row
    shown = items(page.text)
    assert [i for i, _, _ in shown] == [a.intervention for a in report.advice]
    assert [hidden for _, hidden, _ in shown] == [n >= DEFAULT_TOP for n in range(len(report.advice))]
    for (_, _, markup), item in zip(shown, report.advice):
        assert esc(item.name) in markup
        for question in item.questions:
            assert esc(question) in markup
        assert markup.count('<details class="why"') == 1


@pytest.mark.parametrize("example", ["zorgalliantie.yaml", "regionale_zorg_groep.yaml", "onderwijs_arbeidsmarkt.yaml"])
def test_summary_sections_are_the_reports(workbench, model, example):  # noqa: F811
    """The page shows the report's own summary sections, word for word (the same macros)."""
    _, aid = import_example(workbench.store, example)
    report_page = render_html(model.advise(stored(workbench, aid).case, "en"))
    page = workbench.get(f"/assessments/{aid}?lang=en").text
    compared = [ident for ident in ("focus", "too-little", "conditions", "methods", "dynamics", "heed")
                if f'<section id="{ident}">' in report_page]
    assert {"focus", "conditions", "dynamics"} <= set(compared)
    for ident in compared:
        assert section(page, ident) == section(report_page, ident)


def test_a_healthy_case_gets_no_advice_and_says_so(workbench, model):  # noqa: F811
    _, aid = import_example(workbench.store, "energietransitie_gezond.yaml")
    report = model.advise(stored(workbench, aid).case, "en")
    page = workbench.get(f"/assessments/{aid}?lang=en").text
    assert not report.advice and not items(page)
    assert report_labels().resolve("en")["report"]["advice_none"] in html.unescape(page)


def test_too_little_information_is_said_not_advised(workbench, model):  # noqa: F811
    _, aid = workbench.store.import_case(Case.model_validate({"name": "Leeg", "language": "nl"}, context={"kb": model.kb}))
    page = workbench.get(f"/assessments/{aid}").text
    assert '<section id="too-little">' in page and '<section id="advice">' not in page
    assert 'id="focus"' not in page


def test_show_all_unfolds_every_item(workbench, model):  # noqa: F811
    _, aid = import_example(workbench.store)
    count = len(model.advise(stored(workbench, aid).case).advice)
    assert count > DEFAULT_TOP  # else this test shows nothing
    folded = workbench.get(f"/assessments/{aid}").text
    assert sum(1 for _, hidden, _ in items(folded) if not hidden) == DEFAULT_TOP
    assert 'id="show-all"' in folded
    unfolded = workbench.get(f"/assessments/{aid}?all=1").text
    assert [hidden for _, hidden, _ in items(unfolded)] == [False] * count


def test_why_unfolds_the_engines_record(workbench, model):  # noqa: F811
    _, aid = import_example(workbench.store)
    case = stored(workbench, aid).case
    inference = model.infer(case)
    report = model.report(case, inference, "en")
    page = workbench.get(f"/assessments/{aid}?lang=en").text
    t = report_labels().resolve("en")
    shown = items(page)
    # every intervention the engine advises is on the page (folded ones hidden), in its order
    assert shown and [intervention for intervention, _, _ in shown] == [item.intervention for item in report.advice]
    for (intervention, _, markup), item in zip(shown, report.advice, strict=True):
        why = markup[markup.index('<details class="why"'):]
        node = f"advise:{intervention}"
        # every firing behind the advice, each rule with its basis and sections, and no other rule
        behind = {f.rule for f in model.advisor.behind(inference, node)}
        assert set(re.findall(r"<code>([A-Z]+-\d+)", why)) == behind
        # the decisive chain first, under its own heading, exactly the engine's strongest chain
        decisive = re.search(r'<ol class="steps steps-decisive">(.*?)</ol>', why, re.DOTALL).group(1)
        assert set(re.findall(r"<code>([A-Z]+-\d+)", decisive)) == {f.rule for f in model.advisor.decisive(inference, node)}
        assert why.index(esc(t["detail"]["decisive"])) < why.index("steps-decisive")
        for step in item.why:
            assert f'basis-{step.basis}">{esc(t["basis"]["names"][step.basis])}<' in why
        against = [s for s in item.why if s.against]
        assert ("steps-against" in why) == bool(against)
        assert f"{item.priority:.1f}" in why  # the priority and what makes it up


def test_the_page_follows_the_ui_language(workbench):  # noqa: F811
    _, aid = import_example(workbench.store)
    dutch, english = workbench.get(f"/assessments/{aid}?lang=nl").text, workbench.get(f"/assessments/{aid}?lang=en").text
    assert "Begin bij:" in dutch and "Start with:" in english
    assert "Waarom niet?" in dutch and "Why not?" in english
    # remembered in the session: the next page without ?lang stays English
    assert "Start with:" in workbench.get(f"/assessments/{aid}").text


def test_user_text_is_escaped(workbench, model):  # noqa: F811
    case = Case.model_validate({"name": f"Casus {HOSTILE}", "language": "nl", "notes": HOSTILE,
                                "scores": {"relationship.trust": 1}}, context={"kb": model.kb})
    _, aid = workbench.store.import_case(case)
    page = workbench.get(f"/assessments/{aid}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert esc(HOSTILE) in page


@pytest.mark.parametrize("lang, words", [("nl", "niet in het rapport voor de partners"),
                                         ("en", "not in the report for the partners")])
def test_the_advisers_notes_are_folded_and_said_to_be_private(workbench, lang, words):  # noqa: F811
    _, aid = import_example(workbench.store)
    notes = stored(workbench, aid).case.notes
    page = workbench.get(f"/assessments/{aid}?lang={lang}").text
    folded = re.search(r'<details id="notes" class="notes-private">\s*<summary>([^<]*)</summary>(.*?)</details>',
                       page, re.DOTALL)
    assert folded, "the notes are not folded"
    assert words in html.unescape(folded.group(1))
    assert esc(notes) in folded.group(2) and page.count(str(esc(notes))) == 1  # nowhere else on the page


def test_a_case_without_notes_has_no_notes_fold(workbench, model):  # noqa: F811
    _, aid = workbench.store.import_case(Case.model_validate({"name": "Zonder", "language": "nl",
                                                              "scores": {"relationship.trust": 1}}, context={"kb": model.kb}))
    assert 'id="notes"' not in workbench.get(f"/assessments/{aid}").text


@pytest.mark.parametrize("lang, words", [("nl", "Opgeslagen."), ("en", "Saved.")])
def test_saved_is_confirmed_after_the_editor_comes_back(workbench, lang, words):  # noqa: F811
    _, aid = import_example(workbench.store)
    saved = workbench.get(f"/assessments/{aid}?saved=1&lang={lang}").text
    assert re.search(rf'<p class="message saved" id="saved" role="status">{re.escape(words)}</p>', saved)
    assert 'role="status"' not in workbench.get(f"/assessments/{aid}?lang={lang}").text


def headings_out_of_order(page: str) -> list[str]:
    """Every heading that goes down more than one level from the heading before it. The radar's
    legend (h4 right after the conditions' h2) is the shared report partial's
    (advice_templates/_report_summary.html.j2), not the page's, and is left out."""
    page = re.sub(r'<div class="legend-box">.*?</div>', "", page, flags=re.DOTALL)
    found, last = [], 0
    for level, words in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", page, re.DOTALL):
        if int(level) > last + 1:
            found.append(f"h{last} -> h{level} {text(words)!r}")
        last = int(level)
    return found


@pytest.mark.parametrize("example", ["zorgalliantie.yaml", "regionale_zorg_groep.yaml", "logistieke_keten.yaml"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_headings_go_down_one_level_at_a_time(workbench, example, lang):  # noqa: F811
    _, aid = import_example(workbench.store, example)
    page = workbench.get(f"/assessments/{aid}?all=1&lang={lang}").text
    assert "<h5>" in page and 'class="methods-why"' in page  # the whys and the ways of working are there
    assert headings_out_of_order(page) == []
    answer = workbench.post_form(f"/assessments/{aid}/whatif?lang={lang}", {"set.interests.real_dialogue": "5"}).text
    assert 'class="whatif-answer"' in answer and headings_out_of_order(answer) == []
    assert headings_out_of_order(workbench.get(f"/assessments/{aid}/whynot?target=stagnation&lang={lang}").text) == []


def test_advice_labels_speak_the_glossarys_words():
    """Each label in its own language and without a variant the glossary says to avoid (such as
    'vuurde'/'fired' for a rule that applies); the {placeholders} are not words."""
    import yaml

    from kansrijk.web.pages import web_dir
    from tests.test_language import dutch_slips, english_slips

    labels = yaml.safe_load((web_dir() / "labels_advice.yaml").read_text(encoding="utf-8"))
    assert dutch_slips("The chains that fired in the causal graph") == ["fired"]  # the check catches the old label
    slips = {}
    for key, words in labels.items():
        nl, en = (re.sub(r"\{\w+\}", "", words[lang]) for lang in ("nl", "en"))
        found = english_slips(nl) + dutch_slips(en)
        if found:
            slips[key] = found
    assert slips == {}


@pytest.mark.parametrize("lang, term, not_term", [("nl", "premissen", "voorwaarden"), ("en", "premises", "conditions")])
def test_why_not_speaks_of_premises_not_of_conditions(workbench, lang, term, not_term):  # noqa: F811
    _, aid = import_example(workbench.store)
    intro = re.search(r"<p>(.*?)</p>", section(workbench.get(f"/assessments/{aid}?lang={lang}").text, "whynot")).group(1)
    assert term in intro and not_term not in intro


@pytest.mark.parametrize("lang, words", [("nl", "Welke regels van toepassing waren, in de causale graaf"),
                                         ("en", "The rules that applied, in the causal graph")])
def test_the_graph_link_says_which_rules_applied(workbench, lang, words):  # noqa: F811
    _, aid = import_example(workbench.store)
    page = workbench.get(f"/assessments/{aid}?lang={lang}").text
    assert re.search(rf'<a href="/learn\?assessment={aid}" id="in-graph">{re.escape(str(esc(words)))}</a>', page)


# -- why not ---------------------------------------------------------------------------------------

def whynot_candidates(page: str) -> dict[str, bool]:
    return {rule: cls == "fired" for cls, rule in
            re.findall(r'<article class="candidate (fired|not-fired)" data-rule="([^"]+)">', page)}


@pytest.mark.parametrize("target, kind", [("organise_encounters", "advise"), ("secure_visionaries", "advise"),
                                          ("enemy_images", "dynamic"), ("stagnation", "dynamic")])
def test_why_not_shows_every_rule_that_could_conclude(workbench, model, target, kind):  # noqa: F811
    _, aid = import_example(workbench.store)
    case = stored(workbench, aid).case
    expected = Explainer(model.advisor).why_not(model.infer(case), f"{kind}:{target}", "en")
    assert expected.candidates  # else this test shows nothing
    page = workbench.get(f"/assessments/{aid}/whynot?target={target}&lang=en")
    assert page.status_code == 200
    assert f'data-target="{kind}:{target}"' in page.text
    assert whynot_candidates(page.text) == {c.rule: c.fired for c in expected.candidates}
    t = report_labels().resolve("en")["explain"]
    for candidate in expected.candidates:
        article = re.search(rf'data-rule="{candidate.rule}">(.*?)</article>', page.text, re.DOTALL).group(1)
        verdicts = re.findall(r'<li class="(holds|fails)">', article)
        assert verdicts == ["holds" if p.holds else "fails" for p in candidate.premises]
    assert (t["not_reached"] in page.text) == (expected.certainty is None)
    assert ("concluded for this case after all" in page.text) == expected.holds
    assert 'selected>' in page.text  # the form keeps the choice


def test_why_not_offers_every_intervention_and_dynamic(workbench, model):  # noqa: F811
    _, aid = import_example(workbench.store)
    select = re.search(r'<select id="whynot-target" name="target" required>(.*?)</select>',
                       workbench.get(f"/assessments/{aid}").text, re.DOTALL).group(1)
    offered = re.findall(r'<option value="([^"]+)"', select)
    assert sorted(offered) == sorted([i.id for i in model.kb.interventions] + [d.id for d in model.kb.dynamics])
    assert len(re.findall("<optgroup", select)) == len({(i.condition, "i") for i in model.kb.interventions}
                                                         | {(d.condition, "d") for d in model.kb.dynamics})


def test_why_not_of_an_unknown_id_is_a_clear_message(workbench):  # noqa: F811
    _, aid = import_example(workbench.store)
    page = workbench.get(f"/assessments/{aid}/whynot?target=organise_encounter&lang=en")
    assert page.status_code == 404
    message = text(re.search(r'<div class="message error" role="alert">(.*?)</div>', page.text, re.DOTALL).group(1))
    assert "unknown id 'organise_encounter'" in message and "organise_encounters" in message
    assert 'id="whynot-target"' in page.text  # and the form to pick again
    missing = workbench.get(f"/assessments/{aid}/whynot?lang=en")
    assert missing.status_code == 400 and "Choose an intervention or a dynamic" in missing.text


@pytest.mark.parametrize("url", ["/assessments/999", "/assessments/999/whynot?target=stagnation",
                                 "/assessments/999/report.html", "/assessments/999/case.yaml"])
def test_an_unknown_assessment_is_not_found(workbench, url):  # noqa: F811
    assert workbench.get(url).status_code == 404


# -- what if ----------------------------------------------------------------------------------------

EDIT = {"set.interests.real_dialogue": "5", "set.interests.room_to_negotiate": "5", "set.relationship.trust": "none"}


def whatif_form(case, untick: str) -> dict:
    """The panel as sent: the scores in EDIT, every observation of the case ticked but `untick`."""
    return {**EDIT, "observations": "1", "observed": sorted(case.observed() - {untick})}


def changes_of(page: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr class="change change-\w+" data-kind="(\w+)" data-id="([^"]*)" data-change="(\w+)">', page)


def test_what_if_shows_what_the_library_computes_and_saves_nothing(workbench, model):  # noqa: F811
    cid, aid = import_example(workbench.store)
    before = stored(workbench, aid)
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=en",
                                 whatif_form(before.case, "rushed_to_contract"))
    assert answer.status_code == 200
    assert "<html" not in answer.text  # a fragment for #whatif-result
    edits = parse_edits(("interests.real_dialogue=5", "interests.room_to_negotiate=5", "relationship.trust=none"),
                        (), ("rushed_to_contract",))
    expected = what_if(model, before.case, edits, "en")
    in_words = [(c.kind, c.id or "", c.change) for c in expected.changes if c.in_words()]
    assert in_words and changes_of(answer.text) == in_words
    assert any(kind == "advice" and change == "disappeared" for kind, _, change in in_words)  # something real
    for item in expected.after.advice[:DEFAULT_TOP]:
        assert esc(item.name) in answer.text
    # nothing saved: the assessment, its version and the collaboration's assessments as they were
    after = stored(workbench, aid)
    assert (after.version, after.case) == (before.version, before.case)
    assert [a.id for a in workbench.store.collaboration(cid).assessments] == [aid]
    assert workbench.get(f"/assessments/{aid}").text.count('data-intervention="return_to_ambition_phase"') == 1


def test_what_if_names_things_and_keeps_ids_out_of_sight(workbench, model):  # noqa: F811
    """Edits and subjects by name only (ids in data- attributes), the rules folded under "which rules"."""
    _, aid = import_example(workbench.store)
    case = stored(workbench, aid).case
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=en", whatif_form(case, "rushed_to_contract")).text
    edits = re.search(r'<ul class="edits">(.*?)</ul>', answer, re.DOTALL).group(1)
    keys = re.findall(r'<li data-option="(\w+)" data-key="([^"]+)">', edits)
    assert sorted(keys) == sorted([("set", "interests.real_dialogue"), ("set", "interests.room_to_negotiate"),
                                   ("set", "relationship.trust"), ("remove", "rushed_to_contract")])
    visible = text(edits)
    assert "interests.real_dialogue" not in visible and "rushed_to_contract" not in visible and "[" not in visible
    assert model.advisor.name_of("score:interests.real_dialogue", "en") in visible
    assert model.advisor.name_of("observed:rushed_to_contract", "en") in visible
    table = re.search(r'<table class="changes">(.*?)</table>', answer, re.DOTALL).group(1)
    shown = changes_of(answer)
    assert shown and not re.search(r"[A-Z]{3}-\d\d", table)  # no rule id in the table
    for _, ident, _ in shown:
        assert ident not in text(table)
    rules = re.search(r'<details class="whatif-rules">\s*<summary>Which rules</summary>(.*?)</details>',
                      answer, re.DOTALL)
    edits = parse_edits(("interests.real_dialogue=5", "interests.room_to_negotiate=5", "relationship.trust=none"),
                        (), ("rushed_to_contract",))
    expected = what_if(model, case, edits, "en")
    assert rules and set(re.findall(r"<code>([^<]+)</code>", rules.group(1))) == {
        r for c in expected.changes if c.in_words() for r in c.rules}


@pytest.mark.parametrize("edit, lang, said", [
    # the focus and the first five stay; one change in certainty alone
    ("interests.value_for_each=none", "nl", ["Het aangrijpingspunt en de top 5 blijven gelijk.",
                                             "1 onderdeel werd alleen zekerder of onzekerder, niet anders benoemd."]),
    ("interests.value_for_each=none", "en", [
        "The point of application and the top 5 stay the same.",
        "1 item only became more or less certain; it is still described in the same words."]),
    # the focus stays, the first five do not; two in certainty alone
    ("interests.room_to_negotiate=5", "en", [
        "The point of application stays the same.",
        "2 items only became more or less certain; they are still described in the same words."]),
])
def test_what_if_says_what_stays_the_same(workbench, model, edit, lang, said):  # noqa: F811
    _, aid = import_example(workbench.store)
    case = stored(workbench, aid).case
    key, value = edit.split("=")
    result = what_if(model, case, parse_edits((edit,), (), ()), lang)
    top = [[a.intervention for a in r.advice[:DEFAULT_TOP]] for r in (result.before, result.after)]
    # what the sentences claim, from the library
    assert result.before.focus == result.after.focus and (top[0] == top[1]) == ("top" in said[0])
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang={lang}", {f"set.{key}": value}).text
    assert text(re.search(r'<p class="unchanged" id="whatif-unchanged">(.*?)</p>', answer).group(1)) == said[0]
    assert text(re.search(r'<p class="meta certainty-only">(.*?)</p>', answer).group(1)) == said[1]


def band_cells(answer: str) -> dict[str, tuple[str, str]]:
    """Per condition of the what-if's band table: the text of its before and after cells."""
    table = re.search(r'<table class="bands">(.*?)</table>', answer, re.DOTALL).group(1)
    return {ident: (text(before), text(after)) for ident, before, after in
            re.findall(r'<tr data-condition="([^"]+)"><td>[^<]*</td><td>(.*?)</td><td>(.*?)</td></tr>', table)}


def test_what_if_bands_show_the_reports_means_before_and_after(workbench, model):  # noqa: F811
    _, aid = import_example(workbench.store)
    case = stored(workbench, aid).case
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=nl", EDIT).text
    result = what_if(model, case, parse_edits(tuple(f"{k.removeprefix('set.')}={v}" for k, v in EDIT.items()), (), ()), "nl")
    cells = band_cells(answer)
    assert set(cells) == {c.id for c in model.kb.conditions}
    t = report_labels().resolve("nl")
    for old, new in zip(result.before.conditions, result.after.conditions):
        for cell, c in zip(cells[old.id], (old, new)):
            assert cell.startswith(t["band"][c.band])
            assert f"gemiddeld {c.score:.2f}".replace(".", ",") in cell
    interests = cells["interests"]
    assert interests[0] != interests[1]  # the edit moved the interests' mean


def test_what_if_marks_a_provisional_band(workbench, model):  # noqa: F811
    """One of four indicators answered: provisional; two of four after the change: no longer."""
    _, aid = workbench.store.import_case(Case.model_validate(
        {"name": "Eén score", "language": "en", "scores": {"relationship.trust": 1}}, context={"kb": model.kb}))
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=en", {"set.relationship.group_dynamics": "1"}).text
    result = what_if(model, stored(workbench, aid).case, parse_edits(("relationship.group_dynamics=1",), (), ()), "en")
    before, after = (next(c for c in r.conditions if c.id == "relationship") for r in (result.before, result.after))
    assert before.provisional and not after.provisional  # else this test shows nothing
    row = re.search(r'<tr data-condition="relationship">(.*?)</tr>', answer, re.DOTALL).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
    assert re.search(r'<span class="provisional" title="Provisional: [^"]+">provisional</span>', cells[1])
    assert "provisional" not in cells[2]


def test_what_if_without_javascript_is_the_whole_page_with_the_form_as_sent(workbench):  # noqa: F811
    _, aid = import_example(workbench.store)
    case = stored(workbench, aid).case
    page = workbench.post_form(f"/assessments/{aid}/whatif?lang=en", whatif_form(case, "rushed_to_contract"))
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")
    result = page.text[page.text.index('<div id="whatif-result"'):]
    assert changes_of(result) and "Nothing was saved" in result
    assert re.search(r'<option value="5" selected>5</option>', page.text)
    assert re.search(r'name="set.relationship.trust">.*?<option value="none" selected>', page.text, re.DOTALL)
    assert 'value="rushed_to_contract">' in page.text and 'value="rushed_to_contract" checked' not in page.text
    assert 'value="permanent_negotiation" checked' in page.text


def test_what_if_can_add_an_observation(workbench, model):  # noqa: F811
    _, aid = import_example(workbench.store, "energietransitie_gezond.yaml")
    case = stored(workbench, aid).case
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=en",
                                 {"observations": "1", "observed": sorted(case.observed() | {"enemy_images"})})
    expected = what_if(model, case, parse_edits((), ("enemy_images",), ()), "en")
    assert changes_of(answer.text) == [(c.kind, c.id or "", c.change) for c in expected.changes if c.in_words()]
    assert "now also observed" in answer.text


def test_what_if_without_the_observation_list_leaves_the_observations(workbench):  # noqa: F811
    _, aid = import_example(workbench.store)
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=en", {"set.relationship.trust": "5"})
    assert answer.status_code == 200 and "no longer observed" not in answer.text


@pytest.mark.parametrize("form, words", [
    ({"set.relationship.trust": "9"}, ["relationship.trust", "9", "1..5"]),
    ({"set.relationship.trus": "4"}, ["relationship.trus", "relationship.trust"]),
    ({"observations": "1", "observed": ["permanent_negotiation", "enemy_image"]}, ["enemy_image", "enemy_images"]),
    ({}, ["Change at least one score or observation"]),
])
def test_what_if_with_bad_input_says_what_is_wrong(workbench, form, words):  # noqa: F811
    _, aid = import_example(workbench.store)
    if form.get("observations"):  # keep the case's other observations ticked
        form["observed"] = sorted(stored(workbench, aid).case.observed() - {"permanent_negotiation"} | set(form["observed"]))
    for partial in ("?partial=1&lang=en", "?lang=en"):
        answer = workbench.post_form(f"/assessments/{aid}/whatif{partial}", form)
        assert answer.status_code == 400
        message = text(re.search(r'<div class="message error" role="alert">(.*?)</div>', answer.text, re.DOTALL).group(1))
        for word in words:
            assert word in message


def test_what_if_needs_the_csrf_token(workbench):  # noqa: F811
    _, aid = import_example(workbench.store)
    assert workbench.post(f"/assessments/{aid}/whatif", data={"set.relationship.trust": "5"}).status_code == 403


# -- privacy ----------------------------------------------------------------------------------------

def test_a_group_case_shows_nothing_below_min_group(workbench, model):  # noqa: F811
    """Four people of two organisations; trust answered by one of them only: its mean is withheld
    wherever it could show, the small organisation is never named."""
    respondents = [{"organisation": org, "scores": {i: score for i in INDICATORS if i != "relationship.trust"}}
                   for org, score, people in (("Groot", 4, 3), ("Klein Eenmans", 1, 1)) for _ in range(people)]
    respondents[3]["scores"]["relationship.trust"] = 1
    case = Case.model_validate({"name": "Groep", "language": "en", "min_group": 3, "respondents": respondents,
                                "observations": ["permanent_negotiation"]}, context={"kb": model.kb})
    _, aid = workbench.store.import_case(case)
    report = model.advise(case, "en")
    relationship = next(c for c in report.conditions if c.id == "relationship")
    assert relationship.score is None and relationship.score_withheld  # the report withholds it
    page = workbench.get(f"/assessments/{aid}?lang=en").text
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=en", {"set.interests.real_dialogue": "1"})
    for shown in (page, answer.text):
        assert "Klein Eenmans" not in shown
    bands = band_cells(answer.text)
    assert re.fullmatch(r"\w+ mean not shown: too few answers", bands["relationship"][0])  # no number
    assert "mean 3.30" in bands["ambition"][0]  # the report's mean: a group's, to one decimal (3.25 raw)
    trust = re.search(r'name="set.relationship.trust">\s*<option value="">([^<]*)</option>', page).group(1)
    assert trust == "unchanged"  # not "unchanged (now 1)"
    shared = re.search(r'name="set.ambition.shared">\s*<option value="">([^<]*)</option>', page).group(1)
    assert shared == "unchanged (now 3.3)"  # (4 + 4 + 4 + 1) / 4 = 3.25: a group mean, one decimal, half up


# -- downloads --------------------------------------------------------------------------------------

def report_links(page: str) -> dict[str, tuple[str, str, str]]:
    """Per audience: (the report's link, its text, the link to it in the other language)."""
    found = re.findall(r'<li id="report-(\w+)"><a href="([^"]+)" download>([^<]*)</a>\s*·\s*'
                       r'<a href="([^"]+)" class="other-language"', page)
    return {audience: (html.unescape(href), html.unescape(words), html.unescape(other))
            for audience, href, words, other in found}


@pytest.mark.parametrize("example, own, other", [("zorgalliantie.yaml", "nl", "en"), ("logistieke_keten.yaml", "en", "nl")])
@pytest.mark.parametrize("ui", ["nl", "en"])
def test_the_report_is_in_the_collaborations_language_whatever_the_page_is_in(
        workbench, model, example, own, other, ui):  # noqa: F811
    _, aid = import_example(workbench.store, example)
    case = stored(workbench, aid).case
    assert case.language == own
    page = workbench.get(f"/assessments/{aid}?lang={ui}").text
    assert f'<html lang="{ui}"' in page  # the page follows the UI language
    links = report_links(page)
    assert set(links) == {"adviser", "partners"}
    language_names = {"nl": {"nl": "Nederlands", "en": "Engels"}, "en": {"nl": "Dutch", "en": "English"}}[ui]
    for audience, (href, words, other_href) in links.items():
        assert language_names[own] in words and language_names[other] not in words
        mine, theirs = workbench.get(href), workbench.get(other_href)
        assert mine.status_code == theirs.status_code == 200
        assert f'<html lang="{own}"' in mine.text and f'<html lang="{other}"' in theirs.text
        assert mine.text == render_html(model.advise(case, own), audience=audience)
        assert theirs.text == render_html(model.advise(case, other), audience=audience)
    # the download asked for in the page's language (?lang=) is still the collaboration's
    assert f'<html lang="{own}"' in workbench.get(f"/assessments/{aid}/report.html?lang={other}").text


def test_report_download_file_names_say_audience_and_language(workbench):  # noqa: F811
    _, aid = import_example(workbench.store)  # a Dutch collaboration
    names = {url: workbench.get(url).headers["content-disposition"] for url in (
        f"/assessments/{aid}/report.html", f"/assessments/{aid}/report.html?audience=partners",
        f"/assessments/{aid}/report.html?report_lang=en&audience=partners")}
    assert list(names.values()) == ['attachment; filename="regionale_zorgalliantie_noord-2026-09-03.html"',
                                    'attachment; filename="regionale_zorgalliantie_noord-2026-09-03-partners.html"',
                                    'attachment; filename="regionale_zorgalliantie_noord-2026-09-03-partners-en.html"']


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_partners_report_is_the_commands(workbench, tmp_path, lang):  # noqa: F811
    """`?audience=partners` is `kansrijk report --audience partners` on the same case: without the
    adviser's notes and the rule trace, which the adviser's report has."""
    _, aid = import_example(workbench.store)
    notes = stored(workbench, aid).case.notes
    assert notes  # else this test shows nothing
    case_file = tmp_path / "case.yaml"
    case_file.write_bytes(workbench.get(f"/assessments/{aid}/case.yaml").content)
    command = CliRunner().invoke(main, ["report", str(case_file), "--audience", "partners", "--lang", lang])
    assert command.exit_code == 0, command.output
    partners = workbench.get(f"/assessments/{aid}/report.html?audience=partners&report_lang={lang}")
    assert partners.status_code == 200 and partners.text == command.output
    adviser = workbench.get(f"/assessments/{aid}/report.html?audience=adviser&report_lang={lang}").text
    assert esc(notes) in adviser and esc(notes) not in partners.text
    assert 'class="steps' in adviser and 'class="steps' not in partners.text


@pytest.mark.parametrize("query, key, allowed", [("audience=everyone", "audience", "adviser, partners"),
                                                 ("report_lang=de", "report_lang", "nl, en"),
                                                 ("audience=partners&report_lang=EN", "report_lang", "nl, en")])
def test_a_report_asked_for_with_a_value_not_allowed_says_what_is(workbench, query, key, allowed):  # noqa: F811
    _, aid = import_example(workbench.store)
    response = workbench.get(f"/assessments/{aid}/report.html?{query}&lang=en")
    assert response.status_code == 400 and "content-disposition" not in response.headers
    message = text(re.search(r'<div class="message error" role="alert">(.*?)</div>',
                             section(response.text, "downloads"), re.DOTALL).group(1))
    assert f"{key}: " in message and f"(allowed: {allowed})" in message
    assert set(report_links(response.text)) == {"adviser", "partners"}  # and the links that work


@pytest.mark.parametrize("example", ["zorgalliantie.yaml", "regionale_zorg_groep.yaml", "woningcorporaties.yaml"])
def test_case_file_download_advises_the_same(workbench, model, tmp_path, example):  # noqa: F811
    _, aid = import_example(workbench.store, example)
    response = workbench.get(f"/assessments/{aid}/case.yaml?confirm=1")  # a group's file is asked for first
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="[a-z0-9_]+(-\d{4}-\d{2}-\d{2})?\.yaml"', response.headers["content-disposition"])
    path = tmp_path / "downloaded.yaml"
    path.write_bytes(response.content)
    downloaded = load_case(str(path), model.kb)
    assert downloaded == example_case(example)
    assert model.advise(downloaded) == model.advise(example_case(example))


@pytest.mark.parametrize("lang, words", [("en", "respondents' individual answers"), ("nl", "afzonderlijke antwoorden van de respondenten")])
def test_a_group_case_file_is_labelled_and_handed_out_only_when_confirmed(workbench, lang, words):  # noqa: F811
    _, aid = import_example(workbench.store, "regionale_zorg_groep.yaml")
    respondents = workbench.store.assessment(aid).case.respondents
    link = re.search(r'<a href="([^"]+)" id="download-case"( download)?>([^<]*)</a>',
                     workbench.get(f"/assessments/{aid}?lang={lang}").text)
    assert words in html.unescape(link.group(3)) and link.group(2) is None  # said, and a page, not a download
    asked = workbench.get(link.group(1))
    assert asked.status_code == 200 and "content-disposition" not in asked.headers
    assert respondents[0].name not in asked.text  # the question shows no answer
    assert f"{len(respondents)} respond" in asked.text
    confirmed = re.search(r'<a href="([^"]+)" id="confirm-download" download>', asked.text).group(1)
    assert confirmed == f"/assessments/{aid}/case.yaml?confirm=1"
    download = workbench.get(html.unescape(confirmed))
    assert download.headers["content-disposition"].startswith("attachment;")
    assert respondents[0].name in download.text


def test_a_case_file_without_respondents_downloads_at_once(workbench):  # noqa: F811
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    page = workbench.get(f"/assessments/{aid}?lang=en").text
    assert re.search(r'<a href="/assessments/\d+/case.yaml" id="download-case" download>Case file \(YAML\)</a>', page)
    assert workbench.get(f"/assessments/{aid}/case.yaml").headers["content-disposition"].startswith("attachment;")


def test_a_what_if_on_too_little_information_says_so_for_the_focus_before(workbench, model, make_case):
    cid = workbench.store.create_collaboration("Leeg", "en")
    aid = workbench.store.save_assessment(cid, make_case(language="en"))
    scores = {f"set.{i.id}": "1" for i in model.kb.indicators_of("interests")}
    answer = workbench.post_form(f"/assessments/{aid}/whatif?partial=1&lang=en", scores).text
    focus = re.search(r'<tr class="change change-focus"[^>]*>(.*?)</tr>', answer, re.S)
    assert focus is not None, answer
    assert "too little information" in focus.group(1)
