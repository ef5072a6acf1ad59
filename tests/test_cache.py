"""The disk cache of the loaded model (kansrijk/cache.py): rebuilt when a knowledge or rule file
changes, ignored when it is corrupt or unreadable, in the folder the environment names, and the
same answers with it as without it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kansrijk import cache, model as model_module
from kansrijk.advice_text import render_advice
from kansrijk.case import load_case
from kansrijk.model import Model, build_model, cached_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
HEALTHCARE = ROOT / "examples" / "zorgalliantie.yaml"  # INT-03 fires on it


@pytest.fixture
def sources(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A copy of knowledge/ and rules/ to edit, and an empty cache folder of its own."""
    knowledge, rules = tmp_path / "knowledge", tmp_path / "rules"
    shutil.copytree(ROOT / "knowledge", knowledge)
    shutil.copytree(ROOT / "rules", rules)
    monkeypatch.setenv(cache.DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF_ENV, raising=False)
    return knowledge, rules


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("model-*.pickle"))


def refuse_to_build(monkeypatch) -> None:
    """From here on, cached_model must answer from the cache."""

    def build(*args, **kwargs):
        raise AssertionError("the model was built, not read from the cache")

    monkeypatch.setattr(model_module, "build_model", build)


def certainty_of(model: Model, rule: str) -> float:
    inference = model.infer(load_case(str(HEALTHCARE), model.kb))
    return next(f.certainty for f in inference.firings if f.rule == rule)


def test_the_second_load_comes_from_the_cache(sources, tmp_path, monkeypatch):
    built = cached_model(*sources)
    assert len(entries(tmp_path / "cache")) == 1
    refuse_to_build(monkeypatch)
    loaded = cached_model(*sources)
    assert loaded is not built
    assert loaded.book.by_id.keys() == built.book.by_id.keys()


def test_an_edited_rule_rebuilds_the_model(sources, monkeypatch):
    knowledge, rules = sources
    before = cached_model(knowledge, rules)
    assert before.book.by_id["INT-03"].certainty == 0.8
    assert certainty_of(before, "INT-03") == pytest.approx(0.8)
    path = rules / "interests.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: INT-03")
    end = text.index("certainty: 0.8", start)
    path.write_text(text[:end] + "certainty: 0.35" + text[end + len("certainty: 0.8"):], encoding="utf-8")
    after = cached_model(knowledge, rules)
    assert after.book.by_id["INT-03"].certainty == 0.35
    assert certainty_of(after, "INT-03") == pytest.approx(0.35)  # the compiled engine too
    refuse_to_build(monkeypatch)
    assert cached_model(knowledge, rules).book.by_id["INT-03"].certainty == 0.35


