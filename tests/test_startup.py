"""`kansrijk --help` and every command's --help start at once: they import click and kansrijk's
small modules, not pydantic, Jinja, YAML or experta (benchmarks/bench_startup.py times them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from kansrijk.cli import main

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["pydantic", "jinja2", "yaml", "experta", "openpyxl", "kansrijk.model", "kansrijk.case", "kansrijk.render"]

# in a fresh interpreter: every --help, then which of HEAVY (or their submodules) were imported
PROBE = """
import json, sys
from kansrijk.cli import main
commands, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for command in commands:
    try:
        main([*command, "--help"], prog_name="kansrijk")
    except SystemExit as exit:
        assert exit.code in (0, None), (command, exit.code)
print(json.dumps(sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))))
"""


def test_help_imports_no_heavy_library():
    commands = [[], *([name] for name in main.list_commands(click.Context(main)))]
    assert len(commands) > 10
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands), json.dumps(HEAVY)],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    imported = json.loads(result.stdout.splitlines()[-1])
    assert imported == [], f"--help imported {imported}"
