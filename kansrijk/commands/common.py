"""What every command module shares: the --lang type, usage errors in the user's language, the
group that turns any error into a message and an exit code, and the summary whatif and compare show.

Only click and kansrijk's small modules are imported here: `kansrijk CMD --help` imports this module."""

from __future__ import annotations

import contextlib
import os
import sys

import click
from click.core import ParameterSource

from kansrijk.escape import plain_text
from kansrijk.errors import DEBUG_ENV, LANG_META, InputError, Msg, error_language, file_problem, unexpected


class LanguageChoice(click.Choice):
    """nl | en; a --lang given on the command line is also the language of error messages."""

    def convert(self, value, param, ctx):
        lang = super().convert(value, param, ctx)
        if ctx is not None and param is not None and param.name is not None:
            source = ctx.get_parameter_source(param.name)
            if source is not None and source is not ParameterSource.DEFAULT:
                ctx.meta[LANG_META] = lang  # ctx.meta is shared with the group's context
        return lang


LANG = LanguageChoice(["nl", "en"])
DB_HELP = ("The database: a URL such as sqlite:////path/to/kansrijk.sqlite3 or postgresql://user@host/db. "
           "Default: $KANSRIJK_DB, else kansrijk.sqlite3 in your data folder.")  # serve and store
FORMATS_DATA = ("text", "json")  # for listings that have no markdown form


class UsageProblem(click.UsageError):
    """A usage error with a catalogue message, shown in the language of error output (exit code 2)."""

    def __init__(self, message: Msg, ctx: click.Context | None = None):
        super().__init__(message, ctx)
        self.msg = message
        # the command's context, only to read its --lang when the error is shown
        self.lang_ctx = ctx or click.get_current_context(silent=True)

    def format_message(self) -> str:
        return self.msg.render(error_language(self.lang_ctx))

    def show(self, file=None) -> None:
        lang = error_language(self.lang_ctx)
        if lang == "en":
            return super().show(file)
        color = self.ctx.color if self.ctx is not None else None
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                option = max(self.ctx.command.get_help_option_names(self.ctx), key=len)
                hint = Msg("try_help", command=self.ctx.command_path, option=option).render(lang) + "\n"
            click.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=file is None, color=color)
        click.echo(Msg("error", message=self.format_message()).render(lang), file=file, err=file is None, color=color)


def check_summary_options(top: int | None, show_all: bool, detail: bool, audience: str) -> None:
    """The options advise and report share, refused together as both commands refuse them:
    --top with --all, and --detail (the rule trace) for the partners."""
    if top is not None and show_all:
        raise UsageProblem(Msg("advise.top_and_all"))
    if detail and audience == "partners":
        raise UsageProblem(Msg("advise.detail_for_partners"))


DEBUG_META = "kansrijk.debug"


class Group(click.Group):
    """Bad input anywhere becomes a clear message and exit code 2, never a traceback; so does a
    file that cannot be read or written (an output in a folder without write permission).
    Anything else is a bug: a short message that says where to report it and exit code 1, the
    trace only with --debug or KANSRIJK_DEBUG=1.
    Messages are in the command's --lang when given, else $KANSRIJK_LANG (nl|en), else English."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as error:
            self._fail(ctx, error)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click shows these itself, with their own exit codes
        except BrokenPipeError:  # `kansrijk rules | head`: the reader has gone; nothing left to say
            with contextlib.suppress(Exception):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except OSError as error:
            if debugging(ctx):
                raise
            where = error.filename if error.filename is not None else ctx.command_path
            self._fail(ctx, InputError(str(where), [file_problem(error)]))
        except Exception as error:  # noqa: BLE001  the one place that catches what nobody foresaw
            if debugging(ctx):
                raise
            lang = error_language(ctx)
            click.echo(plain_text(Msg("error", message=unexpected(error)).render(lang)), err=True)
            ctx.exit(1)

    @staticmethod
    def _fail(ctx: click.Context, error: InputError) -> None:
        lang = error_language(ctx)
        # a file name from the user may hold control characters: none reaches the terminal raw
        click.echo(plain_text(Msg("error", message=error.render(lang)).render(lang)), err=True)
        ctx.exit(2)


def debugging(ctx: click.Context) -> bool:
    """--debug was given, or KANSRIJK_DEBUG is set (and not 0): show traces instead of a bug message."""
    return bool(ctx.meta.get(DEBUG_META)) or os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """The callback of --debug: recorded in ctx.meta, which the group's context shares."""
    if value:
        ctx.meta[DEBUG_META] = True


def summary(report) -> dict:
    """The parts of a report that whatif and compare show: the numbers beside the words."""
    focus = report.focus_detail
    return {
        "date": report.date,
        "focus": report.focus,
        "focus_reason": {"reason": focus.reason, "sections": focus.sections, "instead_of": focus.instead_of},
        "conditions": [{"id": c.id, "status": c.status, "band": c.band, "neglect": c.neglect}
                       for c in report.conditions],
        "dynamics": [{"id": d.id, "polarity": d.polarity, "certainty": d.certainty, "likelihood": d.likelihood}
                     for d in report.dynamics],
        "methods": [{"id": m.id, "default": m.default, "certainty": m.certainty, "likelihood": m.likelihood}
                    for m in report.methods],
        "advice": [{"rank": a.rank, "intervention": a.intervention, "priority": a.priority,
                    "likelihood": a.likelihood} for a in report.advice],
    }


def before_and_after_json(result) -> str:
    """A whatif or compare result as JSON: what changed, and the advice before and after in summary."""
    from kansrijk.render import to_json

    return to_json(result.model_dump(mode="json", exclude={"before", "after"}) | {
        "before": summary(result.before), "after": summary(result.after)})
