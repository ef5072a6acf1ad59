"""The learning pages: /learn draws kansrijk.graph's causal graph (laid out by kansrijk.graph_layout)
with a node's rules and an assessment's firings from the engine's record; /learn/quiz is
kansrijk.quiz as a form, graded by quiz.grade."""

from __future__ import annotations

import html
import re

import pytest
from markupsafe import escape

from kansrijk.graph import causal_graph
from kansrijk.graph_layout import layout
from kansrijk.quiz import build, grade
from kansrijk.render import labels
from kansrijk.whatif import chain_firings
from tests.browser_support import browser_page, needs_chromium, serving
from tests.web_support import example_case, import_example, workbench  # noqa: F401 (the fixture)

NODE = re.compile(r'<a class="node ([^"]*)" id="node-[^"]*" href="([^"]*)" data-node="([^"]*)" tabindex="0"')
EDGE = re.compile(r'<path class="edge ([^"]*)" d="[^"]*" data-source="([^"]*)" data-target="([^"]*)" data-rules="([^"]*)"')
RULE = re.compile(r'<li class="rule( fired)?" data-rule="([^"]*)">')
PROBLEM = re.compile(r'<p class="message error" id="learn-problem" role="alert">([^<]*)</p>')


def esc(text: str) -> str:
    """Text as the pages' autoescaping writes it."""
    return str(escape(text))


def nodes(page: str) -> dict[str, set[str]]:
    """node id -> its classes, for every node drawn."""
    return {html.unescape(m.group(3)): set(m.group(1).split()) for m in NODE.finditer(page)}


def edges(page: str) -> list[tuple[set[str], str, str, list[str]]]:
    return [(set(m.group(1).split()), html.unescape(m.group(2)), html.unescape(m.group(3)), m.group(4).split())
            for m in EDGE.finditer(page)]


def key(firing) -> str:
    return f"{firing.rule}[{firing.binding}]" if firing.binding else firing.rule


def problem(page: str) -> str:
    found = PROBLEM.search(page)
    assert found, page[:2000]
    return html.unescape(found.group(1))


# --- the graph ---------------------------------------------------------------------------------


@pytest.mark.parametrize("condition", ["organisation", "interests", "all"])
def test_the_drawing_holds_exactly_the_nodes_and_edges_of_the_chosen_condition(workbench, model, condition):
    page = workbench.get(f"/learn?condition={condition}")
    assert page.status_code == 200
    graph = causal_graph(model, None if condition == "all" else condition)
    assert set(nodes(page.text)) == {n.id for n in graph.nodes}
    drawn = [(source, target, rules) for _, source, target, rules in edges(page.text)]
    assert drawn == [(e.source, e.target, list(e.rules)) for e in graph.edges]


def test_a_condition_can_be_named_by_its_dutch_word(workbench, model):
    page = workbench.get("/learn?condition=belangen")
    assert set(nodes(page.text)) == {n.id for n in causal_graph(model, "interests").nodes}


def test_by_default_the_first_condition_and_for_an_assessment_its_focus(workbench, model):
    first = model.kb.condition_ids()[0]
    assert set(nodes(workbench.get("/learn").text)) == {n.id for n in causal_graph(model, first).nodes}
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    focus = model.advise(workbench.store.assessment(aid).case).focus
    assert focus != first  # else this test could not tell the two defaults apart
    page = workbench.get(f"/learn?assessment={aid}")
    assert set(nodes(page.text)) == {n.id for n in causal_graph(model, focus).nodes}


def test_every_node_is_a_focusable_link_that_selects_it(workbench):
    page = workbench.get("/learn?condition=process").text
    links = re.findall(r'<a class="node [^"]*" id="node-[^"]*" href="([^"]*)" data-node="([^"]*)" tabindex="0"', page)
    assert links and len(links) == page.count('<a class="node ')
    for href, node in links:
        assert html.unescape(href).startswith(f"/learn?condition=process&node={node.replace(':', '%3A')}#node-")


