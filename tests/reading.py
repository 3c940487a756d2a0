"""Read a built page the way a reader would: which words are the author's?"""

from __future__ import annotations

import copy
import re

from bs4 import BeautifulSoup

from essay_source import normalise

# Everything on a section page that is not the author's running text.
NOT_THE_AUTHOR = [
    ".md-content__button",  # edit this page
    ".headerlink",  # permalink
    "sup[id^=fnref]",  # note markers (their place is checked separately)
    "div.footnote",  # the notes
    ".editors-title",  # the editors' statement that a title is theirs
    ".admonition",  # editors' notes and updates
    "details",
    ".editorial",  # anything else the editors add
]


def article(soup: BeautifulSoup):
    return soup.select_one("article.md-content__inner")


def without_abbreviations(element):
    """An <abbr> explains a word on hover; its text is the word, unchanged.

    Unwrap them, in a copy (built pages are shared between tests), so that
    "(<abbr>OPSC</abbr>)" reads "(OPSC)" again.
    """
    element = copy.copy(element)
    for abbr in element.find_all("abbr"):
        abbr.unwrap()
    element.smooth()
    return element


def author_text(soup: BeautifulSoup, title_by: str) -> str:
    """The author's words on a section page, whitespace normalised."""
    body = without_abbreviations(article(soup))
    for selector in NOT_THE_AUTHOR:
        for element in body.select(selector):
            element.decompose()
    h1 = body.find("h1")
    if title_by == "editors":
        h1.decompose()
    else:
        # "14. OPSC": the number is the edition's, the heading the author's.
        h1.string = re.sub(r"^\d+\.\s*", "", h1.get_text())
    return normalise(body.get_text(" "))


def note_markers(soup: BeautifulSoup) -> list[tuple[str, int]]:
    """(footnote id, number shown) for every note marker, in reading order."""
    return [
        (a["href"].removeprefix("#fn:"), int(a.get_text()))
        for a in article(soup).select("sup[id^=fnref] a.footnote-ref")
    ]
