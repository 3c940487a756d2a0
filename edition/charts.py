"""Draw the editors' charts at build time: static bars, legible at any width, each with its data table.

A chart must work without JavaScript, offline and in the PDF, be readable by
a screen reader, and stay legible on a 360 px phone. The numbers live in one
file, `data/figures.yml`; from it this hook writes a horizontal bar chart and
a real `<table>` of the same numbers. A page places a chart with a paragraph
whose text is the caption:

    The status of legislation, as the essay gives it [@UNODC2009global, p. 22].
    { .chart data-figure="legislation" }

The words and figures are HTML text, so they wrap and keep the size of the
text around them at any width; only the bars are drawn, each an SVG of its
own stretched to the column (`preserveAspectRatio="none"`: a bar has no text
to distort). A single SVG drawing of the whole chart would shrink its labels
with the column: at 6.7 px on a phone. The chart is one image to assistive
technology (role="img"), named by its title and figures; the table follows.

Colours are presentation attributes (for the PDF, which has none of the
website's stylesheets), overridden for the dark scheme by classes in
edition.css; no style attributes (Content-Security-Policy). Tests:
tests/test_charts.py (against the essay), tests/test_pdf.py (drawn to scale
in the PDF), tests/test_phone.py (legible as drawn on a phone).
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

import yaml

log = logging.getLogger("mkdocs.hooks.charts")

# Beside mkdocs.yml, outside docs/: data, not a published file.
DATA_FILE = Path("data") / "figures.yml"
PLACE = re.compile(r'<p (?P<attrs>[^>]*\bdata-figure="(?P<name>[\w-]+)"[^>]*)>(?P<caption>.*?)</p>', re.DOTALL)

_figures: dict[str, dict] = {}


def on_config(config):
    _figures.clear()
    path = Path(config.config_file_path).parent / DATA_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        log.error(f"{DATA_FILE}: cannot be read ({error})")
        return config
    for name, figure in data.items():
        problem = check(figure)
        if problem:
            log.error(f"{DATA_FILE}: figure '{name}': {problem}")
            continue
        _figures[name] = figure
    return config


def on_page_content(html_text, page, config, files):
    if "data-figure=" not in html_text:
        return html_text

    def replace(match: re.Match) -> str:
        name = match.group("name")
        figure = _figures.get(name)
        if figure is None:
            log.error(f"{page.file.src_uri}: no figure '{name}' in {DATA_FILE}")
            return match.group(0)
        return render(name, figure, match.group("caption").strip())

    return PLACE.sub(replace, html_text)


# Helpers

BAR_SPACE = 100  # the length of 100 % in a bar's drawing (its viewBox), stretched to the column
TRACK = "#e6e1ec"
BAR = "#5b2a86"


def check(figure) -> str | None:
    if not isinstance(figure, dict):
        return "is not a mapping"
    for key in ("title", "description", "columns", "unit", "bars"):
        if key not in figure:
            return f"has no '{key}'"
    for bar in figure["bars"]:
        value = bar.get("value") if isinstance(bar, dict) else None
        if not isinstance(value, (int, float)) or not 0 <= value <= 100 or "label" not in bar:
            return f"bar {bar!r} needs a label and a value from 0 to 100"
    return None


def render(name: str, figure: dict, caption: str) -> str:
    return (
        f'<figure class="chart" id="figure-{name}">\n'
        f"{plot(figure)}\n"
        f"<figcaption>{caption}</figcaption>\n"
        f"</figure>\n"
        f"{table(figure)}"
    )


def plot(figure: dict) -> str:
    """The bars: for each, its label, then the bar and its figure on one line."""
    esc = html.escape
    rows = [f'<div class="chart-plot" role="img" aria-label="{esc(describe(figure), quote=True)}">']
    for bar in figure["bars"]:
        length = round(BAR_SPACE * bar["value"] / 100, 2)
        rows.append(
            f'<div class="chart-row">'
            f'<span class="chart-label">{esc(str(bar["label"]))}</span>'
            f'<span class="chart-measure">'
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {BAR_SPACE} 10" '
            f'width="100%" height="16" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
            f'<rect class="chart-track" x="0" y="0" width="{BAR_SPACE}" height="10" fill="{TRACK}"/>'
            f'<rect class="chart-bar" x="0" y="0" width="{length}" height="10" fill="{BAR}" '
            f'data-value="{bar["value"]}"/>'
            f"</svg>"
            f'<span class="chart-value">{bar["value"]} {esc(figure["unit"])}</span>'
            f"</span></div>"
        )
    rows.append("</div>")
    return "\n".join(rows)


def describe(figure: dict) -> str:
    """The chart in words: its title, what it shows, and every figure."""
    values = "; ".join(f'{bar["label"]}: {bar["value"]} {figure["unit"]}' for bar in figure["bars"])
    return f'{figure["title"]}. {figure["description"]} {values}.'


def table(figure: dict) -> str:
    esc = html.escape
    first, second = (esc(column) for column in figure["columns"])
    rows = "\n".join(
        f'<tr><th scope="row">{esc(str(bar["label"]))}</th><td>{bar["value"]} {esc(figure["unit"])}</td></tr>'
        for bar in figure["bars"]
    )
    return (
        f'<table class="chart-data">\n<caption>The figures of the chart: {esc(figure["title"])}</caption>\n'
        f'<thead><tr><th scope="col">{first}</th><th scope="col">{second}</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )
