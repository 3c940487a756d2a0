"""Format references the edition's way, on top of pybtex's plain style.

mkdocs-bibtex formats every note with pybtex's plain style and offers no
option for another. The citation pipeline (edition/citations.py) swaps in
this subclass of that style once mkdocs-bibtex has loaded the bibliography:
it adds what a reader of a 2010 essay needs, the archived copy of a dead
address and the page's current address.

Tests: tests/test_citations.py, tests/test_updates.py (the notes and the list of sources as built).
"""

from __future__ import annotations

from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, href, join, optional, sentence, words

from edition.date_checked import human_date


def url_field(name: str):
    """A URL as written in the .bib file, with BibTeX's \\% turned back into %."""
    return field(name, raw=True, apply_func=lambda url: url.replace("\\%", "%"))


class EditionStyle(PlainStyle):
    """Plain style, plus archived and current addresses."""

    def format_web_refs(self, e):
        return join(sep=" ")[
            optional[sentence[words["Online:", href(url_field("url"))[url_field("url")]]]],
            # urldate, the day the editors last checked the address (edition/date_checked.py).
            optional[sentence[words["Last checked on", field("urldate", raw=True, apply_func=human_date)]]],
            optional[sentence[words["Archived copy:", href(url_field("archived"))[url_field("archived")]]]],
            optional[sentence[words["Current page:", href(url_field("current"))[url_field("current")]]]],
        ]
