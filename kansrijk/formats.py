"""The choices the command line offers and the library honours: output formats, audiences and
how many interventions a summary shows. Kept apart, free of imports, so that `--help` can show
them without loading the renderers."""

FORMATS = ("text", "markdown", "json")
EXT = {"text": "text", "markdown": "md"}  # template name part per output format
AUDIENCES = ("adviser", "partners")
DEFAULT_TOP = 5  # interventions in the summary: what fits one page with two questions each
