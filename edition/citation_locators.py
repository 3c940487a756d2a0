"""Keep a citation's locator, such as "p. 22", which mkdocs-bibtex drops.

mkdocs-bibtex's plain style ignores affixes in `[@key, p. 22]` with only a
warning, so the words would vanish. Before it runs, this hook takes the
locator off the citation and remembers it; after the page is rendered, it
writes the locator into that note, before its final full stop.
"""

from __future__ import annotations

import html
import logging
import re

from mkdocs.plugins import event_priority

from edition.citation_scan import CITE_BLOCK, scan

log = logging.getLogger("mkdocs.hooks.citation_locators")

FOOTNOTE_FORMAT = "ref-{key}"
_locators: dict[str, dict[str, str]] = {}


@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    found: dict[str, str] = {}
    for cite in scan(markdown):
        if not cite.locator:
            continue
        previous = found.get(cite.key)
        if previous not in (None, cite.locator):
            log.error(
                f"{page.file.src_uri}:{cite.line}: @{cite.key} is cited with two locators "
                f"('{previous}' and '{cite.locator}') on one page; a note can hold only one"
            )
        found[cite.key] = cite.locator
    _locators[page.file.src_uri] = found
    if not found:
        return markdown
    return CITE_BLOCK.sub(_drop_locators, markdown)


def on_page_content(html_text, page, config, files):
    for key, locator in _locators.get(page.file.src_uri, {}).items():
        html_text = _add_locator(html_text, FOOTNOTE_FORMAT.format(key=key), locator)
    return html_text


def _drop_locators(match: re.Match) -> str:
    keys = [part.strip().split(",")[0] for part in match.group(1).split(";")]
    return "[" + "; ".join(keys) + "]"


def _add_locator(html_text: str, footnote_id: str, locator: str) -> str:
    """Insert ", p. 22" where the reference's first sentence ends.

    That is before the web addresses ("Online: ...") when the note has them,
    else before the note's final full stop.
    """
    item = re.compile(
        rf'(<li id="fn:{re.escape(footnote_id)}"[^>]*>\s*<p>)(.*?)(&#160;<a class="footnote-backref")',
        re.DOTALL,
    )
    match = item.search(html_text)
    if not match:
        log.error(f"locator '{locator}' could not be placed: note {footnote_id} was not found")
        return html_text
    text = match.group(2)
    addresses = WEB_REFS.search(text)
    cut = addresses.start() if addresses else len(text.rstrip().rstrip("."))
    text = text[:cut] + ", " + html.escape(locator) + text[cut:]
    if not addresses and not text.endswith("."):
        text += "."
    return html_text[: match.start(2)] + text + html_text[match.end(2) :]


WEB_REFS = re.compile(r"\. (?:Online|Archived copy|Current page):")
