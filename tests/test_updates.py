"""Where the essay's figures have changed, a cited editors' update sits beside, never inside, her text."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, page_url, section_files
from pybtex.database import parse_file
from reading import article

UPDATES = {2: ["124", "173"], 14: ["131", "175"]}


@pytest.fixture(scope="module")
def bib():
    return parse_file(str(ROOT / "references.bib")).entries


def update_box(build, number):
    page = article(build.soup(page_url(section_files()[number - 1])))
    boxes = page.select(".admonition.update")
    assert len(boxes) == 1, f"section {number}: expected one update"
    return page, boxes[0]


@pytest.mark.parametrize("number", sorted(UPDATES))
def test_update_is_the_editors_and_follows_the_authors_text(number, build):
    page, box = update_box(build, number)
    assert box.select_one(".admonition-title").get_text().strip() == "Since this essay was written"
    assert box.parent is page, "an update must not sit inside one of the author's paragraphs or lists"
    after = [el for el in box.find_next_siblings() if el.name in ("p", "ul", "ol", "h2", "h3")]
    assert not after, f"section {number}: the author's text continues after the update"


@pytest.mark.parametrize("number", sorted(UPDATES))
def test_every_figure_in_an_update_comes_from_a_cited_source(number, build, bib, essay):
    _, box = update_box(build, number)
    cites = box.select("a.editorial-cite")
    assert cites, f"section {number}: update without a citation"
    keys = [a["href"].split("#")[1] for a in cites]
    assert all(key in bib for key in keys)
    sources = " ".join(bib[key].fields.get("note", "") + " " + bib[key].fields.get("howpublished", "") for key in keys)
    essays_words = essay.sections[number - 1].text
    text = box.get_text(" ")
    for figure in UPDATES[number]:
        assert figure in text, f"section {number}: the update does not give {figure}"
        assert re.search(rf"\b{figure}\b", sources + " " + essays_words), f"{figure} is in no cited source"
    for cite in cites:
        year = bib[cite["href"].split("#")[1]].fields["year"]
        assert year in cite.get_text(), "each citation shows its source's date"


def test_updates_look_like_the_editors_not_the_author(build, chromium):
    """In a browser: the update is set in the editors' face and colour, not the author's."""
    from scripts.browser import serve

    style = "e => { const s = getComputedStyle(e); return [s.fontFamily, s.borderLeftColor]; }"
    with serve(build.site) as base:
        context = chromium.new_context()
        try:
            tab = context.new_page()
            tab.goto(base + "essay/14-opsc/")
            author_font, _ = tab.eval_on_selector("article > p", style)
            update_font, update_border = tab.eval_on_selector(".admonition.update", style)
            tab.goto(base + "essay/18-what-you-can-do/")
            _, editors_border = tab.eval_on_selector(".admonition.editors", style)
        finally:
            context.close()
    assert update_font != author_font, "the update is set like the author's text"
    assert update_border == editors_border, "the editors' blocks share one colour"


def test_updates_are_on_the_whole_essay_page_too(build):
    whole = article(build.soup("whole-essay/index.html"))
    assert len(whole.select(".admonition.update")) == len(UPDATES)