def test_the_panel_shows_the_rules_of_the_node_from_the_causal_graph(workbench, model):
    node = "neglect:interests"
    page = workbench.get(f"/learn?node={node}&lang=en").text
    graph = causal_graph(model)
    into = [k for e in graph.edges if e.target == node for k in e.rules]
    out = [k for e in graph.edges if e.source == node for k in e.rules]
    panel = page[page.index('id="learn-panel-body"'):]
    shown = [m.group(2) for m in RULE.finditer(panel)]
    assert shown == list(dict.fromkeys(into)) + list(dict.fromkeys(out))
    for rule in set(shown):
        record = model.book.by_id[rule.split("[")[0]]
        entry = panel[panel.index(f'data-rule="{rule}"'):]
        entry = entry[:entry.index("</li>")]
        assert ", ".join(record.sections).replace("Tabel 1", "Table 1").replace("Figuur", "Figure") in entry
        assert esc(record.claim("en")) in entry
        assert esc(labels().resolve("en")["basis"]["names"][record.basis]) in entry


def test_a_node_outside_the_view_still_gets_its_panel(workbench, model):
    page = workbench.get("/learn?condition=ambition&node=advise:organise_encounters")
    assert page.status_code == 200
    assert "advise:organise_encounters" not in nodes(page.text)
    assert 'data-rule="REL-06"' in page.text


def test_the_panel_alone_for_the_script(workbench):
    full = workbench.get("/learn?node=dynamic:permanent_negotiation").text
    partial = workbench.get("/learn?node=dynamic:permanent_negotiation&partial=panel").text
    assert "<html" not in partial and 'id="learn-panel-body"' in partial
    start = full.index('<div id="learn-panel-body"')
    assert full[start:start + len(partial.strip())] == partial.strip()


def test_highlighted_rules_are_the_firings_in_the_engines_record(workbench, model):
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    inference = model.infer(workbench.store.assessment(aid).case)
    fired = {key(f) for f in inference.firings}
    page = workbench.get(f"/learn?assessment={aid}&condition=all").text
    drawn = edges(page)
    lit = [e for e in drawn if "fired" in e[0]]
    assert 0 < len(lit) < len(drawn)
    for classes, _, _, rules in drawn:
        assert ("fired" in classes) == bool(fired.intersection(rules))
    # every firing is on the drawing, and nothing else lights up
    assert fired <= {k for _, _, _, rules in lit for k in rules}
    lit_nodes = {n for n, classes in nodes(page).items() if "fired" in classes}
    assert lit_nodes == {n for _, source, target, _ in lit for n in (source, target)}
    assert 'id="learn-assessment"' in page and "Regionale zorgalliantie Noord" in page


def test_another_assessment_lights_other_rules(workbench, model):
    lit = []
    for name in ("zorgalliantie.yaml", "energietransitie_gezond.yaml"):
        _, aid = import_example(workbench.store, name)
        page = workbench.get(f"/learn?assessment={aid}&condition=all").text
        lit.append({tuple(rules) for classes, _, _, rules in edges(page) if "fired" in classes})
    assert lit[0] != lit[1]


def test_a_chosen_node_shows_its_chain_and_its_rules_that_fired(workbench, model):
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    inference = model.infer(workbench.store.assessment(aid).case)
    node = "dynamic:permanent_negotiation"
    page = workbench.get(f"/learn?assessment={aid}&node={node}").text
    chain = {f"{r}[{b}]" if b else r for r, b in chain_firings(inference, node)}
    assert chain
    shown = re.search(r'data-chain="([^"]*)"', page).group(1).split()
    assert shown == sorted(chain)
    for classes, _, _, rules in edges(page):
        assert ("chain" in classes) == bool(chain.intersection(rules))
    fired = {key(f) for f in inference.firings}
    for match in RULE.finditer(page):
        assert bool(match.group(1)) == (match.group(2) in fired)
    steps = model.advisor.chain(inference, node, "nl")
    assert [s.rule for s in steps] == re.findall(r'<li class="[^"]*"><code>([A-Z]{3}-\d\d)', page)
    # each step tagged in the words of `kansrijk explain` (labels.yaml detail)
    tags = [tag for s in steps for tag in [("", "doorslaggevend")] * s.decisive + [(" against", "ertegen")] * s.against]
    assert ("", "doorslaggevend") in tags
    assert re.findall(r'<span class="tag( against)?">([^<]*)</span>', page) == tags


