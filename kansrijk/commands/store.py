"""`kansrijk store`: case files and survey exports into the workbench's database, and every
assessment back out as a case file."""

from __future__ import annotations

import click

from kansrijk.commands.common import DB_HELP, LANG

LANG_HELP = "Language of the messages; default: $KANSRIJK_LANG, else English."


@click.group(name="store")
def store() -> None:
    """The workbench's database (`kansrijk serve`): import case files and survey exports, export
    every assessment as a case file that `kansrijk advise` reads.

    \b
    Example:
      kansrijk store import examples/*.yaml examples/monitoring/*.yaml
      kansrijk store export -o cases/
    """


@store.command(name="import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--map", "mapping", metavar="MAPPING.yaml",
              help="For survey exports (CSV, XLSX): which column holds what, as for `kansrijk import`. "
                   "Default: columns named like the indicator ids and a column organisation/organisatie.")
@click.option("--lang", type=LANG, help=LANG_HELP)
def import_command(files: tuple[str, ...], db: str | None, mapping: str | None, lang: str | None) -> None:
    """Store each FILE as a new dated assessment: case files (YAML, JSON) as `kansrijk advise`
    reads them, survey exports (CSV, XLSX) as `kansrijk import` reads them. A case goes to the
    collaboration with its name and language, created when there is none.

    Every file is read before anything is stored: when one is bad, its problems are shown and
    nothing is stored (exit code 2).

    \b
    Example:
      kansrijk store import examples/zorgalliantie.yaml examples/monitoring/*.yaml
      kansrijk store import examples/survey/zorgalliantie_enquete.csv --map examples/survey/mapping.yaml
      kansrijk store import --db postgresql://adviseur@dbserver/kansrijk cases/*.yaml
    """
    from kansrijk.errors import Msg, error_language
    from kansrijk.escape import plain_text
    from kansrijk.model import load_model
    from kansrijk.store import open_store
    from kansrijk.store.exchange import import_files

    lang = lang or error_language(click.get_current_context())  # before a case's language counts
    opened = open_store(db)
    try:
        imported = import_files(opened, list(files), load_model(), mapping)
        for item in imported:
            date = item.date.isoformat() if item.date else Msg("store.undated")
            click.echo(plain_text(Msg("store.imported", source=item.source, name=item.name, date=date,
                                      collaboration_id=item.collaboration_id,
                                      assessment_id=item.assessment_id).render(lang)))
        click.echo(plain_text(Msg("store.imported_total", count=len(imported), db=opened.url).render(lang)))
    finally:
        opened.close()


@store.command(name="export")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("-o", "--output", required=True, metavar="DIR",
              help="The folder for the case files (created when missing, in an existing folder).")
@click.option("--force", is_flag=True, help="Overwrite case files that exist in the folder.")
@click.option("--lang", type=LANG, help=LANG_HELP)
def export_command(db: str | None, output: str, force: bool, lang: str | None) -> None:
    """Write every assessment to DIR as a case file that `kansrijk advise` reads, with the same
    advice as the file it was imported from. The files are named after the collaboration and
    the date (and the assessment's number when that is not enough). No file is overwritten
    without --force; when one would be, nothing is written (exit code 2).

    \b
    Example:
      kansrijk store export -o cases/
      kansrijk advise cases/regionale_zorgalliantie_noord-2026-09-03.yaml
    """
    from kansrijk.errors import Msg, error_language
    from kansrijk.escape import plain_text
    from kansrijk.store import open_store
    from kansrijk.store.exchange import export_all

    lang = lang or error_language(click.get_current_context())
    opened = open_store(db)
    try:
        written = export_all(opened, output, force)
        for path in written:
            click.echo(plain_text(str(path)))
        message = (Msg("store.exported_total", count=len(written), db=opened.url, folder=output) if written
                   else Msg("store.nothing_to_export", db=opened.url))
        click.echo(plain_text(message.render(lang)))
    finally:
        opened.close()
