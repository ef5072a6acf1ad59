"""kansrijk report: the advice as one self-contained, escaped, deterministic HTML page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import yaml
from markupsafe import escape

from kansrijk.render import environment, labels, number
from kansrijk.report_html import coord, html_environment, polar, radar, render_html, wrap
from tests.conftest import EXAMPLES, HEALTHCARE, kansrijk
from tests.report_cases import EMPTY, GROUP, HOSTILE, INDICATORS, PARTIAL, group_case


def report_of(model, case: dict, lang=None):
    from kansrijk.case import Case

    return model.advise(Case.model_validate(case, context={"kb": model.kb}), lang)


def section(html: str, ident: str) -> str:
    match = re.search(rf'<section id="{ident}">(.*?)</section>', html, re.DOTALL)
    assert match, f"no section {ident}"
    return match.group(1)


def radar_svg(html: str) -> str:
    match = re.search(r'<svg class="radar".*?</svg>', html, re.DOTALL)
    assert match, "no radar chart"
    return match.group(0)


def e(text: str) -> str:
    """text as the page must contain it: HTML-escaped."""
    return str(escape(text))


@pytest.fixture(scope="module")
def healthcare(model):
    return model.advise(_load(model, HEALTHCARE))


@pytest.fixture(scope="module")
def healthcare_html(healthcare):
    return render_html(healthcare)


@pytest.fixture(scope="module")
def group(model):
    return report_of(model, group_case())


@pytest.fixture(scope="module")
def group_html(group):
    return render_html(group)


def _load(model, path):
    from kansrijk.case import load_case

    return load_case(str(path), model.kb)


# --- the command -------------------------------------------------------------------------------


def test_command_writes_the_page(tmp_path, healthcare_html):
    out = tmp_path / "report.html"
    result = kansrijk("report", str(HEALTHCARE), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == healthcare_html
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind


def test_command_without_output_prints_the_page(healthcare_html):
    result = kansrijk("report", str(HEALTHCARE))
    assert result.exit_code == 0
    assert result.output == healthcare_html


def test_output_is_never_overwritten_without_force(tmp_path):
    out = tmp_path / "report.html"
    out.write_text("keep me", encoding="utf-8")
    refused = kansrijk("report", str(HEALTHCARE), "-o", str(out))
    assert refused.exit_code == 2
    assert "bestaat al" in refused.output and "--force" in refused.output  # a Dutch case: errors in Dutch
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = kansrijk("report", str(HEALTHCARE), "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_bad_case_stops_with_exit_code_2(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("name: x\nscores: {ambition.shared: 9}\n", encoding="utf-8")
    result = kansrijk("report", str(case))
    assert result.exit_code == 2
    assert "ambition.shared" in result.output


def test_help_has_an_example():
    result = kansrijk("report", "--help")
    assert result.exit_code == 0
    assert "kansrijk report examples/" in result.output


# --- determinism ---------------------------------------------------------------------------------


def test_same_input_gives_byte_identical_output(tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert kansrijk("report", str(HEALTHCARE), "-o", str(first)).exit_code == 0
    assert kansrijk("report", str(HEALTHCARE), "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_order_of_keys_and_items_in_the_case_does_not_matter(tmp_path):
    data = yaml.safe_load(HEALTHCARE.read_text(encoding="utf-8"))
    shuffled = {key: data[key] for key in reversed(list(data))}
    shuffled["scores"] = dict(reversed(list(data["scores"].items())))
    shuffled["characteristics"] = dict(reversed(list(data["characteristics"].items())))
    shuffled["observations"] = list(reversed(data["observations"]))
    case = tmp_path / "shuffled.yaml"
    case.write_text(yaml.safe_dump(shuffled, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert kansrijk("report", str(case)).output == kansrijk("report", str(HEALTHCARE)).output


def test_group_report_is_deterministic(model):
    assert render_html(report_of(model, group_case())) == render_html(report_of(model, group_case()))


# --- the summary ----------------------------------------------------------------------------------


def summary_of(html: str) -> str:
    """The page up to the appendix: what prints on the first (at most two) pages."""
    assert html.count('<div id="summary"') == 1 and html.count('<div id="appendix"') == 1
    return html[html.index('<div id="summary"'):html.index('<div id="appendix"')]


def appendix_of(html: str) -> str:
    return html[html.index('<div id="appendix"'):]


def test_page_is_well_formed(healthcare_html, group_html):
    for html in (healthcare_html, group_html):
        assert html.startswith("<!DOCTYPE html>\n<html lang=")
        assert '<meta charset="utf-8">' in html
        check_balanced(html)


def test_summary_comes_before_the_appendix(healthcare, healthcare_html):
    html = healthcare_html
    assert html.index('<div id="summary"') < html.index('<div id="appendix"')
    summary = summary_of(html)
    for part in ("focus", "conditions", "methods", "advice", "dynamics", "heed"):
        assert f'<section id="{part}">' in summary, part
    for part in ("numbers", "all-dynamics", "interventions"):
        assert f'<section id="{part}">' in appendix_of(html), part
    # the full trace lives only in the appendix, folded
    assert "<details" not in summary and "<code>" not in summary
    assert appendix_of(html).count('<details class="item advice-item"') == len(healthcare.advice)


def test_print_css_puts_the_appendix_on_its_own_page_and_prints_details_open(healthcare_html):
    style = re.search(r"<style>(.*?)</style>", healthcare_html, re.DOTALL).group(1)
    printed = style[style.index("@media print"):]
    assert re.search(r"#appendix \{ break-before: page;", printed)
    assert "details::details-content { content-visibility: visible; display: block; }" in printed
    assert re.search(r"details\.item \{[^}]*break-inside: avoid", printed)
    assert "break-before: page" not in printed.replace("#appendix { break-before: page;", "")  # no other forced break
    assert "size: A4" in printed


def test_case_name_date_and_notes(model, healthcare, healthcare_html):
    assert f"<h1>{e(healthcare.case)}</h1>" in healthcare_html
    assert f"<title>{e(healthcare.case)} — " in healthcare_html
    assert e(healthcare.notes) in summary_of(healthcare_html)
    dated = render_html(report_of(model, PARTIAL))
    assert "<p class=\"meta\">Assessment of 12 March 2025</p>" in dated
    nl = render_html(report_of(model, PARTIAL, "nl"))
    assert "Meting van 12 maart 2025" in nl
    assert "Meting van" not in render_html(report_of(model, EMPTY))  # no date, no date line


def test_every_condition_with_its_band_and_basis(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    table = section(healthcare_html, "conditions")
    for c in healthcare.conditions:
        row = re.search(rf'<tr id="condition-{c.id}">(.*?)</tr>', table).group(1)
        assert e(c.name) in row
        assert f'<span class="band band-{c.band}">{e(t["band"][c.band])}</span>' in row  # the words of the text summary
        assert e(t["summary"]["answered"].format(answered=c.answered, indicators=c.indicators)) in row
    assert {c.band for c in healthcare.conditions} >= {"concern", "discuss"}


def test_provisional_condition_says_what_to_ask_next(model):
    report = report_of(model, PARTIAL)
    html = render_html(report)
    r = labels().resolve("en")["report"]
    relationship = next(c for c in report.conditions if c.id == "relationship")
    assert relationship.provisional and relationship.missing
    row = re.search(r'<tr id="condition-relationship">(.*?)</tr>', section(html, "conditions")).group(1)
    assert f'<span class="provisional">{r["provisional"]}</span>' in row
    assert r["ask_next"] in row
    for indicator in relationship.missing:
        assert e(model.kb.by_id["indicator"][indicator].name("en")) in row


def test_the_focus_and_why_for_this_case(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    names = {c.id: c.name for c in healthcare.conditions}
    focus = section(healthcare_html, "focus")
    assert healthcare.focus is not None
    assert f"{e(t['focus_start'])}: {e(names[healthcare.focus])}" in focus
    reason = re.search(r'<p class="reason">(.*?)</p>', focus, re.DOTALL).group(1)
    assert healthcare.focus_detail.reason == "exploration"
    for item in healthcare.focus_detail.exploration:  # it names what in this case made the choice
        assert e(next(o.name for o in healthcare.observations if o.id == item)) in reason
    assert reason.endswith("(§3.5, §3.2, §4.2)")
    # the same sentence as the text summary's (one source: summary.reason)
    assert reason.startswith(e(t["summary"]["reason"]["exploration"].split("{")[0]))


def test_focus_reason_for_phase_order(model):
    # organisation is weaker, but it follows ambition, which needs attention (§3.4, §3.5)
    scores = {i: 3 for i in INDICATORS if i.startswith("ambition.")} | {i: 1 for i in INDICATORS if i.startswith("organisation.")}
    report = report_of(model, {"name": "order", "language": "en", "scores": scores})
    assert report.focus_detail.reason == "phase_order", report.focus_detail
    reason = re.search(r'<p class="reason">(.*?)</p>', section(render_html(report), "focus"), re.DOTALL).group(1)
    names = {c.id: c.name for c in report.conditions}
    assert reason.startswith(f"{e(names[report.focus_detail.instead_of])} looks more neglected, but it builds on "
                             f"{e(names[report.focus])}")


def test_top_interventions_with_two_questions_and_a_because(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    r = t["report"]
    advice = section(healthcare_html, "advice")
    items = re.findall(r'<li><strong><a href="#advice-(\d+)">(.*?)</a></strong>(.*?)</li>\n(?=<li><strong>|</ol>)',
                       advice, re.DOTALL)
    assert len(healthcare.advice) > 5
    assert [int(rank) for rank, _, _ in items] == [1, 2, 3, 4, 5]
    for a, (_, name, rest) in zip(healthcare.advice, items):
        assert name == e(a.name)
        assert e(t["likelihood"][a.likelihood]) in rest
        assert re.findall(r"<li>(.*?)</li>", rest) == [e(q) for q in a.questions[:2]]
        if a.because:
            assert f'<p class="because"><span class="label">{e(r["because"])}:</span>' in rest
    assert e(r["more"].format(n=len(healthcare.advice) - 5)) in advice
    assert str(healthcare.advice[0].certainty) not in advice  # certainties are words in the summary


def test_top_and_all(healthcare):
    three = section(render_html(healthcare, top=3), "advice")
    assert three.count('<li><strong><a href="#advice-') == 3
    every = section(render_html(healthcare, top=None), "advice")
    assert every.count('<li><strong><a href="#advice-') == len(healthcare.advice)
    r = labels().resolve(healthcare.language)["report"]
    assert e(r["more"].split("{n}")[-1]) not in every
    assert kansrijk("report", str(HEALTHCARE), "--top", "3").output == render_html(healthcare, top=3)
    assert kansrijk("report", str(HEALTHCARE), "--all").output == render_html(healthcare, top=None)
    assert kansrijk("report", str(HEALTHCARE), "--all", "--top", "3").exit_code == 2


def test_ways_of_working_apart_from_interventions(healthcare, healthcare_html):
    methods = section(healthcare_html, "methods")
    assert healthcare.methods
    for m in healthcare.methods:
        assert f"<strong>{e(m.name)}</strong>" in methods
        assert f'<a href="#advice-' not in methods
        assert e(m.name) not in section(healthcare_html, "advice")


def test_threatening_dynamics_in_words(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    r = t["report"]
    dynamics = section(healthcare_html, "dynamics")
    threats = [d for d in healthcare.dynamics if d.polarity == "negative" and d.likelihood != "doubtful"]
    assert threats
    names = {c.id: c.name for c in healthcare.conditions}
    for d in threats:
        assert f"<strong>{e(d.name)}</strong>" in dynamics
        line = dynamics[dynamics.index(f"<strong>{e(d.name)}</strong>"):].split(";")[0].split("</li>")[0]
        assert e(t["likelihood"][d.likelihood]) in line
        assert (e(t["summary"]["by_adviser"]) in line) == d.observed
        assert f'<li class="dyn-negative">{e(names[d.condition])}: ' in dynamics  # grouped per condition
    if any(not d.observed for d in threats):
        assert e(r["threats_inferred"]) in dynamics
    assert not re.search(r"\d[.,]\d", dynamics)  # no certainties as numbers


def test_observed_by_some_respondents_and_observations_that_did_not_count(model):
    # 4 of 9 respondents saw defensive behaviour; 1 of 9 saw enemy images, too few to count
    report = report_of(model, group_case("en", seen={"defensive_behaviour": 4, "enemy_images": 1}))
    by = labels().resolve("en")["summary"]["by_respondents"]
    html = render_html(report)
    seen = {o.id: o for o in report.observations}
    assert seen["defensive_behaviour"].counts and not seen["enemy_images"].counts
    dynamics = section(html, "dynamics")
    assert by.format(by=4, of=9) in dynamics
    uncounted = re.search(r'<ul class="plain uncounted">(.*?)</ul>', dynamics, re.DOTALL).group(1)
    assert e(seen["enemy_images"].name) in uncounted and by.format(by=1, of=9) in uncounted
    assert e(seen["defensive_behaviour"].name) not in uncounted


def test_what_the_characteristics_ask(healthcare, healthcare_html):
    heed = section(healthcare_html, "heed")
    assert healthcare.heed
    for h in healthcare.heed:  # the point the rule that concluded it makes for this case
        claim = next(s.claim for s in h.why if s.decisive and s.concludes == f"heed:{h.characteristic}")
        assert e(h.name) in heed and e(claim) in heed


def test_no_focus_and_no_advice_for_a_healthy_case(model):
    healthy = next(p for p in EXAMPLES if "gezond" in p.name)
    report = model.advise(_load(model, healthy))
    t = labels().resolve(report.language)
    r = t["report"]
    html = render_html(report)
    assert report.focus is None and not report.advice and report.coverage.sufficient
    assert e(t["summary"]["reason"]["none"]) in section(html, "focus")
    assert e(r["advice_none"]) in section(html, "advice")
    assert 'id="too-little"' not in html and "advice-item" not in html


def test_empty_case_gets_too_little_information(model):
    report = report_of(model, EMPTY)
    assert not report.coverage.sufficient
    t = labels().resolve("nl")
    r = t["report"]
    html = render_html(report)
    summary = summary_of(html)
    part = section(html, "too-little")
    assert e(t["summary"]["insufficient"]) in part  # the words of the text summary
    assert e(t["summary"]["insufficient_do"].format(n=report.coverage.min_answered)) in part
    # never what a healthy collaboration gets
    assert e(t["summary"]["reason"]["none"]) not in html and e(r["advice_none"]) not in html
    assert 'id="advice"' not in html and 'id="focus"' not in html
    assert e(labels().resolve("nl")["advice_none"]) not in html
    assert summary.count('<span class="band band-unknown">') == 5
    advise = kansrijk("advise", "-", "--format", "html", input=yaml.safe_dump(EMPTY))
    assert advise.exit_code == 0, advise.output
    assert 'id="too-little"' in advise.output


# --- the appendix: the full trace --------------------------------------------------------------


def test_every_advice_item_with_its_trace_folded(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    part = section(healthcare_html, "interventions")
    items = re.findall(r'<details class="item advice-item" id="advice-(\d+)">(.*?)</details>', part, re.DOTALL)
    assert [int(rank) for rank, _ in items] == [a.rank for a in healthcare.advice]
    for a, (_, html) in zip(healthcare.advice, items):
        assert html.startswith(f'\n<summary><span class="rank">{a.rank}.</span> {e(a.name)}')
        assert e(a.description) in html
        for question in a.questions:
            assert f"<li>{e(question)}</li>" in html
        for p in a.contributions:
            assert f'<tr><td class="num">{number(p.value, 1, "nl")}</td><td>{e(p.label)}</td></tr>' in html
        assert len(re.findall(r"<li><p><code>", html)) == len(a.why)
        decisive = [s for s in a.why if s.decisive]
        against = [s for s in a.why if s.against]
        lists = re.findall(r'<ol class="steps steps-(\w+)">(.*?)</ol>', html, re.DOTALL)
        assert [kind for kind, _ in lists][0] == "decisive"  # the decisive chain first
        by_kind = dict(lists)
        assert len(re.findall("<li>", by_kind["decisive"])) == len(decisive)
        assert len(re.findall("<li>", by_kind.get("against", ""))) == len(against)
        for s in a.why:
            assert f"<code>{e(s.rule)}" in html
            assert f'<span class="basis basis-{s.basis}">{e(t["basis"]["names"][s.basis])}</span>' in html


def test_evidence_against_is_shown_apart(model):
    reports = [model.advise(_load(model, p)) for p in EXAMPLES]
    item = next((a for rep in reports for a in rep.advice if any(s.against for s in a.why)), None)
    if item is None:
        pytest.skip("no example has evidence against an advice item")
    rep = next(rep for rep in reports if item in rep.advice)
    html = render_html(rep)
    block = re.search(rf'<details class="item advice-item" id="advice-{item.rank}">(.*?)</details>', html,
                      re.DOTALL).group(1)
    against = re.search(r'<ol class="steps steps-against">(.*?)</ol>', block, re.DOTALL).group(1)
    for s in item.why:
        assert (f"<code>{e(s.rule)}" in against) == s.against or s.decisive


def test_detail_opens_the_folded_parts(healthcare):
    assert "<details class=\"item advice-item\" id=\"advice-1\" open>" in render_html(healthcare, detail=True)
    assert " open>" not in render_html(healthcare)


def test_partners_get_no_notes_and_no_rule_trace(model, healthcare):
    html = render_html(healthcare, audience="partners")
    assert healthcare.notes and e(healthcare.notes) not in html
    assert "<code>" not in html and "steps" not in html.split("</style>")[1]
    rules = {s.rule for a in healthcare.advice for s in a.why} | {s.rule for m in healthcare.methods for s in m.why}
    rules |= {s.rule for h in healthcare.heed for s in h.why}
    assert rules
    for rule in rules:
        assert rule not in html, rule
    # the advice itself is all there
    for a in healthcare.advice:
        assert e(a.name) in html and e(a.description) in html
    cli = kansrijk("report", str(HEALTHCARE), "--audience", "partners")
    assert cli.exit_code == 0 and cli.output == html
    advise = kansrijk("advise", str(HEALTHCARE), "--format", "html", "--audience", "partners")
    assert advise.exit_code == 0 and advise.output == html
    assert kansrijk("report", str(HEALTHCARE), "--audience", "partners", "--detail").exit_code == 2


def test_dutch_uses_decimal_commas_and_english_points(model, healthcare, healthcare_html):
    assert healthcare.language == "nl"
    numbers = section(healthcare_html, "numbers")
    for c in healthcare.conditions:
        if c.score is not None:
            assert f'<td class="num">{c.score:.2f}'.replace(".", ",") in numbers
    assert not re.search(r'<td class="num">\d+\.\d', healthcare_html)
    en = render_html(model.advise(_load(model, HEALTHCARE), "en"))
    assert not re.search(r'<td class="num">\d+,\d', en)
    assert re.search(r'<td class="num">\d\.\d\d</td>', en)
    assert "Tabel 1" not in en and "Figuur" not in en


def test_the_dynamics_in_numbers(healthcare, healthcare_html):
    dynamics = section(healthcare_html, "all-dynamics")
    for d in healthcare.dynamics:
        assert f'<li class="dyn-{d.polarity}">' in dynamics
        assert f"<strong>{e(d.name)}</strong>" in dynamics
        assert number(d.certainty, 2, "nl") in dynamics


# --- the radar chart -------------------------------------------------------------------------------


def test_radar_chart_for_a_case_without_respondents(healthcare, healthcare_html):
    svg = radar_svg(healthcare_html)
    assert svg.count('<line class="axis"') == 5
    assert svg.count("<polygon") == 1  # the whole case
    points = re.search(r'<polygon points="([^"]+)"', svg).group(1).split()
    assert len(points) == 5
    for c in healthcare.conditions:
        assert e(c.name.split()[0]) in svg
    assert svg.count('<path class="ring') == 5  # the grid rings 1..5 are paths, not polygons
    assert "<svg class=\"radar\"" in healthcare_html and "xmlns" not in healthcare_html


def test_radar_points_lie_on_the_scale(healthcare):
    chart = radar(healthcare, labels().resolve("nl"))
    (series,) = chart["series"]
    for i, (c, point) in enumerate(zip(healthcare.conditions, series["points"].split())):
        x, y = map(float, point.split(","))
        expected = polar(i, 5, c.score)
        assert abs(x - expected.x) < 0.06 and abs(y - expected.y) < 0.06
    top = polar(0, 5, 5)
    centre = polar(0, 5, 0)
    assert top.x == centre.x and top.y < centre.y  # the first axis points up


def test_unknown_condition_gets_no_radar_point(model):
    """An unknown condition is not drawn as the lowest score: no point (least of all the centre),
    no side of the line through it, and its axis is dashed and labelled unknown."""
    report = report_of(model, PARTIAL)
    r = labels().resolve("en")["report"]
    unknown = [i for i, c in enumerate(report.conditions) if c.status == "unknown"]
    assert len(unknown) == 2
    chart = radar(report, labels().resolve("en"))
    (series,) = chart["series"]
    assert not series["closed"] and len(series["markers"]) == 3
    centre = str(polar(0, 5, 0))
    drawn = series["segments"] + "".join(m["path"] for m in series["markers"])
    assert centre not in drawn
    for i in unknown:  # neither the point at the centre nor a point anywhere on the unknown axis
        for value in (0, 1, 2, 3, 4, 5):
            assert str(polar(i, 5, value)) not in series["segments"]
    svg = radar_svg(render_html(report))
    assert "<polygon" not in svg  # an open line, not a shape closed through the centre
    assert svg.count('<path class="point"') == 3
    for i in unknown:
        c = report.conditions[i]
        assert f'<line class="axis axis-missing" data-condition="{c.id}"' in svg
    assert svg.count(f'<tspan class="axis-mark"') == 2 and e(r["radar_unknown"]) in svg
    assert e(r["radar_missing"]) in render_html(report)


def test_radar_without_scores(model):
    t = labels().resolve("nl")
    empty = render_html(report_of(model, {"name": "empty", "observations": ["permanent_negotiation"]}))
    assert '<svg class="radar"' not in empty
    assert e(t["report"]["radar_empty"]) in empty


def test_radar_has_a_line_per_shown_organisation(group, group_html):
    shown = [o for o in group.organisations if o.shown]
    hidden = [o for o in group.organisations if not o.shown]
    assert len(shown) == 2 and len(hidden) == 2
    svg = radar_svg(group_html)
    assert svg.count("<polygon") == 1 + len(shown)
    assert svg.count('<line class="axis"') == 5
    legend = re.search(r'<ul class="legend">(.*?)</ul>', group_html, re.DOTALL).group(1)
    for o in shown:
        assert f"{e(o.label)} (n = {o.respondents})" in legend
    # the organisation too small to show is named in the legend only by its anonymous label
    for o in hidden:
        assert e(o.label) in legend and e(o.label) not in svg
    assert "Stichting Klein" not in group_html and "Buurtteam Zuid" not in group_html


def test_scores_per_organisation_hide_small_organisations(group, group_html):
    t = labels().resolve(group.language)
    table = re.search(r'<table class="organisations">(.*?)</table>', group_html, re.DOTALL).group(1)
    for o in group.organisations:
        if o.shown:
            assert f'<th class="num">{e(o.label)}</th>' in table
            for value in o.conditions.values():
                assert number(value, 2, "nl") in table
        else:
            assert e(o.label) not in table
            assert f"{e(o.label)}: {e(t['group']['hidden'])}" in group_html


def test_no_divergence_runs_to_an_organisation_not_shown(group, group_html):
    """The wide differences all run to the two small organisations: no divergence exists, not even
    as "at least the threshold" (kansrijk/disclosure.py), and the section says none was found
    between the organisations shown."""
    part = section(group_html, "divergences")
    assert group.divergences == [] and "<table" not in part
    assert e(labels().resolve(group.language)["report"]["divergences_none"]) in part
    assert "Stichting Klein" not in part and "Buurtteam Zuid" not in part


def test_divergences_between_shown_organisations_with_their_gap_threshold_and_ends(model):
    case = group_case()
    for respondent in case["respondents"]:
        if respondent["organisation"] == GROUP[0][0]:  # 5 against the other shown organisation's 3
            respondent["scores"] = {indicator: 5 for indicator in INDICATORS}
    report = report_of(model, case)
    t = labels().resolve(report.language)
    part = section(render_html(report), "divergences")
    rows = re.findall(r"<tr><td>(.*?)</tr>", part.split("<tbody>")[1], re.DOTALL)
    assert report.divergences and len(rows) == len(report.divergences)
    for d, row in zip(report.divergences, rows):
        assert (d.high, d.low, d.gap) == (GROUP[0][0], GROUP[1][0], 2)
        assert e(d.name) in row and f"<td>{e(d.high)}</td><td>{e(d.low)}</td>" in row
        assert f'<td class="num">{number(d.gap, 2, "nl")}</td><td class="num">{number(d.threshold, 2, "nl")}</td>' in row
    assert f"<th class=\"num\">{e(t['group']['threshold'].capitalize())}</th>" in part


def test_no_divergence_section_without_respondents(healthcare_html):
    assert 'id="divergences"' not in healthcare_html


# --- escaping and self-containedness ------------------------------------------------------------


def test_user_text_is_escaped(model):
    case = {"name": f"Casus {HOSTILE}", "notes": f"A & B {HOSTILE}", "scores": {"interests.real_dialogue": 1},
            "observations": ["rushed_to_contract"]}
    html = render_html(report_of(model, case))
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "onerror=" not in html.replace("onerror=alert", "")  # only inside escaped text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; &lt;img src=x onerror=alert(2)&gt; &#34;quoted&#34; &#39;single&#39;" in html
    assert f"<h1>{e(case['name'])}</h1>" in html
    assert e(case["notes"]) in html
    check_balanced(html)


def test_organisation_names_are_escaped(group_html):
    assert "<b>" not in group_html and "<script" not in group_html.lower()
    assert e(GROUP[0][0]) in group_html


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nothing_is_fetched_from_elsewhere(model, path, lang):
    html = render_html(model.advise(_load(model, path), lang))
    assert "http://" not in html and "https://" not in html
    assert_self_contained(html)


def test_links_in_user_text_stay_text(model):
    html = render_html(report_of(model, {"name": "x", "notes": "zie https://example.org/a.png en url(http://e.org)"}))
    assert_self_contained(html)
    assert "zie https://example.org/a.png" in html


def assert_self_contained(html: str) -> None:
    """No script, no src, no link element, no external href, no CSS import or url()."""
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered and "<iframe" not in lowered and "<object" not in lowered
    assert re.search(r"\ssrc\s*=", lowered) is None
    hrefs = re.findall(r"\shref\s*=\s*\"([^\"]*)\"", lowered)
    assert all(h.startswith("#") for h in hrefs), hrefs
    assert re.search(r"\s(?:xlink:)?href\s*=\s*[^\"\s]", lowered) is None  # no unquoted href
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    assert "@import" not in style and "url(" not in style and "@font-face" not in style


# --- both languages ------------------------------------------------------------------------------


def test_both_languages(healthcare_html, model):
    en = render_html(model.advise(_load(model, HEALTHCARE), "en"))
    nl_t, en_t = labels().resolve("nl"), labels().resolve("en")
    assert healthcare_html.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert en.startswith('<!DOCTYPE html>\n<html lang="en">')
    for key in ("title", "appendix", "legend", "whole_case"):
        assert e(nl_t["report"][key]) in healthcare_html, key
        assert e(en_t["report"][key]) in en, key
    for key in ("focus", "firings"):  # shared with the text output
        assert e(nl_t[key]) in healthcare_html, key
        assert e(en_t[key]) in en, key
    assert e(nl_t["summary"]["conditions"]) in healthcare_html and e(en_t["summary"]["conditions"]) in en
    assert "Point of application" in en and "Aangrijpingspunt" in healthcare_html
    assert "Aangrijpingspunt" not in en and "Point of application" not in healthcare_html
    assert kansrijk("report", str(HEALTHCARE), "--lang", "en").output == en


def test_report_labels_exist_in_both_languages():
    raw = labels().root["report"]

    def leaves(value, path=""):
        if set(value) == {"nl", "en"}:
            yield path, value
        else:
            for key, item in value.items():
                yield from leaves(item, f"{path}.{key}")

    found = list(leaves(raw))
    assert len(found) > 20
    for path, text in found:
        assert text["nl"].strip() and text["en"].strip(), path


def test_the_report_labels_repeat_no_other_label():
    """One source per word: the page says band, likelihood, basis and every heading the text summary
    also has with the same labels (band, likelihood, basis.names, summary.*), not with copies."""
    raw = labels().root

    def leaves(value, path=""):
        if set(value) == {"nl", "en"}:
            yield path, (value["nl"], value["en"])
        else:
            for key, item in value.items():
                yield from leaves(item, f"{path}.{key}" if path else key)

    elsewhere = {text: path for path, text in leaves(raw) if not path.startswith("report.")}
    copies = {path: elsewhere[text] for path, text in leaves(raw["report"], "report") if text in elsewhere}
    assert copies == {}
    for words in ("band", "likelihood", "basis", "reason", "seen.adviser", "seen.count", "firings"):
        key, *rest = words.split(".")
        assert key not in raw["report"] or (rest and rest[0] not in raw["report"][key]), words


# --- the environments ----------------------------------------------------------------------------


def test_html_environment_escapes_and_the_text_one_does_not():
    html = html_environment().from_string("{{ x }}").render(x="<a & b>")
    assert html == "&lt;a &amp; b&gt;"
    assert environment().from_string("{{ x }}").render(x="<a & b>") == "<a & b>"
    assert html_environment().loader is environment().loader
    for name in ("num", "section", "sections"):  # the shared filters, not copies
        assert html_environment().filters[name] is environment().filters[name]
    assert "fill" not in environment().filters  # the HTML's own filters stay out of the text environment
    assert html_environment().autoescape("report.html.j2") is True
    with pytest.raises(Exception, match="undefined"):
        html_environment().from_string("{{ missing }}").render()


def test_helpers():
    assert coord(-0.00001) == "0.0" and coord(12.345) == "12.3"
    assert wrap("Aandacht voor persoonlijke relaties", 17) == ["Aandacht voor", "persoonlijke", "relaties"]
    assert wrap("") == [""]


# --- a small well-formedness check ---------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source", "track", "embed", "param"}


class Balance(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # <path .../> and friends in SVG

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'} at {self.getpos()}")
        else:
            self.stack.pop()


def check_balanced(html: str) -> None:
    parser = Balance()
    parser.feed(html)
    parser.close()
    assert parser.errors == [] and parser.stack == [], (parser.errors[:5], parser.stack)


def test_advise_format_html_is_the_report():
    report = kansrijk("report", HEALTHCARE, "--lang", "en")
    advise = kansrijk("advise", HEALTHCARE, "--lang", "en", "--format", "html")
    assert report.exit_code == advise.exit_code == 0
    assert advise.output == report.output and advise.output.startswith("<!DOCTYPE html>")


# --- review of the summary (issue 7): the page says what the text and markdown say -----------------

from tests.test_advice_output import REASONS, eight_respondents, of, sentence, withheld_case  # noqa: E402


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_focus_reason_has_its_own_sentence_on_the_page(model, lang):
    t = labels().resolve(lang)
    own = {r: sentence(t["summary"]["reason"][r]) for r in REASONS if r in t["summary"]["reason"]}
    own["insufficient"] = sentence(t["summary"]["insufficient_do"])
    for reason, data in REASONS.items():
        if data is None:
            report = model.advise(_load(model, HEALTHCARE), lang)
        else:
            report = report_of(model, {"name": reason, **data}, lang)
        assert report.focus_detail.reason == reason
        page = summary_of(render_html(report))
        head = page[:page.index('<section id="conditions">')]
        for other, words in own.items():
            assert (e(words) in head) == (other == reason), (reason, other)


def test_first_phases_phase_order_and_only_known_on_the_page(model):
    level = report_of(model, {"name": "level", "language": "en", **REASONS["first_phases"]})
    head = section(render_html(level), "focus")
    assert ("Attention to personal relationships looks a little more neglected, but needs work to the same "
            "degree as A meaningful ambition (discuss).") in head and "(§3.5)" in head
    reading = report_of(model, {"name": "r", "language": "en", "scores": of("ambition", 3) | of("process", 1)})
    head = section(render_html(reading), "focus")
    assert "A joint process looks more neglected" in head and e("(the tool's reading; §3.5)") in head
    one = report_of(model, {"name": "one", "language": "en", "scores": of("ambition", 1)})
    html = render_html(one)
    assert "is the only one of the known conditions that needs work" in section(html, "focus")
    assert e("Unknown: Respect for each other's interests") in section(html, "conditions")


def test_too_little_information_shows_what_is_known_and_no_clean_bill(model):
    thin = report_of(model, {"name": "thin", "language": "en", "characteristics": {"diversity": "low"},
                             "scores": {"interests.genuine_interest": 1}})
    assert not thin.coverage.sufficient
    r = labels().resolve("en")["report"]
    html = render_html(thin)
    summary = summary_of(html)
    assert 'id="too-little"' in summary
    interests = re.search(r'<tr id="condition-interests">(.*?)</tr>', summary).group(1)
    assert r["provisional"] in interests and "Value for each partner" in interests
    assert "more likely to compete" in section(html, "heed")
    assert e(r["threats_none"]) not in html
    only = report_of(model, {"name": "only", "language": "en", "characteristics": {"mutual_dependence": "high"}})
    html = render_html(only)
    assert "Mutual dependence" in section(html, "heed") and e(r["threats_none"]) not in html


def test_withheld_values_on_the_page(model):
    """One of the three people of organisation A answered 'shared ambition': its value, the means built
    on it and A's ambition mean are not shown, and the radar gets no point for them."""
    report = report_of(model, {"name": "w", "language": "en", **withheld_case()})
    t = labels().resolve("en")
    withheld = e(t["summary"]["withheld"])
    html = render_html(report)
    assert "None" not in html
    row = re.search(r'<tr id="condition-ambition">(.*?)</tr>', html).group(1)
    assert withheld in row
    numbers = re.search(r'<tr id="numbers-ambition">(.*?)</tr>', html).group(1)
    assert withheld in numbers
    organisations = re.search(r'<table class="organisations">(.*?)</table>', html, re.DOTALL).group(1)
    ambition = re.search(r"<tr><td>A meaningful ambition</td>(.*?)</tr>", organisations).group(1)
    assert ambition.count(withheld) == 2  # the whole case and organisation A; B answered none of it
    svg = radar_svg(html)
    axis = next(a for a in radar(report, t)["axes"] if a["id"] == "ambition")
    assert axis["missing"] and axis["mark"][1] == t["report"]["radar_withheld"]
    points = re.findall(r"<title>(.*?): ", svg)  # a point's title: "<line> — <condition>: <mean>"
    assert "A — A meaningful ambition" not in points and "Whole case — A meaningful ambition" not in points
    assert "B — A meaningful ambition" in points  # B's mean rests on three answers per indicator
    facts = appendix_of(html)
    assert f"Shared ambition ({withheld})" in facts


def test_an_observation_that_counts_stays_on_the_page(model):
    report = report_of(model, {"name": "eight", "language": "en", "respondents": eight_respondents(2)})
    dynamic = next(d for d in report.dynamics if d.id == "enemy_images")
    assert dynamic.likelihood == "doubtful"
    dynamics = section(render_html(report), "dynamics")
    assert "<strong>Enemy images</strong>" in dynamics and "observed by 2 of 8 respondents" in dynamics


def test_the_default_way_of_working_says_it_is_general(model):
    report = report_of(model, {"name": "d", "language": "en", "scores": of("ambition", 2) | of("interests", 4)})
    assert report.methods[0].default
    assert "<strong>Analyse together</strong> — general way of working" in section(render_html(report), "methods")


def test_a_characteristic_shows_its_point_on_the_page(model):
    report = report_of(model, {"name": "alike", "language": "en", "characteristics": {"diversity": "low"},
                               "scores": of("interests", 1) | of("ambition", 4)})
    heed = section(render_html(report), "heed")
    assert "more likely to compete" in heed and "Look deliberately for partners" not in heed