def test_a_nodes_panel_says_what_the_record_holds_for_it(workbench, model):
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    inference = model.infer(workbench.store.assessment(aid).case)
    said = {"given in the case": 0, "the engine holds this": 0, "not in the case": 0, "concludes nothing": 0}
    graph = causal_graph(model)
    # of every kind one node the case gave or the engine concluded, and one it did not
    sample = {}
    for node in graph.nodes:
        known = node.id in inference.inputs or inference.certainty(node.id) is not None
        sample.setdefault((node.kind, known), node)
    for node in sample.values():
        panel = workbench.get(f"/learn?assessment={aid}&node={node.id}&lang=en&partial=panel")
        assert panel.status_code == 200, node.id
        record = panel.text[panel.text.index("In this assessment"):]
        first = next(words for words in said if words in record[:400])
        said[first] += 1
        if node.id in inference.inputs:
            assert first == "given in the case"
        elif inference.certainty(node.id) is not None:
            assert first == "the engine holds this"
    assert all(said.values()), said


def test_an_input_node_says_what_the_case_gave_withheld_values_stay_hidden(workbench, model):
    from kansrijk.case import Case

    # two respondents answered the indicator: fewer than min_group (3), so its value is not shown
    answers = {"interests.real_dialogue": 1, "interests.genuine_interest": 2}
    case = Case.model_validate({"name": "Twee partners", "respondents": [
        {"organisation": "A", "scores": answers}, {"organisation": "B", "scores": answers}]}, context={"kb": model.kb})
    _, aid = workbench.store.import_case(case)
    node = "score:interests.real_dialogue"
    assert node in model.infer(workbench.store.assessment(aid).case).withheld
    panel = workbench.get(f"/learn?assessment={aid}&node={node}&lang=en&partial=panel").text
    given = re.search(r"<p>given in the case: ([^<]*)</p>", panel).group(1)
    assert esc(labels().resolve("en")["summary"]["withheld"]) in given and "=" not in given
    # a score that is shown says its value
    _, shown = import_example(workbench.store, "zorgalliantie.yaml")
    panel = workbench.get(f"/learn?assessment={shown}&node={node}&lang=en&partial=panel").text
    value = example_case("zorgalliantie.yaml").scores["interests.real_dialogue"]
    assert re.search(rf"<p>given in the case: score [^<]* = {value}</p>", panel)


def test_user_text_is_escaped(workbench, model):
    case = example_case("zorgalliantie.yaml").model_copy(update={"name": "<script>alert(1)</script> & co"})
    _, aid = workbench.store.import_case(case)
    page = workbench.get(f"/learn?assessment={aid}").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


@pytest.mark.parametrize("query, status, field, words", [
    ("condition=bogus", 400, "condition", ["bogus", "ambition, interests"]),
    ("condition=interest", 400, "condition", ["interests"]),
    ("node=neglect:interest", 404, "node", ["neglect:interest", "neglect:interests"]),
    ("node=<b>", 404, "node", ["<b>"]),
    ("assessment=abc", 400, "assessment", ["abc"]),
    ("assessment=99999999999999", 400, "assessment", ["2147483647"]),
    ("assessment=%C2%B2", 400, "assessment", ["'²' is not a whole number", "from 1 to 2147483647"]),
    ("assessment=0", 400, "assessment", ["'0' is out of range", "from 1 to 2147483647"]),
])
def test_a_bad_parameter_gets_a_clear_message_naming_it(workbench, query, status, field, words):
    page = workbench.get(f"/learn?{query}&lang=en")
    assert page.status_code == status
    message = problem(page.text)
    assert message.startswith(f"{field}: ")
    for word in words:
        assert word in message
    assert "Traceback" not in page.text and "<b>" not in page.text


def test_an_unknown_assessment_is_not_found(workbench):
    assert workbench.get("/learn?assessment=424242").status_code == 404


def test_the_same_request_gives_the_same_page(workbench):
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    for url in (f"/learn?assessment={aid}&node=neglect:interests", "/learn?condition=all", "/learn/quiz?seed=12"):
        first, second = workbench.get(url), workbench.get(url)
        assert first.status_code == 200 and first.content == second.content


