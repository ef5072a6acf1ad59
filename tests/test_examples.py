"""Golden outputs: every example, in text, markdown and JSON, in both languages, byte for byte.

After an intended change of output run `pytest --update-golden` and review the diff.
"""

import pytest

from tests.conftest import EXAMPLES, ROOT, kansrijk

GOLDEN = ROOT / "tests" / "golden"
FORMATS = {"text": "txt", "markdown": "md", "json": "json"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_matches_golden_output(example, lang, fmt, request):
    result = kansrijk("advise", example.relative_to(ROOT), "--lang", lang, "--format", fmt)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{example.stem}.{lang}.{FORMATS[fmt]}"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(result.output, encoding="utf-8")
    assert golden.exists(), f"no golden output {golden.name}; run pytest --update-golden"
    assert result.output == golden.read_text(encoding="utf-8")


def test_there_are_at_least_six_examples():
    assert len(EXAMPLES) >= 6


def test_examples_exercise_different_rules(model):
    """No two examples fire the same rules, and together they exercise a good part of the rule base."""
    from kansrijk.case import load_case

    fired = {p.stem: frozenset(f.rule for f in model.infer(load_case(str(p), model.kb)).firings) for p in EXAMPLES}
    assert len(set(fired.values())) == len(fired)
    covered = set().union(*fired.values())
    assert len(covered) >= len(model.book.records) // 2, sorted(set(model.book.by_id) - covered)
