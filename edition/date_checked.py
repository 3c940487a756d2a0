"""Say when the editors last checked a page's sources, from references.bib, never by hand.

The "Report a suspected case" page says when its numbers and addresses were
checked against each service's official page. That date is kept in one place:
the `urldate` field (YYYY-MM-DD) of each entry the page cites. This hook puts
it where the page has the marker `<!-- date checked -->`: one date
("28 November 2026"), or the span when the entries were checked on different
days ("between 3 November 2026 and 28 November 2026"). A cited entry with an
address but no `urldate`, or a date that is not YYYY-MM-DD, stops a strict
build with a message naming the page and the key. The list of sources shows
the same field for each entry (bibliography_style.py, through `human_date`).

Tests: tests/test_take_action.py.
"""

from __future__ import annotations

import datetime
import logging

from mkdocs.plugins import event_priority

from edition.citation_scan import scan

log = logging.getLogger("mkdocs.hooks.date_checked")

MARKER = "<!-- date checked -->"


@event_priority(150)  # while the citations are still [@key], before any hook renders them
def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    entries = config.plugins["bibtex"].registry.bib_data.entries
    dates: list[datetime.date] = []
    for key in dict.fromkeys(cite.key for cite in scan(markdown)):
        entry = entries.get(key)
        if entry is None or "url" not in entry.fields:
            continue  # an unknown key is named by the citation check; a source with no address is not checked
        checked = entry.fields.get("urldate", "")
        try:
            dates.append(datetime.date.fromisoformat(checked))
        except ValueError:
            log.error(f"{page.file.src_uri}: {key} in references.bib needs urldate = {{YYYY-MM-DD}}, "
                      f"the day its address was checked (found {checked!r})")
    if not dates:
        log.error(f"{page.file.src_uri}: {MARKER} needs citations of sources with an address and a urldate")
        return markdown
    first, last = min(dates), max(dates)
    when = human_date(first) if first == last else f"between {human_date(first)} and {human_date(last)}"
    return markdown.replace(MARKER, when)


def human_date(value) -> str:
    """2026-11-28 (a date or its ISO text) as "28 November 2026"; other text as it is."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"