def test_the_page_is_in_the_readers_language(workbench, model):
    english = workbench.get("/learn?lang=en&condition=interests").text
    dutch = workbench.get("/learn?lang=nl&condition=interests").text
    name = model.kb.by_id["condition"]["interests"].name
    assert esc(name("en")) in english and esc(name("nl")) in dutch
    assert labels().resolve("en")["graph"]["layers"]["dynamic"] in english
    assert labels().resolve("nl")["graph"]["layers"]["dynamic"] in dutch


# --- the layout --------------------------------------------------------------------------------


@pytest.mark.parametrize("condition", [None, "relationship"])
def test_the_layout_keeps_every_box_apart_and_inside_and_is_the_same_each_time(model, condition):
    graph = causal_graph(model, condition)
    drawing = layout(graph, "nl")
    assert drawing == layout(graph, "nl")
    assert [b.node.id for b in drawing.boxes] == [n.id for n in graph.nodes]
    columns = {}
    for box in drawing.boxes:
        assert 0 <= box.x and box.x + box.width <= drawing.width
        assert 0 <= box.y and box.y + box.height <= drawing.height
        columns.setdefault(box.x, []).append(box)
    for boxes in columns.values():
        boxes.sort(key=lambda b: b.y)
        assert all(a.y + a.height < b.y for a, b in zip(boxes, boxes[1:]))
    # the publication's order: conditions before the dynamics their neglect leads to (Figure 2)
    x = {c.type: c.x for c in drawing.columns}
    assert x["input"] < x["condition"] < x["dynamic"] < x["intervention"]


def crossings(drawing) -> int:
    """Pairs of edges between the same two columns that cross."""
    box = {b.node.id: b for b in drawing.boxes}
    spans = [(box[c.edge.source], box[c.edge.target]) for c in drawing.curves]
    return sum(1 for i, (a, b) in enumerate(spans) for c, d in spans[i + 1:]
               if (a.x, b.x) == (c.x, d.x) and a.x < b.x and (a.middle - c.middle) * (b.middle - d.middle) < 0)


@pytest.mark.parametrize("condition", [None, "ambition", "interests", "relationship", "organisation", "process"])
def test_ordering_the_columns_crosses_far_fewer_edges_than_the_graphs_own_order(model, monkeypatch, condition):
    graph = causal_graph(model, condition)
    ordered = crossings(layout(graph, "en"))
    monkeypatch.setattr("kansrijk.graph_layout.SWEEPS", 0)
    assert ordered * 2 < crossings(layout(graph, "en"))


# --- the quiz ----------------------------------------------------------------------------------


def quiz_of(model, seed: int, lang: str = "nl", condition: str | None = None):
    return build(model, seed, lang, condition, list(labels().root["quiz"]["settings"]))


def test_without_a_seed_the_quiz_picks_one_and_says_it_in_the_url(workbench):
    page = workbench.get("/learn/quiz?condition=belangen", follow_redirects=False)
    assert page.status_code == 303
    seed = re.fullmatch(r"/learn/quiz\?seed=(\d+)&condition=interests", page.headers["location"])
    assert seed and 1 <= int(seed.group(1)) < 10_000


def test_the_quiz_form_shows_the_vignette_and_every_option(workbench, model):
    built = quiz_of(model, 21, "en", "process")
    page = workbench.get("/learn/quiz?seed=21&condition=process&lang=en").text
    assert 'action="/learn/quiz?seed=21&amp;condition=process"' in page
    for item in built.vignette.observations:
        assert esc(model.kb.item_of_node(f"observed:{item}").name("en")) in page
    for question in built.questions:
        options = re.findall(rf'name="answer\.{question.id}" value="([^"]*)"', page)
        assert options == [o.id for o in question.options]
        assert esc(labels().resolve("en")["quiz"]["question"][question.id]) in page
    assert " checked" not in page.replace(" checked.", "")


