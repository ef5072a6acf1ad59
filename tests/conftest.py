"""Shared fixtures: the loaded model, a way to run a case given as a dict, and the command line in-process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

# The tests never read or write the user's cache (kansrijk/cache.py): one folder for the session,
# removed at its end; set before anything loads the model, and inherited by every subprocess.
_CACHE = tempfile.TemporaryDirectory(prefix="kansrijk-test-cache-")
os.environ["KANSRIJK_CACHE_DIR"] = _CACHE.name
# ...nor the user's workbench database (kansrijk/store): a command run without --db uses this one
os.environ["KANSRIJK_DB"] = "sqlite:///" + os.path.join(_CACHE.name, "workbench.sqlite3")
os.environ["KANSRIJK_DATA_DIR"] = os.path.join(_CACHE.name, "data")  # the workbench's session key

from kansrijk.case import Case
from kansrijk.cli import main
from kansrijk.model import Model, load_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
HEALTHCARE = ROOT / "examples" / "zorgalliantie.yaml"  # a case with advice, observations and characteristics


def kansrijk(*args, **kwargs) -> Result:
    """`kansrijk *args` through click's CliRunner; paths and numbers may be given as they are (made str).
    kwargs go to CliRunner.invoke (input=, env=)."""
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture(scope="session")
def model() -> Model:
    return load_model()


@pytest.fixture(scope="session")
def make_case(model):
    """make_case(scores=..., observations=...) -> a validated Case named 'test'."""

    def make(**data) -> Case:
        return Case.model_validate({"name": "test", **data}, context={"kb": model.kb})

    return make
