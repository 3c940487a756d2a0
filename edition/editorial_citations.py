"""Render the editors' citations in line, as "(UNODC 2009)", never as notes.

The essay's eleven notes are the author's and are numbered 1 to 11; a note
added by the editors would shift her numbers. So before mkdocs-bibtex turns
citations into notes, this hook turns every editors' citation into a short
author-year link to the list of sources. An editors' citation is one inside
an admonition on an essay page (or on the page composed from the essay
pages), or any citation on a page outside `docs/essay/`.

Each link gets the id `cite-KEY-N`, N counting every citation of KEY on the
page in reading order: the list of sources links back to exactly that id.
"""

from __future__ import annotations

import posixpath

from mkdocs.plugins import event_priority

from edition.citation_scan import Cite, bib_text, scan
from edition.pages import ESSAY_DIR

BIBLIOGRAPHY = "bibliography.md"


@event_priority(105)  # after the whole essay is composed (110), before locators (100) and mkdocs-bibtex
def on_page_markdown(markdown, page, config, files):
    cites = scan(markdown)
    if not cites:
        return markdown
    entries = config.plugins["bibtex"].registry.bib_data.entries
    only_admonitions = is_essay(page)
    link_base = posixpath.relpath(BIBLIOGRAPHY, posixpath.dirname(page.file.src_uri) or ".")

    seen: dict[str, int] = {}
    blocks: dict[tuple[int, tuple[int, int]], list[str]] = {}
    for cite in cites:
        seen[cite.key] = seen.get(cite.key, 0) + 1
        if only_admonitions and not cite.editorial:
            continue
        if cite.key not in entries:
            # citation_check.py has already stopped the build, naming the file and line.
            blocks.setdefault((cite.line, cite.span), []).append("")
            continue
        label = short_label(entries[cite.key], cite)
        anchor = f"cite-{cite.key}-{seen[cite.key]}"
        blocks.setdefault((cite.line, cite.span), []).append(
            f"[{label}]({link_base}#{cite.key}){{ #{anchor} .editorial-cite }}"
        )

    lines = markdown.split("\n")
    # Right to left within a line, so that earlier spans stay valid.
    for (line, (start, end)), links in sorted(blocks.items(), key=lambda item: (item[0][0], -item[0][1][0])):
        if not all(links):
            continue  # an unknown key: leave the block as it was written
        text = lines[line - 1]
        lines[line - 1] = text[:start] + "(" + "; ".join(links) + ")" + text[end:]
    return "\n".join(lines)


# Helpers


def is_essay(page) -> bool:
    """On the essay's pages only the admonitions are the editors'."""
    return page.file.src_uri.startswith(ESSAY_DIR) or page.meta.get("compose") == "essay"


def short_label(entry, cite: Cite) -> str:
    """"UNODC 2009", or "UNODC 2009, p. 22" with a locator."""
    name = entry.fields.get("shortauthor")
    if not name:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        name = " and ".join(str(person) for person in persons) or entry.fields.get("title", "")
    label = f"{bib_text(name)} {entry.fields.get('year', 'n.d.')}"
    return f"{label}, {cite.locator}" if cite.locator else label
