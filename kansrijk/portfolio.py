"""A portfolio: many cases seen together, for a firm or a research group that looks across its
collaborations.

Each case is advised as on its own; from its `Report` only what a portfolio may show is kept (a
`CaseSummary`): the case's `name`, its point of application, each condition's band and mean, and
the dynamics that threaten. The means are the report's, so they have already passed the disclosure
rule (kansrijk/disclosure.py): a mean withheld there stays withheld here, and a group mean keeps
its one decimal. Nothing else of a case reaches a portfolio — no file path, notes, respondents,
organisations or answers.

Across the cases a `Portfolio` counts how often each condition is the point of application, the
distribution of each condition's band and of its mean (a histogram and quartiles), the threatening
dynamics seen most, and per case where it stands against the others: per condition the percentile
rank of its mean among the cases with a mean shown for that condition,

    percentile = 100 × (cases below + ½ × cases equal, itself included) / cases with a mean,

rounded half up (a higher mean, a higher percentile: on Table 1's scale 5 is "to a great extent").
A condition without a mean shown has no percentile. The cases are ordered by name (then by what
the portfolio shows of them), so the same cases give the same bytes whatever order the files are
given in.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable

from kansrijk.advice import BANDS as ADVICE_BANDS
from kansrijk.advice import Report
from kansrijk.escape import plain_text
from kansrijk.glossary import glossary
from kansrijk.knowledgebase import KnowledgeBase
from kansrijk.render import labels, render
from kansrijk.report_html import coord, html_environment, threats  # "threatening" as the report's summary says it
from kansrijk.text import LANGUAGES, Language, Strict, round_half_up

BANDS = tuple(ADVICE_BANDS.values())  # strong, discuss, concern, unknown
SCALE = (1.0, 5.0)  # Table 1's answer scale
BIN_WIDTH = 0.5  # the histogram of means: [1, 1.5), [1.5, 2), ..., [4.5, 5]
BINS = int((SCALE[1] - SCALE[0]) / BIN_WIDTH)
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is a formula to a spreadsheet


class CaseSummary(Strict):
    """What a portfolio keeps of one case's report: language-independent ids and the shown numbers."""

    name: str
    language: Language
    focus: str | None
    bands: dict[str, str]  # condition -> strong | discuss | concern | unknown
    means: dict[str, float | None]  # condition -> the mean the report shows; None: none, or withheld
    withheld: list[str]  # conditions whose mean rests on too few answers to be shown
    threats: list[str]  # the negative dynamics that threaten (at least possible, or observed)


def summarise(report: Report, language: Language) -> CaseSummary:
    """The portfolio's view of one report. `language` is the case's own (the report may be in another)."""
    return CaseSummary(
        name=report.case, language=language, focus=report.focus,
        bands={c.id: c.band for c in report.conditions},
        means={c.id: c.score for c in report.conditions},
        withheld=[c.id for c in report.conditions if c.score_withheld],
        threats=sorted(d.id for _, found in threats(report) for d in found),
    )


def summarise_all(paths: list[str], jobs: int, lang: Language) -> tuple[list[CaseSummary], int]:
    """The summary of every case that can be advised, and the exit code (0; 2 when a file was bad
    input, 1 when only unexpected errors stopped some). The cases are advised by the batch
    machinery of `kansrijk advise` (kansrijk/batch.py: worker processes, a progress bar on a
    terminal, each failure said on standard error with its file name, in lang)."""
    from kansrijk.batch import Options, _report, run

    summaries: list[CaseSummary] = []

    def keep(outcome) -> None:  # the summary a worker made of its case (summary_line)
        summaries.append(CaseSummary.model_validate_json(outcome.text))

    code = _report(run(paths, Options(), jobs, work=summary_line), len(paths), lang, keep)
    return summaries, code


def summary_line(model, path: str, case, options) -> str:
    """One case's summary as JSON, made where the case is advised: the report without its
    explanations is all a portfolio reads, and only the summary crosses between processes."""
    return summarise(model.advise(case, trace=False), case.language).model_dump_json()