# the score and verdicts each pick earns, worked out once with the quiz: an option other than the
# expected one that the engine also concludes is "close" and earns no point; a number picks its option
@pytest.mark.parametrize("seed, pick, score, verdicts", [
    (3, "expected", 3, ["right", "right", "right"]), (3, "other", 0, ["wrong", "close", "close"]),
    (8, "mixed", 2, ["right", "close", "right"]), (15, "numbers", 3, ["right", "right", "right"])])
def test_answers_are_graded_as_quiz_grade_grades_them(workbench, model, seed, pick, score, verdicts):
    built = quiz_of(model, seed, "en")
    answers = []
    for n, q in enumerate(built.questions):
        other = next(o for o in q.options if o.id != q.expected)
        if pick == "numbers":
            answers.append(str(next(o.number for o in q.options if o.id == q.expected)))
        else:
            answers.append(q.expected if pick == "expected" or (pick == "mixed" and n != 1) else other.id)
    graded = grade(model, built, answers)
    assert graded.score == score
    assert ["right" if q.correct else "close" if q.close else "wrong" for q in graded.questions] == verdicts
    workbench.get("/learn?lang=en")
    page = workbench.post_form(f"/learn/quiz?seed={seed}", {f"answer.{q.id}": a for q, a in zip(built.questions, answers)})
    assert page.status_code == 200
    assert f"Score: {score}/3" in page.text
    for q, verdict in zip(graded.questions, verdicts, strict=True):
        assert f'<div class="feedback {verdict}" id="feedback-{q.id}">' in page.text
        assert re.search(rf'name="answer\.{q.id}" value="{re.escape(q.answer)}" checked', page.text)
        feedback = page.text[page.text.index(f'id="feedback-{q.id}"'):]
        feedback = feedback[:feedback.index("</fieldset>")]
        assert re.findall(r"<code>([A-Z]{3}-\d\d)", feedback) == [s.rule for s in q.why]


def test_a_missing_or_foreign_answer_is_marked_beside_its_question_and_nothing_is_lost(workbench, model):
    built = quiz_of(model, 5, "en")
    first, second, third = built.questions
    workbench.get("/learn?lang=en")
    page = workbench.post_form("/learn/quiz?seed=5", {f"answer.{first.id}": first.options[1].id,
                                                      f"answer.{third.id}": "nonsense"})
    assert page.status_code == 400
    assert "Not checked" in page.text and "Score:" not in page.text
    assert re.search(rf'name="answer\.{first.id}" value="{first.options[1].id}" checked', page.text)
    errors = dict(re.findall(r'<p class="field-error" id="question-(\w+)-error">([^<]*)</p>', page.text))
    assert set(errors) == {second.id, third.id}
    assert errors[second.id] == "Choose one of the options."
    # the command line's wording for an answer that is no option
    assert html.unescape(errors[third.id]).startswith(f"answer.{third.id}: 'nonsense' is not one of the options")
    assert ", ".join(o.id for o in third.options) in html.unescape(errors[third.id])


def test_the_quiz_follows_the_language(workbench, model):
    dutch = workbench.get("/learn/quiz?seed=4&lang=nl").text
    english = workbench.get("/learn/quiz?seed=4&lang=en").text
    for lang, page in (("nl", dutch), ("en", english)):
        built = quiz_of(model, 4, lang)
        assert esc(built.questions[0].options[0].name) in page
        assert esc(labels().resolve(lang)["quiz"]["question"]["dynamic"]) in page


@pytest.mark.parametrize("query, field", [("seed=abc", "seed"), ("seed=-3", "seed"), ("seed=%C2%B2", "seed"),
                                          ("seed=7&condition=zz", "condition")])
def test_a_bad_seed_or_condition_gets_a_clear_message(workbench, query, field):
    page = workbench.get(f"/learn/quiz?{query}&lang=en")
    assert page.status_code == 400
    assert problem(page.text).startswith(f"{field}: ")


def test_the_quiz_form_needs_its_csrf_token(workbench):
    assert workbench.post("/learn/quiz?seed=5", data={"answer.dynamic": "1"}).status_code == 403


# --- in a browser ------------------------------------------------------------------------------


