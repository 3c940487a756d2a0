"""The editors' charts, drawn while the page is rendered: static bars, legible at any width, each with its table.

A chart must work without JavaScript, offline and in the PDF, be readable by
a screen reader, and stay legible on a 360 px phone. The numbers live in one
file, `data/figures.yml`; from it the page gets a horizontal bar chart and a
real `<table>` of the same numbers. A page places a chart with a paragraph
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
edition.css; no style attributes (Content-Security-Policy).

A treeprocessor of the `edition.pages` extension (edition/pages/__init__.py)
replaces the paragraph, after attribute lists (8) have given it its class and
the citations (18) have rendered its caption; the chart is handed to
Python-Markdown as raw HTML (`htmlStash`), as extensions hand it finished
markup. The data file is read by the repository's one reader, with the
edition's bounded YAML reader (no aliases, tags or deep nesting:
edition/front_matter.py), and checked against a schema (pydantic, strict: a
value of `true` is not a number) by the source guard; any problem stops the
build in every mode, naming the line.

Tests: tests/test_charts.py (against the essay), tests/test_pdf.py (drawn to
scale in the PDF), tests/test_phone.py (legible as drawn on a phone),
tests/test_red_team.py (the data file).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, ValidationError

from edition import files
from edition.errors import SOURCE_GUARD, Refusal
from edition.front_matter import SourceError, load_yaml

DATA_FILE = "data/figures.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


Text = Annotated[StrictStr, Field(min_length=1, max_length=300)]


class Bar(_Strict):
    label: Text
    value: Annotated[StrictInt | StrictFloat, Field(ge=0, le=100)]


class Figure(_Strict):
    section: Annotated[StrictInt, Field(ge=1, le=99)] | None = None
    title: Text
    description: Text
    columns: Annotated[list[Text], Field(min_length=2, max_length=2)]
    unit: Annotated[StrictStr, Field(max_length=10)]
    bars: Annotated[list[Bar], Field(min_length=1, max_length=50)]


def read(root: Path) -> dict[str, dict]:
    """data/figures.yml, checked: name -> figure; a Refusal naming the line otherwise."""
    text = files.read_text(root, DATA_FILE, "data")
    try:
        figures, lines = load_yaml(text, max_depth=4)
        if not isinstance(figures, dict):
            raise SourceError(1, "the file must map each figure's name to its data")
        for name, figure in figures.items():
            problem = check(figure)
            if problem:
                raise SourceError(lines.get(name), f"figure '{name}': {problem}")
    except SourceError as error:
        raise Refusal(DATA_FILE, error.line, error.message, SOURCE_GUARD) from None
    return figures


# Helpers

BAR_SPACE = 100  # the length of 100 % in a bar's drawing (its viewBox), stretched to the column
TRACK = "#e6e1ec"
BAR = "#5b2a86"


def check(figure) -> str | None:
    """What is wrong with one figure's data, or None (a strict schema: `true` is not a number)."""
    try:
        Figure.model_validate(figure)
    except ValidationError as error:
        problem = error.errors()[0]
        loc = [str(part) for part in problem["loc"]]
        while loc and loc[-1] in ("int", "float"):  # the members of int | float
            loc.pop()
        where = ".".join(loc)
        found = problem.get("input")
        shown = f" (found {found!r})" if isinstance(found, (str, int, float, bool)) else ""
        return f"{where}: {problem['msg']}{shown}" if where else problem["msg"]
    return None


def elements(name: str, figure: dict, caption) -> tuple:
    """The chart (a figure: the bars, then the caption's own words and links) and its table, as elements.

    Elements rather than finished HTML, so that what the caption holds (a short
    citation and its id) stays in the page's tree, where MkDocs finds its anchors.
    """
    import xml.etree.ElementTree as etree

    drawn = etree.Element("figure", {"class": "chart", "id": f"figure-{name}"})
    drawn.text = "\n"
    bars = _element(plot(figure))
    bars.tail = "\n"
    drawn.append(bars)
    words = etree.SubElement(drawn, "figcaption")
    words.text = (caption.text or "").strip()
    words.extend(list(caption))
    if len(words):
        words[-1].tail = (words[-1].tail or "").rstrip()
    words.tail = "\n"
    return drawn, _element(table(figure))


def _element(markup: str):
    """Markup this module writes (well-formed), as elements without namespaces, as Python-Markdown's trees are."""
    import xml.etree.ElementTree as etree

    root = etree.fromstring(markup)
    for node in root.iter():
        if node.tag.startswith("{"):
            namespace, _, node.tag = node.tag[1:].partition("}")
            if node.tag == "svg":
                node.set("xmlns", namespace)
    return root


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
            # Hidden on the web (the chart is one image, named above); in the tagged PDF each
            # bar is a Figure, and WeasyPrint takes a Figure's text alternative from <title>.
            f'<title>{esc(bar_text(figure, bar))}</title>'
            f'<rect class="chart-track" x="0" y="0" width="{BAR_SPACE}" height="10" fill="{TRACK}"/>'
            f'<rect class="chart-bar" x="0" y="0" width="{length}" height="10" fill="{BAR}" '
            f'data-value="{bar["value"]}"/>'
            f"</svg>"
            f'<span class="chart-value">{bar["value"]} {esc(figure["unit"])}</span>'
            f"</span></div>"
        )
    rows.append("</div>")
    return "\n".join(rows)


def bar_text(figure: dict, bar: dict) -> str:
    """One bar in words: "No specific legislation: 20 %"."""
    return f'{bar["label"]}: {bar["value"]} {figure["unit"]}'


def describe(figure: dict) -> str:
    """The chart in words: its title, what it shows, and every figure."""
    values = "; ".join(bar_text(figure, bar) for bar in figure["bars"])
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
