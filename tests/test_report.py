"""kansrijk report: the advice as one self-contained, escaped, deterministic HTML page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import yaml
from click.testing import CliRunner
from markupsafe import escape

from kansrijk.cli import main
from kansrijk.render import environment, labels
from kansrijk.report_html import html_environment, num, polar, radar, render_html, wrap
from tests.conftest import EXAMPLES, HEALTHCARE
from tests.report_cases import GROUP, HAS_GROUP, HOSTILE, group_case

needs_group = pytest.mark.skipif(not HAS_GROUP, reason="Report has no organisations/divergences yet")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


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
    result = run("report", str(HEALTHCARE), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == healthcare_html
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind


def test_command_without_output_prints_the_page(healthcare_html):
    result = run("report", str(HEALTHCARE))
    assert result.exit_code == 0
    assert result.output == healthcare_html


def test_output_is_never_overwritten_without_force(tmp_path):
    out = tmp_path / "report.html"
    out.write_text("keep me", encoding="utf-8")
    refused = run("report", str(HEALTHCARE), "-o", str(out))
    assert refused.exit_code == 2
    assert "exists" in refused.output and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = run("report", str(HEALTHCARE), "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_bad_case_stops_with_exit_code_2(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("name: x\nscores: {ambition.shared: 9}\n", encoding="utf-8")
    result = run("report", str(case))
    assert result.exit_code == 2
    assert "ambition.shared" in result.output


def test_help_has_an_example():
    result = run("report", "--help")
    assert result.exit_code == 0
    assert "kansrijk report examples/" in result.output


# --- determinism ---------------------------------------------------------------------------------


def test_same_input_gives_byte_identical_output(tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert run("report", str(HEALTHCARE), "-o", str(first)).exit_code == 0
    assert run("report", str(HEALTHCARE), "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_order_of_keys_and_items_in_the_case_does_not_matter(tmp_path):
    data = yaml.safe_load(HEALTHCARE.read_text(encoding="utf-8"))
    shuffled = {key: data[key] for key in reversed(list(data))}
    shuffled["scores"] = dict(reversed(list(data["scores"].items())))
    shuffled["characteristics"] = dict(reversed(list(data["characteristics"].items())))
    shuffled["observations"] = list(reversed(data["observations"]))
    case = tmp_path / "shuffled.yaml"
    case.write_text(yaml.safe_dump(shuffled, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert run("report", str(case)).output == run("report", str(HEALTHCARE)).output


def test_group_report_is_deterministic(model):
    assert render_html(report_of(model, group_case())) == render_html(report_of(model, group_case()))


# --- what the page holds -------------------------------------------------------------------------


def test_page_is_well_formed(healthcare_html, group_html):
    for html in (healthcare_html, group_html):
        assert html.startswith("<!DOCTYPE html>\n<html lang=")
        assert '<meta charset="utf-8">' in html
        check_balanced(html)


def test_case_name_and_notes(healthcare, healthcare_html):
    assert f"<h1>{e(healthcare.case)}</h1>" in healthcare_html
    assert f"<title>{e(healthcare.case)} — " in healthcare_html
    assert e(healthcare.notes) in healthcare_html


def test_every_condition_with_its_status(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    table = section(healthcare_html, "conditions")
    for c in healthcare.conditions:
        row = re.search(rf'<tr id="condition-{c.id}">(.*?)</tr>', table).group(1)
        assert e(c.name) in row
        assert f'<span class="status status-{c.status}">{e(t["status"][c.status])}</span>' in row
        assert f"{c.answered}/4" in row
    assert {c.status for c in healthcare.conditions} >= {"weak", "attention"}


def test_the_focus(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    names = {c.id: c.name for c in healthcare.conditions}
    focus = section(healthcare_html, "focus")
    assert healthcare.focus is not None
    assert f"{e(t['focus_start'])}: {e(names[healthcare.focus])}" in focus


def test_no_focus_and_no_advice_for_a_healthy_case(model):
    healthy = next(p for p in EXAMPLES if "gezond" in p.name)
    report = model.advise(_load(model, healthy))
    t = labels().resolve(report.language)
    html = render_html(report)
    assert report.focus is None and not report.advice
    assert e(t["focus_none"]) in section(html, "focus")
    assert e(t["advice_none"]) in section(html, "advice")
    assert "<details>" not in html


def test_every_advice_item_with_its_explanation_folded(healthcare, healthcare_html):
    t = labels().resolve(healthcare.language)
    advice = section(healthcare_html, "advice")
    items = re.findall(r'<article class="advice-item" id="advice-(\d+)">(.*?)</article>', advice, re.DOTALL)
    assert [int(rank) for rank, _ in items] == [a.rank for a in healthcare.advice]
    assert len(healthcare.advice) >= 3
    for a, (_, html) in zip(healthcare.advice, items):
        assert e(a.name) in html and e(a.description) in html
        for question in a.questions:
            assert f"<li>{e(question)}</li>" in html
        for part in a.contributions:
            assert f'<tr><td class="num">{part.value}</td><td>{e(part.label)}</td></tr>' in html
        assert f'<tr class="total"><td class="num">{a.priority}</td>' in html
        assert html.count("<details>") == 1 and html.count("</details>") == 1
        folded = html[html.index("<details>"):]
        assert f"<summary>{e(t['report']['why'])} ({len(a.why)})</summary>" in folded
        for step in a.why:
            assert e(step.claim) in folded
            assert f"<code>{e(step.rule)}" in folded
        assert len(re.findall(r"<li><p><code>", folded)) == len(a.why)


def test_the_dynamics(healthcare, healthcare_html):
    dynamics = section(healthcare_html, "dynamics")
    assert healthcare.dynamics
    for d in healthcare.dynamics:
        assert f'<li class="dyn-{d.polarity}">' in dynamics
        assert f"<strong>{e(d.name)}</strong>" in dynamics


def test_what_the_characteristics_ask(healthcare, healthcare_html):
    heed = section(healthcare_html, "heed")
    assert healthcare.heed
    for h in healthcare.heed:
        assert e(h.name) in heed and e(h.asks) in heed


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
    chart = radar(healthcare, "whole")
    (series,) = chart["series"]
    for i, (c, point) in enumerate(zip(healthcare.conditions, series["points"].split())):
        x, y = map(float, point.split(","))
        expected = polar(i, 5, c.score)
        assert abs(x - expected.x) < 0.06 and abs(y - expected.y) < 0.06
    top = polar(0, 5, 5)
    centre = polar(0, 5, 0)
    assert top.x == centre.x and top.y < centre.y  # the first axis points up


def test_radar_with_missing_scores_and_without_scores(model):
    t = labels().resolve("nl")
    partial = render_html(report_of(model, {"name": "partial", "scores": {"ambition.shared": 2}}))
    svg = radar_svg(partial)
    assert svg.count("<polygon") == 1 and svg.count("<title>") == 1  # one point, with its value as a tooltip
    assert e(t["report"]["radar_missing"]) in partial
    empty = render_html(report_of(model, {"name": "empty", "observations": ["permanent_negotiation"]}))
    assert '<svg class="radar"' not in empty
    assert e(t["report"]["radar_empty"]) in empty


@needs_group
def test_radar_has_a_line_per_shown_organisation(group, group_html):
    shown = [o for o in group.organisations if o.shown]
    hidden = [o for o in group.organisations if not o.shown]
    assert len(shown) == 2 and len(hidden) == 1
    svg = radar_svg(group_html)
    assert svg.count("<polygon") == 1 + len(shown)
    assert svg.count('<line class="axis"') == 5
    legend = re.search(r'<ul class="legend">(.*?)</ul>', group_html, re.DOTALL).group(1)
    for o in shown:
        assert f"{e(o.label)} (n = {o.respondents})" in legend
    # the organisation too small to show is named in the legend only by its anonymous label
    assert e(hidden[0].label) in legend and "Stichting Klein" not in group_html
    assert e(hidden[0].label) not in svg


@needs_group
def test_scores_per_organisation_hide_small_organisations(group, group_html):
    t = labels().resolve(group.language)
    table = re.search(r'<table class="organisations">(.*?)</table>', group_html, re.DOTALL).group(1)
    for o in group.organisations:
        if o.shown:
            assert f'<th class="num">{e(o.label)}</th>' in table
            for value in o.conditions.values():
                assert f"{value:.2f}" in table
        else:
            assert e(o.label) not in table
            assert f"{e(o.label)}: {e(t['report']['hidden'])}" in group_html


@needs_group
def test_divergences_with_their_threshold(group, group_html):
    t = labels().resolve(group.language)
    part = section(group_html, "divergences")
    assert group.divergences
    rows = re.findall(r"<tr><td>(.*?)</tr>", part.split("<tbody>")[1], re.DOTALL)
    assert len(rows) == len(group.divergences)
    for d, row in zip(group.divergences, rows):
        assert e(d.name) in row
        gap = f"{d.gap:.2f}" if d.gap is not None else f"≥ {d.threshold:.2f}"
        assert f'<td class="num">{gap}</td><td class="num">{d.threshold:.2f}</td>' in row
        for who in (d.high, d.low):
            assert e(who if who is not None else t["report"]["unnamed"]) in row
    assert f"<th class=\"num\">{e(t['report']['threshold'])}</th>" in part
    assert "Stichting Klein" not in part
    # the small organisation is the lowest everywhere: no divergence may give a gap or a name
    assert all(d.gap is None and d.high is None and d.low is None for d in group.divergences)


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


@needs_group
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
    nl_t, en_t = labels().resolve("nl")["report"], labels().resolve("en")["report"]
    assert healthcare_html.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert en.startswith('<!DOCTYPE html>\n<html lang="en">')
    for key in ("title", "radar", "statuses", "why", "legend", "whole_case"):
        assert e(nl_t[key]) in healthcare_html, key
        assert e(en_t[key]) in en, key
    assert "Point of application" in en and "Aangrijpingspunt" in healthcare_html
    assert "Aangrijpingspunt" not in en and "Point of application" not in healthcare_html
    assert run("report", str(HEALTHCARE), "--lang", "en").output == en


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


# --- the environments ----------------------------------------------------------------------------


def test_html_environment_escapes_and_the_text_one_does_not():
    html = html_environment().from_string("{{ x }}").render(x="<a & b>")
    assert html == "&lt;a &amp; b&gt;"
    assert environment().from_string("{{ x }}").render(x="<a & b>") == "<a & b>"
    assert html_environment().loader is environment().loader
    assert html_environment().autoescape("report.html.j2") is True
    with pytest.raises(Exception, match="undefined"):
        html_environment().from_string("{{ missing }}").render()


def test_helpers():
    assert num(-0.00001) == "0.0" and num(12.345) == "12.3"
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
    from click.testing import CliRunner

    from kansrijk.cli import main

    from tests.conftest import HEALTHCARE

    case = str(HEALTHCARE)
    report = CliRunner().invoke(main, ["report", case, "--lang", "en"])
    advise = CliRunner().invoke(main, ["advise", case, "--lang", "en", "--format", "html"])
    assert report.exit_code == advise.exit_code == 0
    assert advise.output == report.output and advise.output.startswith("<!DOCTYPE html>")