@needs_chromium
def test_in_a_browser_a_node_chosen_by_keyboard_opens_its_panel_and_chain_in_place(tmp_path, model):
    from kansrijk.store import Store
    from kansrijk.web.app import create_app
    from tests.web_support import SECRET

    store = Store("sqlite:///" + str(tmp_path / "learn.db"))
    _, aid = import_example(store, "zorgalliantie.yaml")
    node = "dynamic:permanent_negotiation"
    inference = model.infer(store.assessment(aid).case)
    chain = {f"{r}[{b}]" if b else r for r, b in chain_firings(inference, node)}
    with serving(create_app(store, secret_key=SECRET)) as base, browser_page() as (page, outside):
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{base}/learn?assessment={aid}&condition=interests&lang=en")
        page.evaluate("window.samePage = true")
        for _ in range(60):  # to the node with the keyboard alone
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('data-node')") == node:
                break
        else:
            pytest.fail(f"Tab never reached {node}")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#learn-panel-body[data-node='{node}']")
        assert page.evaluate("window.samePage === true")  # the panel came in place, no new page
        assert "Permanent negotiation" in page.inner_text("#learn-panel h2")
        assert node.replace(":", "%3A") in page.url and "#" not in page.url
        marked = page.eval_on_selector_all("path.edge.chain", "paths => paths.map(p => p.dataset.rules)")
        assert marked and all(chain.intersection(rules.split()) for rules in marked)
        assert page.eval_on_selector(f"a.node[data-node='{node}']", "n => n.getAttribute('aria-current')") == "true"
        assert not problems and not outside


def test_the_score_counts_close_answers_and_evidence_against_an_answer_is_said_in_words(workbench, model):
    workbench.get("/learn?lang=en")
    seen = {"close": 0, "against": 0}
    for seed, pick in ((1, 0), (1, 3), (4, 2), (2, 3)):  # every question's option number `pick`
        built = quiz_of(model, seed, "en")
        answers = [q.options[pick % len(q.options)].id for q in built.questions]
        graded = grade(model, built, answers)
        page = workbench.post_form(f"/learn/quiz?seed={seed}", {f"answer.{q.id}": a for q, a in zip(built.questions, answers)}).text
        score = re.search(r'<p class="message learn-score" id="quiz-score" role="status">([^<]*)</p>', page).group(1)
        close = sum(1 for q in graded.questions if q.close)
        assert score == f"Score: {graded.score}/3" + (f" ({close} close)" if close else "")
        seen["close"] += close
        for q in graded.questions:
            feedback = page[page.index(f'id="feedback-{q.id}"'):]
            said = feedback[:feedback.index("</p>")]
            against = q.answer_certainty is not None and q.answer_certainty < 0
            seen["against"] += against
            assert ("the case counts as evidence against your answer" in said) == against
            assert not re.search(r"[-−]\d", said)  # never a certainty below zero
    assert seen["close"] and seen["against"]  # both kinds were graded


def test_an_assessment_with_too_little_information_says_why_nothing_applies(workbench, model):
    from kansrijk.case import Case

    empty = Case.model_validate({"name": "Nog leeg"}, context={"kb": model.kb})
    _, aid = workbench.store.import_case(empty)
    assert not model.infer(empty).firings
    minimum = model.report(empty, model.infer(empty), "nl", trace=False).coverage.min_answered
    for lang, words in (("nl", "Bij deze meting was geen enkele regel van toepassing: er is te weinig informatie."),
                        ("en", "No rule applied in this assessment: there is too little information.")):
        page = workbench.get(f"/learn?assessment={aid}&lang={lang}").text
        said = html.unescape(re.search(r'<p class="message warning" id="learn-insufficient">([^<]*)</p>', page).group(1))
        assert said.startswith(words)
        assert labels().resolve(lang)["summary"]["insufficient_do"].format(n=minimum) in said
    # an assessment with enough information says nothing of the kind
    _, known = import_example(workbench.store, "zorgalliantie.yaml")
    assert 'id="learn-insufficient"' not in workbench.get(f"/learn?assessment={known}").text