def test_an_edited_knowledge_file_or_a_new_rule_file_rebuilds_the_model(sources):
    knowledge, rules = sources
    first = cached_model(knowledge, rules)
    policy = knowledge / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    second = cached_model(knowledge, rules)
    assert second is not first
    (rules / "extra.yaml").write_text("[]\n", encoding="utf-8")
    assert cached_model(knowledge, rules) is not second


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other key", "a folder"])
def test_a_corrupt_or_unreadable_entry_is_rebuilt(sources, tmp_path, damage):
    cached_model(*sources)
    [entry] = entries(tmp_path / "cache")
    data = entry.read_bytes()
    if damage == "a folder":
        entry.unlink()
        entry.mkdir()
    else:
        entry.write_bytes({"garbage": b"\x00not a pickle\xff" * 50, "truncated": data[: len(data) // 2],
                           "empty": b"", "other key": data.replace(cache.FORMAT, cache.FORMAT + b"0", 1)}[damage])
    rebuilt = cached_model(*sources)
    assert rebuilt.book.by_id["INT-03"].certainty == 0.8
    assert certainty_of(rebuilt, "INT-03") == pytest.approx(0.8)
    if damage != "a folder":
        assert entry.read_bytes().startswith(cache.FORMAT)  # written anew, whole


def test_the_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.OFF_ENV, raising=False)
    monkeypatch.setenv(cache.DIR_ENV, str(tmp_path / "mine"))
    assert cache.directory() == tmp_path / "mine"
    monkeypatch.delenv(cache.DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == tmp_path / "xdg" / "kansrijk"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == tmp_path / "home" / ".cache" / "kansrijk"
    monkeypatch.setenv(cache.OFF_ENV, "1")
    assert cache.directory() is None


def test_the_cache_folder_variable_is_where_entries_go(sources, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.DIR_ENV, str(tmp_path / "elsewhere"))
    cached_model(*sources)
    assert len(entries(tmp_path / "elsewhere")) == 1
    assert not (tmp_path / "cache").exists()


def test_no_cache_reads_and_writes_nothing(sources, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.OFF_ENV, "1")
    first, second = cached_model(*sources), cached_model(*sources)
    assert first is not second
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_folder_is_no_error(sources, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv(cache.DIR_ENV, str(tmp_path / "file" / "cache"))
    assert cached_model(*sources).book.by_id["INT-03"].certainty == 0.8


def test_any_cached_object_follows_its_files(tmp_path, monkeypatch):
    """As labels() and glossary() use it: built again when its file changes, else read back."""
    monkeypatch.setenv(cache.DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF_ENV, raising=False)
    source = tmp_path / "labels.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    builds = []

    def build():
        builds.append(source.read_text(encoding="utf-8"))
        return {"read": builds[-1]}

    assert cache.cached("thing", [source], build) == {"read": "a: 1\n"}
    assert cache.cached("thing", [source], build) == {"read": "a: 1\n"}
    source.write_text("a: 2\n", encoding="utf-8")
    assert cache.cached("thing", [source], build) == {"read": "a: 2\n"}
    assert builds == ["a: 1\n", "a: 2\n"]


def test_text_and_html_templates_are_compiled_apart():
    """Autoescaping is compiled into a template: the HTML environment never loads what the text
    environment compiled, nor the other way round."""
    from kansrijk.render import environment
    from kansrijk.report_html import html_environment

    text, html = environment().bytecode_cache, html_environment().bytecode_cache
    if cache.directory() is None:
        assert text is None and html is None
    else:
        assert text.directory != html.directory
        assert {Path(text.directory).parent, Path(html.directory).parent} == {cache.directory()}


def test_an_entry_written_is_whole_or_absent(tmp_path):
    path = tmp_path / "thing-x.pickle"
    assert cache.store(path, "key", {"a": 1})
    assert cache.load(path, "key") == {"a": 1}
    assert cache.load(path, "another key") is None
    assert not cache.store(path, "key", (n for n in range(3)))  # a generator does not pickle
    assert cache.load(path, "key") == {"a": 1}  # the entry before it stays
    assert [p.name for p in tmp_path.iterdir()] == ["thing-x.pickle"]  # no temporary file left


def test_the_cached_model_gives_the_same_advice(tmp_path, monkeypatch):
    """Every example, both languages, text and json: the model read back from the cache (its
    compiled engine unpickled) answers exactly as a model built in the process."""
    monkeypatch.setenv(cache.DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF_ENV, raising=False)
    cached_model()
    refuse_to_build(monkeypatch)
    unpickled = cached_model()
    monkeypatch.undo()
    fresh = build_model()
    for example in EXAMPLES:
        for lang in ("nl", "en"):
            outputs = []
            for model in (fresh, unpickled):
                case = load_case(str(example), model.kb)
                report = model.advise(case, lang)
                outputs.append((model.infer(case), report.model_dump(mode="json"),
                                render_advice(report, model.kb, "text", detail=True)))
            assert outputs[0] == outputs[1], (example.name, lang)


def test_advise_cold_and_warm_matches_the_golden_output(tmp_path):
    """As a user runs it: the first run builds the cache, the second reads it; both print the golden text."""
    env = {**os.environ, cache.DIR_ENV: str(tmp_path / "cache")}
    env.pop(cache.OFF_ENV, None)
    golden = (ROOT / "tests" / "golden" / "zorgalliantie.en.txt").read_text(encoding="utf-8")
    for run in ("cold", "warm"):
        result = subprocess.run([sys.executable, "-m", "kansrijk", "advise", str(HEALTHCARE), "--lang", "en"],
                                capture_output=True, text=True, env=env, cwd=ROOT, encoding="utf-8")
        assert result.returncode == 0, result.stderr
        assert result.stdout == golden, run
        assert entries(tmp_path / "cache"), run
