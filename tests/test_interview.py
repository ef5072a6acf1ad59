"""The guided intake: `kansrijk interview` asks for a case and writes a file that `advise` reads."""

import json

import pytest
import yaml

from kansrijk.case import load_case
from kansrijk.errors import Msg
from kansrijk.interview import Invalid, case_yaml, observation_menu, parse_level, parse_observations, parse_score
from kansrijk.model import load_model
from kansrijk.render import labels
from tests.conftest import kansrijk

T = {lang: labels().resolve(lang)["interview"] for lang in ("nl", "en")}


MENU = observation_menu(load_model().kb)


def number(item: str) -> int:
    """The number the interview's menu gives an observation (the menu grows with the knowledge)."""
    return MENU.numbered.index(item) + 1


def answers(name="Regionale zorgalliantie", characteristics=("hoog", "", "middel", "-", "laag"),
            # an empty answer to a score is asked again once: two empty lines are one don't know
            scores=("3", "?", "", "", "weet niet", "2", "2", "1", "1") + ("4",) * 12,
            observations=f"{number('permanent_negotiation')}, {number('rushed_to_contract')} backing_not_involved",
            notes=("Eerste regel", "tweede regel")) -> str:
    lines = [name, *characteristics, *scores, observations, *notes, ""]
    return "\n".join(lines) + "\n"


EXPECTED_NL = """\
name: Regionale zorgalliantie
language: nl
characteristics:
  mutual_dependence: high
  diversity: medium
  new_reality: low
scores:
  ambition.shared: 3
  ambition.meaningful: null
  ambition.strategic_fit: null
  ambition.personal_meaning: null
  interests.genuine_interest: 2
  interests.value_for_each: 2
  interests.room_to_negotiate: 1
  interests.real_dialogue: 1
  relationship.capacity_to_connect: 4
  relationship.group_dynamics: 4
  relationship.trust: 4
  relationship.connecting_leadership: 4
  organisation.fitting_structure: 4
  organisation.support: 4
  organisation.decisiveness: 4
  organisation.clear_agreements: 4
  process.phasing: 4
  process.content_and_process: 4
  process.roles_and_direction: 4
  process.results: 4
observations:
- permanent_negotiation
- rushed_to_contract
- backing_not_involved
notes: |-
  Eerste regel
  tweede regel
"""


def test_full_interview_writes_the_expected_case(tmp_path, model):
    out = tmp_path / "casus.yaml"
    result = kansrijk("interview", "-o", str(out), input=answers())
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == EXPECTED_NL
    case = load_case(str(out), model.kb)
    assert case.name == "Regionale zorgalliantie" and case.language == "nl"
    assert case.scores["ambition.meaningful"] is None and case.scores["interests.real_dialogue"] == 1
    assert list(case.scores) == [i.id for i in model.kb.indicators]  # Table 1 order
    assert "split_loyalty" not in case.characteristics
    # Dutch prompts, each characteristic shown with its description and each indicator with its question
    for item in model.kb.characteristics:
        assert item.name("nl") in result.output and item.description("nl")[:40] in result.output
    for indicator in model.kb.indicators:
        assert f"[{indicator.id}]" in result.output
    assert model.kb.indicators[0].question("nl") in result.output
    assert T["nl"]["indicators"]["prompt"] in result.output
    assert T["nl"]["done"]["written"] in result.output
    assert not list(tmp_path.glob(".*.tmp"))


