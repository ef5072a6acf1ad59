"""The command that turns a survey export into a case with the partners' own answers."""

from __future__ import annotations

import click

from kansrijk.commands.common import LANG


@click.command(name="import")
@click.argument("survey", metavar="SURVEY.csv|SURVEY.xlsx")
@click.option("--map", "mapping", metavar="MAPPING.yaml",
              help="Which column holds the organisation, the name, each indicator and observations. "
                   "Default: columns named like the indicator ids and a column organisation/organisatie.")
@click.option("-o", "--output", required=True, metavar="CASE.yaml",
              help="Write the case to this file (.yaml, or .json for JSON); - writes it to standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--name", help="The case's name; default: the mapping's `name`, else the survey's file name.")
@click.option("--lang", type=LANG,
              help="Language of the summary, and of the case when the mapping sets none; default: the mapping's, else nl.")
def import_command(survey, mapping, output, force, name, lang) -> None:
    """Read a survey export (CSV or XLSX, one row per respondent) into a case with `respondents`.

    Answers may be 1..5 or Dutch or English labels ("helemaal mee eens", "in grote mate",
    "strongly agree", ...); "weet niet", "don't know" and empty cells count as don't know.
    Every problem is reported with its row and column, all at once; when there is any, nothing
    is written (exit code 2). A summary of what was read goes to standard output, or to standard
    error when the case goes to standard output.

    \b
    Example:
      kansrijk import examples/survey/zorgalliantie_enquete.csv --map examples/survey/mapping.yaml -o zorg.yaml
      kansrijk advise zorg.yaml
    """
    from kansrijk.knowledgebase import load_knowledge
    from kansrijk.output import check_output, write_output
    from kansrijk.render import render
    from kansrijk.survey import case_text, import_survey, ranges  # here: only this command needs it

    to_stdout = output == "-"
    check_output(output, force, inputs=[survey, mapping])  # before reading: refused without work
    result = import_survey(survey, mapping, load_knowledge(), name=name, lang=lang)
    write_output(case_text(result, as_json=output.lower().endswith(".json")), output, force, inputs=[survey, mapping])
    summary = render("survey_summary.text.j2", lang or result.case["language"], s=result, output=output,
                     ranges=ranges)
    click.echo(summary, err=to_stdout, nl=False)
