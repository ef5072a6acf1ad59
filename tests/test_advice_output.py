"""The advice as people read it: one page first, the trace on demand, words for certainties."""

import json
import re

import pytest

from tests.conftest import EXAMPLES, HEALTHCARE, kansrijk

CONFLICTING = "examples/jeugdzorgregio_tegenstrijdig.yaml"  # high scores against observations: counter-evidence


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_healthcare_summary_fits_one_screen(lang):
    result = kansrijk("advise", HEALTHCARE, "--lang", lang)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) <= 60, f"{len(lines)} lines"
    assert max(len(line) for line in lines) <= 100


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_example_reads_in_both_languages(example, fmt):
    for lang in ("nl", "en"):
        result = kansrijk("advise", example, "--lang", lang, "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "text":
            assert max(len(line) for line in result.output.splitlines()) <= 100


def test_default_output_gives_certainties_as_words_not_numbers():
    text = kansrijk("advise", HEALTHCARE, "--lang", "en").output
    assert "certain" in text and "likely" in text
    assert not re.search(r"\b0\.\d", text), "a certainty as a number in the summary"
    assert "DIA-01" not in text and "INT-05" not in text


def test_the_focus_names_what_in_the_case_made_the_choice():
    text = kansrijk("advise", HEALTHCARE, "--lang", "en").output
    focus = text.split("Conditions")[0]
    assert "Rushed to the contract" in focus and "§3.5" in focus


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_dutch_output_has_no_decimal_points(example):
    for args in ([], ["--detail"], ["--format", "markdown", "--detail"]):
        text = kansrijk("advise", example, "--lang", "nl", *args).output
        # a decimal point, not a section number like §5.3
        found = re.search(r".{0,30}(?<![§\d.])\d+\.\d.{0,30}", text)
        assert found is None, found.group(0)


def test_detail_adds_the_trace_with_rule_ids_and_certainty_numbers():
    plain = kansrijk("advise", HEALTHCARE, "--lang", "en").output
    detail = kansrijk("advise", HEALTHCARE, "--lang", "en", "--detail").output
    assert detail.startswith(plain.rstrip("\n").rsplit("\n", 1)[0][:200])
    trace = detail[len(plain):]
    assert "The reasoning" in trace and "Decisive chain" in trace
    assert "INT-05" in trace and "publication" in trace
    assert re.search(r"certainty 0\.\d\d", trace)


def test_detail_shows_evidence_against_apart():
    text = kansrijk("advise", CONFLICTING, "--lang", "en", "--detail").output
    trace = text.split("The reasoning")[1]
    against = trace.split("  Against\n")
    assert len(against) > 1
    assert against[1].lstrip().startswith("SCO-0"), "a high mean argues against neglect"
    assert "Against" not in kansrijk("advise", CONFLICTING, "--lang", "en").output


def items(text):
    return re.findall(r"^  (\d+)\. ", text, flags=re.M)


def test_top_and_all_change_how_many_interventions_are_shown():
    report = json.loads(kansrijk("advise", HEALTHCARE, "--format", "json").output)
    total = len(report["advice"])
    assert total > 5
    assert items(kansrijk("advise", HEALTHCARE).output) == [str(n) for n in range(1, 6)]
    assert items(kansrijk("advise", HEALTHCARE, "--top", 2).output) == ["1", "2"]
    assert len(items(kansrijk("advise", HEALTHCARE, "--all").output)) == total
    assert kansrijk("advise", HEALTHCARE, "--top", 2, "--all").exit_code == 2


def test_a_report_for_the_partners_has_no_notes_and_no_rule_ids():
    adviser = kansrijk("advise", HEALTHCARE, "--lang", "en").output
    assert "Adviser's notes" in adviser
    for fmt in ("text", "markdown", "json"):
        result = kansrijk("advise", HEALTHCARE, "--lang", "en", "--audience", "partners", "--format", fmt)
        assert result.exit_code == 0
        assert "convenant" not in result.output and "Adviser's notes" not in result.output
        assert not re.search(r"\b[A-Z]{3}-\d\d\b", result.output), "a rule id in the partners' report"
    refused = kansrijk("advise", HEALTHCARE, "--audience", "partners", "--detail")
    assert refused.exit_code == 2 and "--detail" in refused.output


@pytest.fixture
def empty_case(tmp_path):
    case = tmp_path / "empty.yaml"
    case.write_text("name: Nog niets bekend\n", encoding="utf-8")
    return case


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_empty_case_gets_too_little_information_not_a_clean_bill(empty_case, lang):
    for fmt in ("text", "markdown"):
        result = kansrijk("advise", empty_case, "--format", fmt, "--lang", lang)
        assert result.exit_code == 0
        assert ("Too little information to advise" if lang == "en" else "Te weinig informatie") in result.output
        assert "No interventions" not in result.output and "Geen interventies" not in result.output
        assert "no condition needs work" not in result.output.lower()
    data = json.loads(kansrijk("advise", empty_case, "--format", "json").output)
    assert data["coverage"]["sufficient"] is False and data["focus_detail"]["reason"] == "insufficient"
    assert data["advice"] == []


def test_unknown_conditions_are_named_with_what_to_score(tmp_path):
    case = tmp_path / "half.yaml"
    case.write_text("name: half\nscores: {ambition.shared: 4, ambition.meaningful: 4}\n", encoding="utf-8")
    text = kansrijk("advise", case, "--lang", "en").output
    assert "In what is known, no condition needs work" in text
    assert "Unknown: Respect for each other's interests" in text
    assert "ask about: Genuine interest" in text


def test_a_provisional_band_says_what_to_ask(tmp_path):
    case = tmp_path / "thin.yaml"
    case.write_text("name: thin\ndate: 2025-03-01\nscores: {interests.genuine_interest: 1, ambition.shared: 4, "
                    "ambition.meaningful: 4}\n", encoding="utf-8")
    text = kansrijk("advise", case, "--lang", "en").output
    assert "Assessment of 2025-03-01" in text
    assert "provisional — ask about: Value for each partner" in text


# --- review of the summary (issue 7): each reason its own sentence, what is known always shown -----

from kansrijk.render import labels  # noqa: E402
from tests.report_cases import INDICATORS  # noqa: E402


def of(condition, score):
    return {i: score for i in INDICATORS if i.startswith(condition + ".")}


def write(tmp_path, name, **data):
    path = tmp_path / f"{name}.yaml"
    path.write_text(json.dumps({"name": name, **data}), encoding="utf-8")  # JSON is YAML
    return path


ALL = ("ambition", "interests", "relationship", "organisation", "process")
# one case per focus reason (kansrijk/phases.py FocusReason)
REASONS = {
    "exploration": None,  # examples/zorgalliantie.yaml: rushed to the contract
    # organisation looks worse but waits for the ambition (§3.4: the publication says so)
    "phase_order": {"scores": of("ambition", 3) | of("organisation", 1)},
    # everything at 'discuss'; relationships look a little worse, but the first phases come first (§3.5)
    "first_phases": {"scores": {i: 3 for i in INDICATORS}},
    "only": {"scores": of("ambition", 1) | {i: 5 for i in INDICATORS if not i.startswith("ambition.")}},
    "most_neglected": {"scores": of("ambition", 3) | of("interests", 1) | of("relationship", 5)
                       | of("organisation", 5) | of("process", 5)},
    "none": {"scores": {i: 5 for i in INDICATORS}},
    "insufficient": {},
}


def flat(output: str) -> str:
    """Output as running text: line breaks, indents and markdown emphasis gone."""
    return " ".join(re.sub(r"\*\*|(?<!\w)_|_(?!\w)", "", output).split())


def sentence(label: str) -> str:
    """The longest literal part of a label with {placeholders}: what only that sentence says."""
    return max(re.split(r"\{\w+\}", label), key=len).strip(" .,:;()")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_focus_reason_has_its_own_sentence(tmp_path, fmt, lang):
    reasons = labels().resolve(lang)["summary"]["reason"]
    own = {r: sentence(reasons[r]) for r in REASONS if r in reasons}
    own["insufficient"] = sentence(labels().resolve(lang)["summary"]["insufficient_do"])
    for reason, data in REASONS.items():
        path = HEALTHCARE if data is None else write(tmp_path, reason, **data)
        report = json.loads(kansrijk("advise", path, "--format", "json", "--lang", lang).output)
        assert report["focus_detail"]["reason"] == reason, (reason, report["focus_detail"])
        text = kansrijk("advise", path, "--format", fmt, "--lang", lang).output
        head = text.split(labels().resolve(lang)["summary"]["conditions"])[0]
        for other, words in own.items():
            assert (words in flat(head)) == (other == reason), (reason, other)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_first_phases_names_the_case(tmp_path, fmt):
    path = write(tmp_path, "level", scores=REASONS["first_phases"]["scores"])
    text = kansrijk("advise", path, "--format", fmt, "--lang", "en").output
    head = flat(text.split("Conditions")[0])
    assert ("Attention to personal relationships looks a little more neglected, but needs work to the same "
            "degree as A meaningful ambition (discuss). The key lies in the first phases") in head
    assert "so start with A meaningful ambition. (§3.5)" in head
    assert "the most neglected" not in head


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_phase_order_says_looks_more_neglected_and_whose_reading(tmp_path, fmt):
    publication = write(tmp_path, "pub", scores=of("ambition", 3) | of("organisation", 1))
    head = flat(kansrijk("advise", publication, "--format", fmt, "--lang", "en").output.split("Conditions")[0])
    assert "Well organised looks more neglected, but it builds on A meaningful ambition" in head
    assert "scores worse" not in head and "the tool's reading" not in head  # §3.4 says so itself
    assert "(§3.4, §3.5)" in head
    reading = write(tmp_path, "reading", scores=of("ambition", 3) | of("process", 1))
    head = flat(kansrijk("advise", reading, "--format", fmt, "--lang", "en").output.split("Conditions")[0])
    assert "A joint process looks more neglected, but it builds on A meaningful ambition" in head
    assert "(the tool's reading; §3.5)" in head
    nl = kansrijk("advise", reading, "--format", fmt, "--lang", "nl").output
    assert "lijkt meer verwaarloosd" in nl and "(lezing van het instrument; §3.5)" in flat(nl)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_only_known_condition_says_so_and_names_the_unknown(tmp_path, fmt):
    path = write(tmp_path, "one", scores=of("ambition", 1))
    text = flat(kansrijk("advise", path, "--format", fmt, "--lang", "en").output)
    assert "A meaningful ambition is the only one of the known conditions that needs work." in text
    assert "Unknown: Respect for each other's interests, Attention to personal relationships, Well organised" in text
    every = write(tmp_path, "every", **REASONS["only"])
    text = flat(kansrijk("advise", every, "--format", fmt, "--lang", "en").output)
    assert "A meaningful ambition is the only condition that needs work." in text and "Unknown:" not in text


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_too_little_information_still_shows_what_is_known(tmp_path, fmt):
    """Only characteristics and one indicator: too little to advise, but the provisional status,
    what to ask next and the characteristics' points (§2) are there."""
    path = write(tmp_path, "thin", characteristics={"diversity": "low"}, scores={"interests.genuine_interest": 1})
    text = flat(kansrijk("advise", path, "--format", fmt, "--lang", "en").output)
    assert "Too little information to advise." in text
    assert "provisional — ask about: Value for each partner" in text
    assert "Dealing with the characteristics (§2)" in text and "more likely to compete" in text
    assert "No interventions" not in text and "no condition needs work" not in text.lower()
    only = write(tmp_path, "only", characteristics={"mutual_dependence": "high"})
    text = flat(kansrijk("advise", only, "--format", fmt, "--lang", "en").output)
    assert "Too little information to advise." in text and "Mutual dependence (high)" in text


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_ways_of_working_say_why_they_were_chosen(tmp_path, fmt):
    text = kansrijk("advise", HEALTHCARE, "--format", fmt, "--lang", "en").output
    methods = text.split("How to go about it (§5)")[1].split("Interventions")[0]
    assert "because: score Genuine dialogue = 1" in methods
    default = write(tmp_path, "default", scores=of("ambition", 2) | of("interests", 4))
    methods = flat(kansrijk("advise", default, "--format", fmt, "--lang", "en").output).split("How to go about it")[1]
    assert "Analyse together — general way of working" in methods.split("Interventions")[0]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_characteristic_shows_the_point_for_this_case(tmp_path, fmt):
    """§2: partners much alike are more likely to compete (CHA-14), not the generic 'use the differences'."""
    path = write(tmp_path, "alike", characteristics={"diversity": "low"}, scores=of("interests", 1) | of("ambition", 4))
    for lang, claim in (("en", "Partners who are very much alike and operate in the same field talk past each "
                                "other less but are more likely to compete"),
                        ("nl", "Partners die sterk op elkaar lijken en zich op hetzelfde terrein bewegen")):
        text = flat(kansrijk("advise", path, "--format", fmt, "--lang", lang).output)
        heed = text.split("(§2)")[-1]
        assert claim in heed
        assert "Look deliberately for partners" not in heed and "Zoek gericht naar partners" not in heed


def eight_respondents(observed_by: int):
    respondents = [{"organisation": org, "scores": {i: score for i in INDICATORS}}
                   for org, score in [("A", 3)] * 4 + [("B", 4)] * 4]
    for r in respondents[:observed_by]:
        r["observations"] = ["enemy_images"]
    return respondents


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_an_observation_that_counts_stays_in_the_summary(tmp_path, fmt):
    path = write(tmp_path, "eight", respondents=eight_respondents(2))
    report = json.loads(kansrijk("advise", path, "--format", "json").output)
    dynamic = next(d for d in report["dynamics"] if d["id"] == "enemy_images")
    assert dynamic["likelihood"] == "doubtful" and dynamic["seen"]["weight"] >= 0.2
    text = flat(kansrijk("advise", path, "--format", fmt, "--lang", "en").output)
    assert "Enemy images — doubtful, observed by 2 of 8 respondents" in text


def withheld_case():
    """Two organisations of three; one indicator answered by one person only (min_group 3)."""
    respondents = [{"organisation": org, "scores": {i: 3 for i in INDICATORS if i != "ambition.shared"}}
                   for org in ("A", "A", "A", "B", "B", "B")]
    respondents[0]["scores"]["ambition.shared"] = 1
    return {"respondents": respondents}


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_withheld_values_say_so(tmp_path, fmt):
    path = write(tmp_path, "withheld", **withheld_case())
    report = json.loads(kansrijk("advise", path, "--format", "json").output)
    ambition = next(c for c in report["conditions"] if c["id"] == "ambition")
    assert ambition["score"] is None and ambition["score_withheld"]
    text = kansrijk("advise", path, "--format", fmt, "--lang", "en", "--detail").output
    summary, trace = text.split("The reasoning")
    assert "mean not shown: too few answers" in summary
    assert "A meaningful ambition" in trace and "not shown: too few answers" in trace.split("Scores per organisation")[1]
    assert "None" not in text


def test_one_source_per_word():
    detail = labels().root["detail"]
    for key in ("certainty", "priority", "from", "rule_gives"):
        assert key not in detail, f"detail.{key} copies a label used elsewhere"
    assert "phase_order_plain" not in labels().root["summary"]["reason"]


def test_partners_also_get_the_point_a_characteristic_makes(model, tmp_path):
    """§2: partners much alike compete more — the report for the partners says so, though it has no
    rule trace: the point is part of the report, not read from the trace."""
    case = tmp_path / "alike.yaml"
    case.write_text("name: alike\nlanguage: en\ncharacteristics: {diversity: low}\n"
                    "scores: {interests.genuine_interest: 2, interests.real_dialogue: 2}\n", encoding="utf-8")
    claim = model.book.by_id["CHA-14"].claim("en")
    for fmt in ("text", "markdown", "json"):
        result = kansrijk("advise", case, "--audience", "partners", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert claim[:40] in " ".join(result.output.split()), fmt
