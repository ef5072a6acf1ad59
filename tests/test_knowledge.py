"""The knowledge base holds the whole model of the publication, in both languages, with sections."""

import shutil
from pathlib import Path

import pytest

from kansrijk.errors import InputError
from kansrijk.knowledgebase import KNOWLEDGE_FILES, load_knowledge
from kansrijk.text import LANGUAGES, SECTION_PATTERN, Text

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

CONDITIONS = ["ambition", "interests", "relationship", "organisation", "process"]
INDICATORS = [
    "ambition.shared", "ambition.meaningful", "ambition.strategic_fit", "ambition.personal_meaning",
    "interests.genuine_interest", "interests.value_for_each", "interests.room_to_negotiate", "interests.real_dialogue",
    "relationship.capacity_to_connect", "relationship.group_dynamics", "relationship.trust",
    "relationship.connecting_leadership",
    "organisation.fitting_structure", "organisation.support", "organisation.decisiveness",
    "organisation.clear_agreements",
    "process.phasing", "process.content_and_process", "process.roles_and_direction", "process.results",
]
CHARACTERISTICS = ["mutual_dependence", "unclear_power_centre", "diversity", "split_loyalty", "new_reality"]
NEGATIVE_DYNAMICS = {
    "pseudo_collaboration": "ambition", "recurring_why_question": "ambition",
    "defensive_behaviour": "interests", "permanent_negotiation": "interests",
    "blocking_undercurrent": "relationship", "unstable_relations": "relationship", "enemy_images": "relationship",
    "power_games": "relationship",
    "under_organisation": "organisation", "excessive_control": "organisation",
    "over_organisation": "organisation", "lack_of_decisiveness": "organisation", "falling_apart": "organisation",
    "energy_loss": "process", "stagnation": "process",
}
SIGNALS = [
    "rushed_to_contract", "skipped_exploration", "buzzword_ambition", "action_oriented_styles",
    "technical_orientation", "unselected_team", "hierarchical_leadership", "agreement_only", "copied_procedures",
    "unclear_decisions", "diverging_phase_images", "subgroups", "poor_meetings",
]
SOURCES_CITED = ["fisher_ury_patton_1991", "isaacs_1999", "hirschhorn_gilmore_1992", "de_man_2006", "weick_1995"]


def test_conditions_in_the_order_of_the_publication(model):
    assert model.kb.condition_ids() == CONDITIONS


def test_table_1_indicators_in_order_four_per_condition(model):
    assert [i.id for i in model.kb.indicators] == INDICATORS
    for condition in CONDITIONS:
        assert len(model.kb.indicators_of(condition)) == 4


def test_characteristics_of_section_2(model):
    assert [c.id for c in model.kb.characteristics] == CHARACTERISTICS


def test_negative_dynamics_tied_to_their_condition(model):
    negative = {d.id: d.condition for d in model.kb.dynamics if d.polarity == "negative"}
    assert negative == NEGATIVE_DYNAMICS


def test_every_condition_has_positive_dynamics(model):
    positive = {d.condition for d in model.kb.dynamics if d.polarity == "positive"}
    assert positive == set(CONDITIONS)


def test_antecedent_signals_named_by_the_text(model):
    assert set(SIGNALS) <= set(model.kb.by_id["signal"])


def test_cited_literature_is_present(model):
    assert set(SOURCES_CITED) <= set(model.kb.by_id["source"])


def test_every_condition_has_interventions_with_questions(model):
    for condition in CONDITIONS:
        interventions = [i for i in model.kb.interventions if i.condition == condition]
        assert len(interventions) >= 4, condition
        assert all(i.questions for i in interventions)


def _texts(item):
    for value in item.__dict__.values():
        if isinstance(value, Text):
            yield value
        elif isinstance(value, list):
            for element in value:
                if isinstance(element, Text):
                    yield element
                elif hasattr(element, "__dict__"):
                    yield from _texts(element)


def test_every_item_has_both_languages_and_valid_sections(model):
    kb = model.kb
    for items in (kb.conditions, kb.indicators, kb.characteristics, kb.dynamics, kb.signals, kb.interventions,
                  kb.methods, kb.sources):
        for item in items:
            texts = list(_texts(item))
            assert texts, item.id
            for text in texts:
                for lang in LANGUAGES:
                    assert text(lang).strip(), (item.id, lang)
                assert text.nl != text.en or len(text.nl) < 20, item.id  # a translation, not a copy
            assert item.sections and all(SECTION_PATTERN.match(s) for s in item.sections), item.id


def test_organisation_follows_ambition(model):
    organisation = model.kb.by_id["condition"]["organisation"]
    assert "ambition" in [f.condition for f in organisation.follows]


