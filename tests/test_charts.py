"""The essay's figures as static bar charts that agree with the essay, with a table for screen readers.

That the charts stay legible on a phone is tests/test_phone.py's promise.
"""

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
    bars = figure.select(".chart-row svg rect.chart-bar")
    assert [float(bar["data-value"]) for bar in bars] == expected
    for bar in bars:  # each bar drawn to scale in its track: 100 % is the whole track
        track = bar.find_previous_sibling("rect", class_="chart-track")
        assert abs(float(bar["width"]) / float(track["width"]) * 100 - float(bar["data-value"])) < 0.01
    assert [float(re.match(r"[\d.]+", t.get_text()).group()) for t in figure.select(".chart-value")] == expected
    table = figure.find_next_sibling("table")
    assert table is not None and table.caption is not None
    cells = [float(re.match(r"[\d.]+", td.get_text()).group()) for td in table.select("tbody td")]
    assert cells == expected
    row_heads = [th.get_text() for th in table.select("tbody th")]
    assert row_heads == [t.get_text() for t in figure.select(".chart-label")]


def test_the_years_of_section_3_are_the_essays(build, essay):
    _, match = essay_figures(essay)
    _, figure = chart(build, 3)
    labels = [t.get_text() for t in figure.select(".chart-label")]
    assert labels == [match.group(2), match.group(4)]


@pytest.mark.parametrize("number", [3, 4])
def test_chart_is_one_image_named_by_its_figures_static_and_free_of_inline_style(number, build, essay):
    """Words and figures are text (they wrap, and keep their size on a phone); only the bars are drawn."""
    _, figure = chart(build, number)
    image = figure.select_one("[role=img]")
    assert image is not None and image.name != "svg"
    name = image["aria-label"]
    assert all(f"{value:g} %" in name for value in essay_figures(essay)[0][number]), name
    assert all(label.get_text() in name for label in figure.select(".chart-label"))
    drawings = figure.find_all("svg")
    assert len(drawings) == len(figure.select(".chart-row")), "one drawing per bar"
    assert all(svg["aria-hidden"] == "true" and svg.find_parent(attrs={"role": "img"}) is image for svg in drawings)
    assert all(not svg.find_all("text") for svg in drawings), "no words drawn: they are the page's text"
    # Each drawing's only words are its <title>: hidden here, the bar's alternative in the tagged PDF.
    for svg, row in zip(drawings, figure.select(".chart-row")):
        words = f'{row.select_one(".chart-label").get_text()}: {row.select_one(".chart-value").get_text()}'
        assert [s.strip() for s in svg.find_all(string=lambda s: s.strip())] == [words]
        assert svg.title.get_text() == words
    assert not figure.find_all(["script", "style", "foreignobject", "foreignObject"])
    assert not [el for el in figure.find_all(True) if el.has_attr("style") or any(a.startswith("on") for a in el.attrs)]


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
    figures = article(build.soup("whole-essay/index.html")).select("figure.chart")
    assert [len(figure.select(".chart-row svg rect.chart-bar")) for figure in figures] == [2, 3]
