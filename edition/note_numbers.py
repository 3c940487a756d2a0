"""Number the essay's notes once, 1 to 11, across the whole essay.

Python-Markdown numbers footnotes from 1 on every page. The printed essay
numbered its notes through the whole text, so note 5 must be note 5 on its
section page, on the whole-essay page and in the PDF. This hook numbers the
author's citations in reading order (the navigation order of the section
pages) and rewrites the footnote markers and lists to match.
"""

from __future__ import annotations

import logging
import re

from edition.citation_scan import number_notes
from edition.pages import essay_pages, read_source

log = logging.getLogger("mkdocs.hooks.note_numbers")

FOOTNOTE_PREFIX = "ref-"
numbers: dict[str, int] = {}


def on_nav(nav, config, files):
    numbers.clear()
    numbers.update(number_notes(read_source(page) for page in essay_pages(nav)))
    return nav


def on_page_content(html, page, config, files):
    if 'class="footnote"' not in html:
        return html
    html = MARKER.sub(_renumber_marker, html)
    html = ITEM.sub(_number_item, html)
    return html


# Helpers

MARKER = re.compile(
    r'(<sup id="fnref\d*:(?P<id>[^"]+)"><a class="footnote-ref" href="#fn:(?P=id)"[^>]*>)\d+(</a></sup>)'
)
ITEM = re.compile(r'<li id="fn:(?P<id>[^"]+)">(?P<body>.*?)</li>', re.DOTALL)
BACKREF_TITLE = re.compile(r"Jump back to footnote \d+ in the text")


def _number(footnote_id: str) -> int | None:
    if footnote_id.startswith(FOOTNOTE_PREFIX):
        return numbers.get(footnote_id[len(FOOTNOTE_PREFIX) :])
    return None


def _renumber_marker(match: re.Match) -> str:
    number = _number(match.group("id"))
    if number is None:
        return match.group(0)
    return f"{match.group(1)}{number}{match.group(3)}"


def _number_item(match: re.Match) -> str:
    number = _number(match.group("id"))
    if number is None:
        return match.group(0)
    body = BACKREF_TITLE.sub(f"Jump back to note {number} in the text", match.group("body"))
    return f'<li id="fn:{match.group("id")}" value="{number}">{body}</li>'