class Distribution(Strict):
    """The means of one condition across the cases that show one."""

    cases: int  # with a mean shown
    withheld: int  # scored, but the mean is withheld (too few answers)
    mean: float | None
    median: float | None
    q1: float | None  # quartiles (inclusive method); with one case all equal its mean
    q3: float | None
    minimum: float | None
    maximum: float | None
    histogram: list[int]  # cases per bin of BIN_WIDTH from SCALE[0]; the last bin includes 5


class ConditionSummary(Strict):
    id: str
    name: str
    focus: int  # cases whose point of application it is
    bands: dict[str, int]  # band -> cases, in the order of BANDS
    means: Distribution


class DynamicCount(Strict):
    id: str
    name: str
    condition: str
    cases: int  # in how many cases it threatens
    share: float  # of all cases counted, 0..1


class Standing(Strict):
    condition: str
    band: str
    mean: float | None
    withheld: bool
    percentile: int | None  # None without a mean shown


class CaseStanding(Strict):
    name: str
    focus: str | None
    conditions: list[Standing]


class Portfolio(Strict):
    language: Language
    cases: int  # counted (the bad ones are not)
    failed: int  # files that could not be read or advised
    no_focus: int  # cases without a point of application
    names: dict[str, str]  # condition id -> name, in the order of work
    bins: list[float]  # the lower edge of each histogram bin
    conditions: list[ConditionSummary]
    dynamics: list[DynamicCount]  # most cases first
    standings: list[CaseStanding]  # by name


def portfolio_language(summaries: Iterable[CaseSummary]) -> Language:
    """The language of a portfolio unless --lang says: the cases' own when they all agree, else Dutch."""
    found = {s.language for s in summaries}
    return found.pop() if len(found) == 1 else LANGUAGES[0]


def build(summaries: Iterable[CaseSummary], kb: KnowledgeBase, lang: Language, failed: int = 0) -> Portfolio:
    """The portfolio of these cases, in lang."""
    cases = sorted(summaries, key=lambda s: (s.name, s.model_dump_json()))
    order = kb.condition_ids()
    names = {c.id: c.name(lang) for c in kb.conditions}
    focus = Counter(s.focus for s in cases)

    conditions = []
    percentiles: dict[str, dict[float, int]] = {}
    for condition in order:
        means = sorted(m for s in cases if (m := s.means.get(condition)) is not None)
        percentiles[condition] = percentile_ranks(means)
        bands = Counter(s.bands.get(condition, "unknown") for s in cases)
        conditions.append(ConditionSummary(
            id=condition, name=names[condition], focus=focus[condition], bands={b: bands[b] for b in BANDS},
            means=distribution(means, sum(1 for s in cases if condition in s.withheld)),
        ))

    threatening = Counter(d for s in cases for d in s.threats)
    dynamics = []
    for ident, count in threatening.items():
        dynamic = kb.by_id["dynamic"][ident]
        dynamics.append(DynamicCount(id=ident, name=dynamic.name(lang), condition=dynamic.condition, cases=count,
                                     share=round(count / len(cases), 4)))
    dynamics.sort(key=lambda d: (-d.cases, order.index(d.condition), d.id))

    standings = [CaseStanding(name=s.name, focus=s.focus, conditions=[
        Standing(condition=c, band=s.bands.get(c, "unknown"), mean=s.means.get(c), withheld=c in s.withheld,
                 percentile=None if s.means.get(c) is None else percentiles[c][s.means[c]])
        for c in order]) for s in cases]
    return Portfolio(language=lang, cases=len(cases), failed=failed, no_focus=focus[None], names=names,
                     bins=[SCALE[0] + BIN_WIDTH * k for k in range(BINS)], conditions=conditions,
                     dynamics=dynamics, standings=standings)


def percentile_ranks(means: list[float]) -> dict[float, int]:
    """Each value's percentile rank among sorted `means` (see the module's docstring)."""
    total = len(means)
    counts = Counter(means)
    ranks, below = {}, 0
    for value in sorted(counts):
        ranks[value] = int(round_half_up(100 * (below + counts[value] / 2) / total, 0))
        below += counts[value]
    return ranks


