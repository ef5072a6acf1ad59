"""The command line's one entry point: the `kansrijk` group, which names every command and the module
that holds it (kansrijk/commands/). Each command parses its options and calls one function of the library."""

from __future__ import annotations

import atexit
import gc
import importlib
import sys

import click

# Only what --help needs is imported here: a command's module is imported when that command runs or
# --help lists it, and each command imports the library it uses (pydantic, Jinja, experta) in its body,
# so `kansrijk --help` and `kansrijk CMD --help` start at once.
from kansrijk.commands.common import Group, set_debug
from kansrijk.errors import DEBUG_ENV, INPUT_LANGUAGE

# A command's objects (modules, classes, the model and its engine) live until the process ends;
# the collector's last pass over all of them at exit would take longer than an advice (~0.1 s).
atexit.register(gc.freeze)

# command name -> "module:attribute" of its click command
COMMANDS = {
    "advise": "kansrijk.commands.advise:advise",
    "compare": "kansrijk.commands.compare:compare",
    "docs": "kansrijk.commands.docs:docs",
    "explain": "kansrijk.commands.explain:explain",
    "graph": "kansrijk.commands.model:graph",
    "import": "kansrijk.commands.survey:import_command",
    "interview": "kansrijk.commands.interview:interview",
    "model": "kansrijk.commands.model:model_command",
    "portfolio": "kansrijk.commands.portfolio:portfolio",
    "quiz": "kansrijk.commands.quiz:quiz",
    "report": "kansrijk.commands.report:report",
    "rule": "kansrijk.commands.model:rule",
    "rules": "kansrijk.commands.model:rules",
    "serve": "kansrijk.commands.serve:serve",
    "store": "kansrijk.commands.store:store",
    "whatif": "kansrijk.commands.whatif:whatif",
}


class LazyGroup(Group):
    """click's lazy group: a command's module is imported only when the command is looked up."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy_commands[cmd_name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:
            # click suggests close names from the commands already loaded: offer every command
            raise click.exceptions.NoSuchCommand(error.command_name, possibilities=self.list_commands(ctx),
                                                 ctx=ctx) from None


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
@click.version_option(package_name="kansrijk")
@click.option("--debug", is_flag=True, expose_value=False, callback=set_debug,
              help=f"Show the Python trace of an unexpected error (also {DEBUG_ENV}=1).")
def main() -> None:
    """kansrijk: prioritised, explained advice for inter-organisational collaborations,
    from the model of the conditions for promising collaboration."""
    INPUT_LANGUAGE.set(None)  # a new command: no case read yet (errors follow the one it reads)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
