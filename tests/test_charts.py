"""The essay's figures as static SVG charts that agree with the essay, with a table for screen readers."""

from __future__ import annotations

import re

import pytest
from conftest import page_url, section_files
from reading import article


def essay_figures(essay) -> dict[int, list[float]]:
    """The numbers of the two charts, read from source/essay.txt."""
    four = [float(n) for n in re.findall(r"(\d+)\s*%", essay.sections[3].text)]
    three = re.search(r"from (\d+)\s*% in (\d{4}) to (\d+)\s*% in ([A-Z][a-z]+ \d{4})", essay.sections[2].text)
    return {4: four, 3: [float(three.group(1)), float(three.group(3))]}, three


def chart(build, number):
    page = article(build.soup(page_url(section_files()[number - 1])))
    figures = page.select("figure.chart")
    assert len(figures) == 1, f"section {number}: expected one chart"
    return page, figures[0]


@pytest.mark.parametrize("number", [3, 4])
def test_bars_and_table_agree_with_the_essay(number, build, essay):
    expected = essay_figures(essay)[0][number]
    assert len(expected) == (3 if number == 4 else 2), "the essay's figures were not found"
    page, figure = chart(build, number)
    bars = figure.select("svg rect.chart-bar")
    assert [float(bar["data-value"]) for bar in bars] == expected
    widths = [float(bar["width"]) for bar in bars]
    scale = widths[0] / expected[0]
    assert all(abs(width - value * scale) < 0.01 for width, value in zip(widths, expected)), "bar lengths are not to scale"
    assert [float(re.match(r"[\d.]+", t.get_text()).group()) for t in figure.select("svg text.chart-value")] == expected
    table = figure.find_next_sibling("table")
    assert table is not None and table.caption is not None
    cells = [float(re.match(r"[\d.]+", td.get_text()).group()) for td in table.select("tbody td")]
    assert cells == expected
    row_heads = [th.get_text() for th in table.select("tbody th")]
    assert row_heads == [t.get_text() for t in figure.select("svg text.chart-label")]


def test_the_years_of_section_3_are_the_essays(build, essay):
    _, match = essay_figures(essay)
    _, figure = chart(build, 3)
    labels = [t.get_text() for t in figure.select("svg text.chart-label")]
    assert labels == [match.group(2), match.group(4)]


@pytest.mark.parametrize("number", [3, 4])
def test_chart_is_accessible_static_and_free_of_inline_style(number, build):
    _, figure = chart(build, number)
    svg = figure.find("svg")
    assert svg["role"] == "img"
    ids = svg["aria-labelledby"].split()
    assert svg.find("title")["id"] in ids and svg.find("desc")["id"] in ids
    assert svg.find("title").get_text().strip()
    assert not svg.find_all(["script", "style", "foreignobject", "foreignObject"])
    assert not [el for el in [svg, *svg.find_all(True)] if el.has_attr("style") or any(a.startswith("on") for a in el.attrs)]


@pytest.mark.parametrize("number", [3, 4])
def test_caption_cites_the_essays_source_and_the_chart_is_the_editors(number, build):
    page, figure = chart(build, number)
    caption_keys = [a["href"].split("#")[1] for a in figure.figcaption.select("a.editorial-cite")]
    note_keys = [sup["id"].split(":ref-")[1] for sup in page.select("sup[id^=fnref]")]
    assert caption_keys and set(caption_keys) <= set(note_keys), "the caption cites the source the essay gives"
    box = figure.find_parent(class_="admonition")
    assert box is not None and box.parent is page
    assert not [el for el in box.find_next_siblings() if el.name in ("p", "ul", "ol")], "chart inside the author's text"


def test_charts_are_on_the_whole_essay_page_for_print(build):
    assert len(article(build.soup("whole-essay/index.html")).select("figure.chart svg")) == 2