def test_result_round_trips_into_advise(tmp_path):
    out = tmp_path / "casus.yaml"
    assert kansrijk("interview", "-o", str(out), input=answers()).exit_code == 0
    result = kansrijk("advise", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["case"] == "Regionale zorgalliantie"
    interests = next(c for c in report["conditions"] if c["id"] == "interests")
    assert interests["answered"] == 4 and interests["status"] == "weak"
    ambition = next(c for c in report["conditions"] if c["id"] == "ambition")
    assert ambition["answered"] == 1  # the three don't-knows count as unanswered
    assert next(d for d in report["dynamics"] if d["id"] == "permanent_negotiation")["observed"]
    assert report["advice"]


def test_english_interview(tmp_path, model):
    out = tmp_path / "case.yaml"
    given = answers(name="  Port logistics chain  ", characteristics=("skip", "High", "m", "?", ""),
                    scores=("don't know", "DON'T KNOW", "dont know", "5") + ("3",) * 16,
                    observations=f"stagnation;{number('agreement_only')}", notes=())
    result = kansrijk("interview", "-o", str(out), "--lang", "en", input=given)
    assert result.exit_code == 0, result.output
    case = load_case(str(out), model.kb)
    assert case.name == "Port logistics chain" and case.language == "en"
    assert case.characteristics == {"unclear_power_centre": "high", "diversity": "medium"}
    assert [case.scores[i] for i in ("ambition.shared", "ambition.meaningful", "ambition.personal_meaning")] == \
        [None, None, 5]
    assert case.observations == ["stagnation", "agreement_only"]
    assert case.notes == ""
    text = out.read_text(encoding="utf-8")
    assert text.index("name:") < text.index("language:") < text.index("characteristics:") < \
        text.index("scores:") < text.index("observations:") < text.index("notes:")
    assert T["en"]["title"] in result.output and T["nl"]["title"] not in result.output
    assert model.kb.indicators[0].question("en") in result.output
    assert "Mutual dependence" in result.output and T["en"]["observations"]["signals"] in result.output
    assert kansrijk("advise", str(out)).exit_code == 0


def test_bad_answers_are_asked_again(tmp_path, model):
    out = tmp_path / "casus.yaml"
    given = answers(name="\n   \nHerkansing", characteristics=("enorm", "hoog", "", "", "", ""),
                    scores=("7", "drie", "0", "3") + ("4",) * 19,
                    observations=f"stagnatoin 99\npseudo_collaboration {number('stagnation')}")
    result = kansrijk("interview", "-o", str(out), input=given)
    assert result.exit_code == 0, result.output
    assert result.output.count(T["nl"]["name"]["required"]) == 2
    assert result.output.count(T["nl"]["characteristics"]["hint"]) == 1
    assert result.output.count(T["nl"]["indicators"]["hint"]) == 3
    assert f"'stagnatoin': {T['nl']['observations']['unknown']}; {T['nl']['observations']['did_you_mean']} " \
           f"'stagnation' ({number('stagnation')})?" in result.output
    assert f"'99': {T['nl']['observations']['out_of_range']} {len(MENU.numbered)}" in result.output
    case = load_case(str(out), model.kb)
    assert case.name == "Herkansing"
    assert case.characteristics == {"mutual_dependence": "high"}
    assert case.scores["ambition.shared"] == 3 and all(v == 4 for k, v in case.scores.items() if k != "ambition.shared")
    assert case.observations == ["pseudo_collaboration", "stagnation"]


def test_refuses_to_overwrite_before_asking_anything(tmp_path):
    out = tmp_path / "casus.yaml"
    out.write_text("name: bestaand\n", encoding="utf-8")
    result = kansrijk("interview", "-o", str(out), input=answers())
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "name: bestaand\n"
    assert Msg("output.exists_force").render("nl") in result.stderr and "--force" in result.stderr
    assert T["nl"]["name"]["prompt"] not in result.output  # nothing was asked
    assert "Traceback" not in result.output

    english = kansrijk("interview", "-o", str(out), "--lang", "en", input=answers())
    assert english.exit_code == 2 and "exists; add --force to overwrite it" in english.stderr

    forced = kansrijk("interview", "-o", str(out), "--force", input=answers())
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8") == EXPECTED_NL


def test_refuses_a_missing_folder_or_a_folder(tmp_path):
    result = kansrijk("interview", "-o", str(tmp_path / "nowhere" / "casus.yaml"), input=answers())
    assert result.exit_code == 2 and "in een map die niet bestaat" in result.stderr
    result = kansrijk("interview", "-o", str(tmp_path), "--force", "--lang", "en", input=answers())
    assert result.exit_code == 2 and "the output file is a folder" in result.stderr


def test_eof_before_the_name_writes_nothing(tmp_path):
    out = tmp_path / "casus.yaml"
    result = kansrijk("interview", "-o", str(out), input="")
    assert result.exit_code == 1
    assert not list(tmp_path.iterdir())
    assert T["nl"]["aborted"] in result.stderr
    assert isinstance(result.exception, SystemExit)  # no traceback, no "Aborted!"
    assert "Traceback" not in result.output and "Aborted!" not in result.output


@pytest.mark.parametrize("cut", [1, 4, 20, 27])
def test_eof_mid_interview_keeps_the_answers_in_a_partial_file(tmp_path, model, cut):
    """End of input before the last question: the save question gets end of input too, so its
    default (yes) holds; the target is not written, the answers so far are beside it."""
    out = tmp_path / "casus.yaml"
    given = answers().splitlines(keepends=True)[:cut]
    result = kansrijk("interview", "-o", str(out), input="".join(given))
    assert result.exit_code == 1, result.output
    assert not out.exists()
    partial = tmp_path / "casus.partial.yaml"
    assert T["nl"]["saved"].format(path=partial) in result.stderr
    case = load_case(str(partial), model.kb)  # a partial case is a valid case
    assert case.name == "Regionale zorgalliantie"
    assert len(case.scores) == max(0, cut - 7)  # after the name, five characteristics and one double Enter
    assert "Traceback" not in result.output


def test_eof_at_the_notes_finishes_the_interview(tmp_path, model):
    out = tmp_path / "casus.yaml"
    given = answers(notes=("Eerste regel", "tweede regel")).splitlines(keepends=True)[:-1]  # no closing empty line
    result = kansrijk("interview", "-o", str(out), input="".join(given).rstrip("\n"))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == EXPECTED_NL
    assert not (tmp_path / "casus.partial.yaml").exists()


def test_eof_keeps_an_existing_file_with_force(tmp_path):
    out = tmp_path / "casus.yaml"
    out.write_text("name: bestaand\n", encoding="utf-8")
    result = kansrijk("interview", "-o", str(out), "--force", input="Nieuw\nhoog\n")
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "name: bestaand\n"
    assert "name: Nieuw" in (tmp_path / "casus.partial.yaml").read_text(encoding="utf-8")


def scripted(monkeypatch, replies):
    """Replace the terminal: each reply is a line typed, or KeyboardInterrupt (Ctrl-C)."""
    from kansrijk.commands import interview

    asked = []

    def ask(prompt):
        asked.append(prompt)
        if not replies:
            raise EOFError
        reply = replies.pop(0)
        if reply is KeyboardInterrupt:
            raise KeyboardInterrupt
        return reply

    monkeypatch.setattr(interview, "_ask", ask)
    return asked


def test_ctrl_c_offers_to_keep_the_answers(tmp_path, monkeypatch, model):
    asked = scripted(monkeypatch, ["Havenketen", "high", "", "", "", "", "4", "", "", KeyboardInterrupt, ""])
    out = tmp_path / "case.yaml"
    result = kansrijk("interview", "-o", str(out), "--lang", "en")
    assert result.exit_code == 1, result.output
    partial = tmp_path / "case.partial.yaml"
    assert asked[-1].startswith(T["en"]["save"].format(path=partial))
    assert not out.exists()
    case = load_case(str(partial), model.kb)
    assert case.name == "Havenketen" and case.language == "en"
    assert case.characteristics == {"mutual_dependence": "high"}
    # the score not reached is left out, not recorded as don't know
    assert case.scores == {"ambition.shared": 4, "ambition.meaningful": None}
    assert T["en"]["saved"].format(path=partial) in result.stderr


def test_ctrl_c_and_no_writes_nothing(tmp_path, monkeypatch):
    scripted(monkeypatch, ["x", "", KeyboardInterrupt, "n"])
    out = tmp_path / "case.yaml"
    result = kansrijk("interview", "-o", str(out), "--lang", "en")
    assert result.exit_code == 1 and not list(tmp_path.iterdir())
    assert T["en"]["aborted"] in result.stderr


def test_ctrl_c_never_overwrites_a_partial_file_unasked(tmp_path, monkeypatch):
    partial = tmp_path / "case.partial.yaml"
    partial.write_text("name: earlier\n", encoding="utf-8")
    asked = scripted(monkeypatch, ["Second", KeyboardInterrupt, "", ""])  # keep: yes; overwrite: default no
    result = kansrijk("interview", "-o", str(tmp_path / "case.yaml"), "--lang", "en")
    assert result.exit_code == 1
    assert asked[-1].startswith(T["en"]["overwrite"].format(path=partial))
    assert partial.read_text(encoding="utf-8") == "name: earlier\n"
    assert "name: Second" in (tmp_path / "case.partial-2.yaml").read_text(encoding="utf-8")

    scripted(monkeypatch, ["Third", KeyboardInterrupt, "y", "y"])
    assert kansrijk("interview", "-o", str(tmp_path / "case.yaml"), "--lang", "en").exit_code == 1
    assert "name: Third" in partial.read_text(encoding="utf-8")


def test_ctrl_c_with_the_case_on_standard_output(tmp_path, monkeypatch):
    scripted(monkeypatch, ["Stdout", KeyboardInterrupt, ""])
    monkeypatch.chdir(tmp_path)
    result = kansrijk("interview", "--lang", "en")
    assert result.exit_code == 1 and result.stdout == ""
    assert "name: Stdout" in (tmp_path / "interview.partial.yaml").read_text(encoding="utf-8")


def test_prompts_on_stderr_and_the_case_on_stdout():
    for args in ([], ["-o", "-"]):
        result = kansrijk("interview", *args, input=answers())
        assert result.exit_code == 0, result.output
        assert result.stdout == EXPECTED_NL  # nothing but the case
        assert T["nl"]["indicators"]["prompt"] in result.stderr
        piped = kansrijk("advise", "-", "--format", "json", input=result.stdout)
        assert piped.exit_code == 0, piped.output
        assert json.loads(piped.stdout)["case"] == "Regionale zorgalliantie"


def test_an_empty_score_is_asked_again_once(tmp_path, model):
    out = tmp_path / "casus.yaml"
    scores = ("", "4", "", "", "", "?") + ("3",) * 17
    result = kansrijk("interview", "-o", str(out), input=answers(scores=scores))
    assert result.exit_code == 0, result.output
    assert result.stderr.count(T["nl"]["indicators"]["again"]) == 3
    case = load_case(str(out), model.kb)
    assert [case.scores[i.id] for i in model.kb.indicators[:4]] == [4, None, None, 3]


def test_scores_in_the_vocabulary(tmp_path, model):
    out = tmp_path / "casus.yaml"
    scores = ("mee eens", "In grote mate", "strongly disagree", "weet ik niet") + ("3",) * 16
    result = kansrijk("interview", "-o", str(out), input=answers(scores=scores))
    assert result.exit_code == 0, result.output
    case = load_case(str(out), model.kb)
    assert [case.scores[i.id] for i in model.kb.indicators[:4]] == [4, 5, 1, None]


def test_errors_follow_kansrijk_lang(tmp_path):
    out = tmp_path / "case.yaml"
    out.write_text("name: x\n", encoding="utf-8")
    english = kansrijk("interview", "-o", str(out), env={"KANSRIJK_LANG": "en"}, input=answers())
    assert english.exit_code == 2 and "exists; add --force" in english.stderr
    assert "bestaat al" not in english.stderr
    dutch = kansrijk("interview", "-o", str(out), env={"KANSRIJK_LANG": "nl"}, input=answers())
    assert dutch.exit_code == 2 and "bestaat al" in dutch.stderr
    # --lang wins over the environment
    assert "exists; add --force" in kansrijk("interview", "-o", str(out), "--lang", "en",
                                         env={"KANSRIJK_LANG": "nl"}).stderr


def test_hostile_answers_are_written_by_the_yaml_emitter(tmp_path, model):
    out = tmp_path / "casus.yaml"
    name = "x: y # z\x1b[31m &a *a !!python/object:os.system '\"\u2028"
    notes = ("---", "min_group: 1", "  - [a, b]: {c: d}", "nul\x00 here", "# not a comment", "... end")
    # a NUL cannot be stored: the answer is asked again
    result = kansrijk("interview", "-o", str(out), "--lang", "en", input=answers(name="z\x00\n" + name, notes=notes))
    assert result.exit_code == 0, result.output
    assert "holds the character NUL (character 2)" in result.output
    assert "holds the character NUL (character 4)" in result.output
    notes = tuple(line for line in notes if "\x00" not in line)
    case = load_case(str(out), model.kb)
    assert case.name == name.strip()
    assert case.notes == "\n".join(notes)
    assert case.min_group == 3 and "min_group" not in yaml.safe_load(out.read_text(encoding="utf-8"))


def test_parsers():
    assert [parse_score(a, "hint") for a in ("1", " 5 ", "?", "", "Weet niet", "don’t know")] == [1, 5, None, None,
                                                                                                   None, None]
    for bad in ("0", "6", "3.5", "drie", "ja"):
        with pytest.raises(Invalid, match="hint"):
            parse_score(bad, "hint")
    assert [parse_level(a, "hint") for a in ("laag", "MIDDEL", "h", "low", "", "skip", "overslaan")] == \
        ["low", "medium", "high", "low", None, None, None]
    with pytest.raises(Invalid):
        parse_level("heel erg", "hint")


def test_observation_menu_and_parsing(model):
    menu = observation_menu(model.kb)
    negative = [d.id for d in model.kb.dynamics if d.polarity == "negative"]
    assert list(menu.numbered[:len(negative)]) == negative
    assert sorted(menu.numbered[len(negative):]) == sorted(s.id for s in model.kb.signals)
    assert set(menu.accepted) == set(model.kb.observable_ids())
    t = T["en"]["observations"]
    assert parse_observations("", menu, t) == []
    given = f"{number('stagnation')}, 1 1 pseudo_collaboration"
    assert parse_observations(given, menu, t) == ["pseudo_collaboration", "stagnation"]
    # positive dynamics are not listed but may be given by id
    assert parse_observations("inspiring_perspective", menu, t) == ["inspiring_perspective"]
    with pytest.raises(Invalid, match="did you mean 'rushed_to_contract'"):
        parse_observations("rushed_to_contrct", menu, t)


def test_case_yaml_orders_keys():
    text = case_yaml({"notes": "", "observations": [], "scores": {}, "characteristics": {}, "language": "en",
                      "name": "x"})
    assert [line.split(":")[0] for line in text.splitlines()] == \
        ["name", "language", "characteristics", "scores", "observations", "notes"]