@pytest.fixture
def broken(tmp_path):
    """A copy of knowledge/ to break one thing in."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def test_missing_language_names_file_key_and_line(broken):
    path = broken / "conditions.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    en_line = next(n for n, line in enumerate(lines) if line.strip().startswith("en:"))
    del lines[en_line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_knowledge(broken)
    message = str(error.value)
    assert "conditions.yaml:" in message and "[0].name.en: this key is required but missing" in message


def test_unknown_condition_reference_suggests_the_closest(broken):
    path = broken / "indicators.yaml"
    text = path.read_text(encoding="utf-8").replace("condition: ambition", "condition: ambitoin", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_knowledge(broken)
    assert "indicators.yaml" in str(error.value) and "did you mean 'ambition'?" in str(error.value)


def test_bad_section_reference_is_refused(broken):
    path = broken / "signals.yaml"
    text = path.read_text(encoding="utf-8").replace('"§3.2"', '"§3.9"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_knowledge(broken)
    assert "'§3.9' is not a section of the publication" in str(error.value)


def test_every_knowledge_file_is_loaded(model):
    # the records of the model, plus three files with loaders of their own
    own_loader = ["glossary.yaml", "phases.yaml", "policy.yaml"]
    assert sorted([*KNOWLEDGE_FILES, *own_loader]) == sorted(p.name for p in KNOWLEDGE.glob("*.yaml"))


# ---------------------------------------------------------------- ways of working (§5)

METHODS = {"analyse_together": "§5.1", "real_dialogue": "§5.2", "agree_starting_point": "§5.3",
           "monitor_with_indicators": "§5.4"}


def test_the_four_ways_of_working_of_section_5(model):
    """§5.1-§5.4: do it together, a real dialogue, balance support and decisiveness, monitor with the
    indicators. Each method cites its own paragraph first."""
    assert {m.id: m.sections[0] for m in model.kb.methods} == METHODS
    assert model.kb.by_id["method"].keys() == METHODS.keys()


def test_a_way_of_working_is_no_intervention(model):
    """§5 says how to work on whatever the focus is, so its methods are not interventions on a condition
    and take no condition's status or focus."""
    assert not set(METHODS) & set(model.kb.by_id["intervention"])
    assert all(not hasattr(m, "condition") for m in model.kb.methods)
    assert model.kb.condition_of_node("method:analyse_together") is None
    assert model.kb.item_of_node("method:real_dialogue").id == "real_dialogue"


def test_no_rule_chooses_a_method_from_a_weak_condition(model):
    """A method is chosen by specific evidence (a divergence, an observation, one indicator, a trend),
    never by the neglect of conditions, so a worse case does not by itself pile up method."""
    for record in model.book.records:
        if record.conclusion.kind == "method":
            assert all(p.kind not in ("neglect", "mean") for p in record.premises), record.id
            assert all(p.kind in ("divergence", "trend") for p in record.premises if p.target == "$condition"), record.id


def test_every_method_is_chosen_by_some_rule(model):
    chosen = {r.conclusion.target for r in model.book.records if r.conclusion.kind == "method"}
    assert chosen == set(METHODS)


def test_dialogue_questions_come_from_isaacs(model):
    """§5.2 after Isaacs (1999): all perspectives heard, the spoken and the unspoken, assumptions and
    perceptions without taking a position, suspend judgement, the value of differences and identity."""
    dialogue = model.kb.by_id["method"]["real_dialogue"]
    assert "isaacs_1999" in dialogue.sources
    english = " ".join(q.en.lower() for q in dialogue.questions)
    dutch = " ".join(q.nl.lower() for q in dialogue.questions)
    for en, nl in (("perspectives", "perspectieven"), ("unspoken", "onuitgesproken"), ("suspend", "oordeel"),
                   ("assumptions", "aannames"), ("differences", "verschillen"), ("identity", "identiteit")):
        assert en in english and nl in dutch, (en, nl)


def _normalised(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def test_no_question_is_asked_twice(model):
    """Every question of an intervention or method is its own, in Dutch and in English."""
    items = list(model.kb.interventions) + list(model.kb.methods)
    for lang in LANGUAGES:
        seen: dict[str, str] = {}
        for item in items:
            for question in item.questions:
                key = _normalised(question(lang))
                assert key not in seen, f"{item.id} asks what {seen[key]} asks ({lang}): {question(lang)}"
                seen[key] = item.id


DUTCH_YOU = {"u", "uw", "je", "jij", "jou", "jouw", "jullie"}


def test_dutch_questions_speak_as_we(model):
    """The questions are for the partners to discuss together: 'we' and 'ons', never 'u' or 'je'."""
    for item in list(model.kb.interventions) + list(model.kb.methods):
        for question in item.questions:
            words = set(_normalised(question.nl).split())
            assert not words & DUTCH_YOU, (item.id, question.nl)


def test_unknown_source_of_a_method_is_refused(broken):
    path = broken / "methods.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"isaacs_1999"', '"isaac_1999"'), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_knowledge(broken)
    assert "methods.yaml" in str(error.value) and "did you mean 'isaacs_1999'?" in str(error.value)


def test_a_method_has_two_to_four_questions(broken):
    path = broken / "methods.yaml"
    text = path.read_text(encoding="utf-8")
    extra = '    - nl: "Een vijfde vraag?"\n      en: "A fifth question?"\n  sections: ["§5.2"]'
    path.write_text(text.replace('  sections: ["§5.2"]', extra, 1), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_knowledge(broken)
    assert "methods.yaml" in str(error.value) and "questions" in str(error.value)


# ---------------------------------------------------------------- policy and order of work

def test_likelihood_words_must_descend(tmp_path):
    from kansrijk.knowledgebase import load_policy

    text = (KNOWLEDGE / "policy.yaml").read_text(encoding="utf-8").replace("certain: 0.9", "certain: 0.3")
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_policy(tmp_path)
    assert "policy.yaml" in str(error.value.render("en")) and "certain > likely > possible" in error.value.render("en")


def test_the_order_of_work_has_a_beginning(tmp_path, model):
    """§3.5: ambition and interests come first; a condition that follows itself is refused."""
    from kansrijk.phases import load_phases

    shutil.copy(KNOWLEDGE / "phases.yaml", tmp_path / "phases.yaml")
    looped = model.kb.conditions[0].model_copy(update={"follows": model.kb.conditions[3].follows})
    kb = type(model.kb)(*((looped, *model.kb.conditions[1:]), *(getattr(model.kb, f) for f in
                          ("indicators", "characteristics", "dynamics", "signals", "interventions", "methods", "sources"))))
    with pytest.raises(InputError) as error:
        load_phases(kb, tmp_path)
    assert "ambition -> ambition" in error.value.render("en")
    assert all(not c.follows for c in model.kb.conditions if c.id in ("ambition", "interests"))