def distribution(means: list[float], withheld: int) -> Distribution:
    histogram = [0] * BINS
    for value in means:
        histogram[min(int((value - SCALE[0]) / BIN_WIDTH), BINS - 1)] += 1
    if not means:
        return Distribution(cases=0, withheld=withheld, mean=None, median=None, q1=None, q3=None, minimum=None,
                            maximum=None, histogram=histogram)
    q1, _, q3 = statistics.quantiles(means, n=4, method="inclusive") if len(means) > 1 else means * 3
    return Distribution(cases=len(means), withheld=withheld, mean=round_half_up(statistics.fmean(means), 2),
                        median=round_half_up(statistics.median(means), 2), q1=round_half_up(q1, 2),
                        q3=round_half_up(q3, 2), minimum=means[0],
                        maximum=means[-1], histogram=histogram)


# -- output ---------------------------------------------------------------------------------------
def render_text(portfolio: Portfolio) -> str:
    return render("portfolio.text.j2", portfolio.language, p=portfolio)


def render_csv(portfolio: Portfolio) -> str:
    """One row per case: name, focus, and per condition its band, mean and percentile. Ids and
    numbers with a decimal point, whatever the language; an empty cell where there is no value
    (no focus, no mean shown, no percentile)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "focus", *(f"{c}.{part}" for c in portfolio.names
                                        for part in ("band", "mean", "percentile"))])
    for case in portfolio.standings:
        row = [csv_text(case.name), case.focus or ""]
        for s in case.conditions:
            row += [s.band, "" if s.mean is None else f"{s.mean:.2f}", "" if s.percentile is None else s.percentile]
        writer.writerow(row)
    return out.getvalue()


def csv_text(value: str) -> str:
    """A name as a CSV cell: no control characters, and never read as a formula by a spreadsheet."""
    text = plain_text(value)
    return "'" + text if text.startswith(CSV_FORMULA) else text


# The HTML's inline SVG charts, in SVG user units: a stacked bar of bands and a histogram of means
# per condition, a bar per count elsewhere (focus, dynamics).
BAR_WIDTH, BAR_HEIGHT = 300.0, 20.0
HIST_WIDTH, HIST_HEIGHT, HIST_AXIS = 200.0, 56.0, 14.0  # the axis row below the bars holds 1..5


def band_bar(condition: ConditionSummary, cases: int) -> list[dict]:
    """The stacked bar of one condition's bands: a segment per band that occurs, left to right."""
    segments, x = [], 0.0
    for band in BANDS:
        count = condition.bands[band]
        if count:
            width = BAR_WIDTH * count / cases
            segments.append({"band": band, "count": count, "x": coord(x), "width": coord(width)})
            x += width
    return segments


def histogram(means: Distribution, tallest: int) -> dict:
    """One condition's histogram of means, all on one vertical scale (tallest: the fullest bin of
    any condition), with the median as a line."""
    step = HIST_WIDTH / BINS
    plot = HIST_HEIGHT - HIST_AXIS
    bars = []
    for k, count in enumerate(means.histogram):
        if count:
            height = max(plot * count / tallest, 1.5)
            low = SCALE[0] + BIN_WIDTH * k
            bars.append({"x": coord(step * k + 1), "y": coord(plot - height), "width": coord(step - 2),
                         "height": coord(height), "count": count, "low": low, "high": low + BIN_WIDTH})
    median = None if means.median is None else coord(HIST_WIDTH * (means.median - SCALE[0]) / (SCALE[1] - SCALE[0]))
    ticks = [{"x": coord(HIST_WIDTH * (v - SCALE[0]) / (SCALE[1] - SCALE[0])), "value": v} for v in range(1, 6)]
    return {"bars": bars, "median": median, "plot": coord(plot), "ticks": ticks}


def render_html(portfolio: Portfolio) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, nothing from the network; every
    text escaped by the report's autoescaping environment."""

    lang = portfolio.language
    cases = max(portfolio.cases, 1)
    tallest = max([1, *(n for c in portfolio.conditions for n in c.means.histogram)])
    return html_environment().get_template("portfolio.html.j2").render(
        t=labels().resolve(lang), g=glossary().terms(lang), lang=lang, p=portfolio,
        bars={c.id: band_bar(c, cases) for c in portfolio.conditions},
        histograms={c.id: histogram(c.means, tallest) for c in portfolio.conditions},
        chart={"bar_width": BAR_WIDTH, "bar_height": BAR_HEIGHT, "hist_width": HIST_WIDTH,
               "hist_height": HIST_HEIGHT},
    )