def visible_text(page: str) -> str:
    """What a reader sees of a page: no tags, no attributes, no script or style."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_rules_apply_they_never_fire_in_the_readers_words(workbench):
    # the glossary's rule_applies: "van toepassing" / "applies", never "vuurde" / "fired"
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    for lang, avoid, used in (("nl", ("vuur", "vuren"), ("van toepassing waren", "niet van toepassing")),
                              ("en", ("fire",), ("rules that applied", "did not apply"))):
        # a node whose chain applied and one whose rules did not
        text = " ".join(visible_text(workbench.get(f"/learn?assessment={aid}&node={node}&lang={lang}").text)
                        for node in ("dynamic:permanent_negotiation", "observed:buzzword_ambition")).lower()
        assert not [word for word in avoid if word in text]
        assert all(words in text for words in used)
    assert "causale graaf" in visible_text(workbench.get("/learn?lang=nl").text).lower()
    assert "oorzakelijk" not in workbench.get("/learn?lang=nl").text.lower()


def test_the_panel_names_a_node_and_shows_its_id_only_small_and_labelled(workbench, model):
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    node = "observed:buzzword_ambition"
    panel = workbench.get(f"/learn?assessment={aid}&node={node}&lang=en&partial=panel").text
    name = model.kb.item_of_node(node).name("en")
    assert esc(name) in re.search(r'<h2 id="learn-panel-title">(.*?)</h2>', panel, re.S).group(1)
    text = visible_text(panel)
    assert text.count(node) == 1
    assert f'<span class="node-id">id <code>{node}</code></span>' in panel


@pytest.mark.parametrize("url", ["/learn?assessment={aid}", "/learn?assessment={aid}&node=dynamic:permanent_negotiation",
                                 "/learn/quiz?seed=3"])
def test_headings_go_down_one_level_at_a_time(workbench, url):
    _, aid = import_example(workbench.store, "zorgalliantie.yaml")
    page = workbench.get(url.format(aid=aid)).text
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", page)]
    assert levels[0] == 1 and len(levels) >= 3
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


@needs_chromium
def test_in_a_browser_the_drawing_fits_the_width_and_a_chosen_node_is_in_sight(tmp_path, model):
    from kansrijk.store import Store
    from kansrijk.web.app import create_app
    from tests.web_support import SECRET

    store = Store("sqlite:///" + str(tmp_path / "learn.db"))
    _, aid = import_example(store, "zorgalliantie.yaml")
    lowest = max(layout(causal_graph(model), "en").boxes, key=lambda b: b.y).node.id  # far down the drawing
    url = f"/learn?assessment={aid}&condition=all&node={lowest}&lang=en"
    with serving(create_app(store, secret_key=SECRET)) as base:
        with browser_page({"width": 1280, "height": 800}) as (page, outside):
            page.goto(base + url)
            box = page.eval_on_selector("#learn-graph", """b => ({scroll: b.scrollWidth, client: b.clientWidth,
                top: b.getBoundingClientRect().top, bottom: b.getBoundingClientRect().bottom})""")
            assert box["scroll"] <= box["client"]  # every column and its title in sight, no sideways scrolling
            node = page.eval_on_selector(f"a.node[data-node='{lowest}']", "n => n.getBoundingClientRect().toJSON()")
            assert box["top"] <= node["top"] and node["bottom"] <= box["bottom"]  # scrolled into sight in its box
            kind = page.eval_on_selector("a.node text.kind", "t => parseFloat(getComputedStyle(t).fontSize)")
            assert kind >= 12
            assert not outside
        with browser_page({"width": 390, "height": 800}) as (page, outside):
            page.goto(base + url)
            graph = page.eval_on_selector("#learn-graph", "g => g.getBoundingClientRect().bottom")
            panel = page.eval_on_selector("#learn-panel", "p => p.getBoundingClientRect().top")
            assert panel >= graph  # on a narrow screen the panel is below the drawing
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # only the drawing's box scrolls
            # a node clicked: its panel, below, comes into sight
            other = page.eval_on_selector(f"a.node:not([data-node='{lowest}'])", "n => n.dataset.node")
            page.evaluate("window.scrollTo(0, 0)")
            page.click(f"a.node[data-node='{other}']")
            page.wait_for_selector(f"#learn-panel-body[data-node='{other}']")
            page.wait_for_function("document.getElementById('learn-panel').getBoundingClientRect().top < window.innerHeight")
            assert not outside
