"""The command line has one entry point that nothing imports back: the command modules under
kansrijk/commands/ never import kansrijk.cli, every command it names resolves, and a command's
module is imported only when that command is looked up."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import click
import pytest

from kansrijk.cli import COMMANDS, main
from tests.conftest import ROOT

COMMAND_MODULES = sorted((ROOT / "kansrijk" / "commands").glob("*.py"))


def imported_modules(source: str) -> set[str]:
    """Every module an `import` or `from ... import` names, and `from kansrijk import cli` as kansrijk.cli."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom):  # relative: from .. import cli
            names |= {f".{alias.name}" for alias in node.names} | ({f".{node.module}"} if node.module else set())
    return names


def test_the_probe_sees_every_way_to_import_the_entry_point():
    for source in ("import kansrijk.cli", "from kansrijk.cli import main", "from kansrijk import cli",
                   "from .. import cli", "import kansrijk.cli as entry"):
        assert imports_the_entry_point(imported_modules(source)), source
    assert not imports_the_entry_point(imported_modules("from kansrijk.commands.common import LANG"))


def imports_the_entry_point(names: set[str]) -> bool:
    return any(name in ("kansrijk.cli", ".cli") or name.startswith("kansrijk.cli.") for name in names)


@pytest.mark.parametrize("path", COMMAND_MODULES, ids=lambda path: path.name)
def test_no_command_module_imports_the_entry_point(path):
    assert not imports_the_entry_point(imported_modules(path.read_text(encoding="utf-8"))), \
        f"kansrijk/commands/{path.name} imports kansrijk.cli: import from kansrijk.commands.common instead"


def test_every_registered_command_resolves_to_a_command_of_that_name():
    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert names == sorted(COMMANDS) and len(names) > 10
    for name in names:
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command), name
        assert command.name == name
        assert COMMANDS[name].split(":")[0].startswith("kansrijk.commands."), name


def test_every_command_module_registers_a_command():
    registered = {target.split(":")[0] for target in COMMANDS.values()}
    modules = {f"kansrijk.commands.{path.stem}" for path in COMMAND_MODULES if path.stem not in ("__init__", "common")}
    assert modules <= registered, f"command modules nobody registers: {sorted(modules - registered)}"


# in a fresh interpreter: which command modules one command's --help imported
PROBE = """
import json, sys
from kansrijk.cli import main
try:
    main([sys.argv[1], "--help"], prog_name="kansrijk")
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
print(json.dumps(sorted(m for m in sys.modules if m.startswith("kansrijk.commands."))))
"""


def test_a_command_imports_only_its_own_module():
    result = subprocess.run([sys.executable, "-c", PROBE, "whatif"], capture_output=True, text=True, cwd=ROOT,
                            check=True)
    assert json.loads(result.stdout.splitlines()[-1]) == ["kansrijk.commands.common", "kansrijk.commands.whatif"]
