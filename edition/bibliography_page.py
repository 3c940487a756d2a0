"""Write the list of sources, each with links back to every place citing it.

mkdocs-bibtex's `\\full_bibliography` renders unreferenced footnotes and fails
strict builds, and no generator links a source back to the pages that cite
it. A page whose front matter says `compose: bibliography` gets, in place of
the line `<!-- bibliography -->`, every entry of references.bib, sorted by
author and year, each with an anchor (its key) and its backlinks.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass

from mkdocs.plugins import event_priority
from mkdocs_bibtex.citation import Citation

from edition.citation_scan import number_notes, scan
from edition.pages import composes, essay_pages, read_source

log = logging.getLogger("mkdocs.hooks.bibliography_page")

PLACEHOLDER = "<!-- bibliography -->"


@dataclass
class Backlink:
    src_uri: str
    title: str
    anchor: str
    label: str


_backlinks: dict[str, list[Backlink]] = {}


def on_nav(nav, config, files):
    _backlinks.clear()
    numbers = number_notes(read_source(page) for page in essay_pages(nav))
    for page in nav.pages:
        seen: dict[str, int] = {}
        notes: dict[str, int] = {}
        for cite in scan(read_source(page)):
            seen[cite.key] = seen.get(cite.key, 0) + 1
            if is_note(page, cite, numbers):
                notes[cite.key] = notes.get(cite.key, 0) + 1
            _backlinks.setdefault(cite.key, []).append(
                citing_place(page, cite, seen[cite.key], numbers, notes.get(cite.key, 0))
            )
    return nav


@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    if not composes(page, markdown, "bibliography", PLACEHOLDER, log):
        return markdown
    registry = config.plugins["bibtex"].registry
    entries = registry.bib_data.entries
    blocks = []
    for key in sorted(entries, key=lambda k: sort_key(entries[k])):
        text = registry.reference_text(Citation(key=key))
        blocks.append(f"{text}\n{{ #{key} .reference }}")
        links = _backlinks.get(key, [])
        if links:
            cited = ", ".join(
                f"[{link.label}]({relative(page.file.src_uri, link.src_uri)}#{link.anchor})" for link in links
            )
            blocks.append(f"Cited in {cited}.\n{{ .cited-in }}")
        else:
            blocks.append("Not cited on any page.\n{ .cited-in }")
    return markdown.replace(PLACEHOLDER, "\n\n".join(blocks))


# Helpers


def is_note(page, cite, numbers: dict[str, int]) -> bool:
    """An author's citation, which mkdocs-bibtex makes a note; the editors' are in line."""
    return page.file.src_uri.startswith("essay/") and not cite.editorial and cite.key in numbers


def citing_place(page, cite, occurrence: int, numbers: dict[str, int], note_occurrence: int = 1) -> Backlink:
    """Where a citation lands: its in-line link `cite-KEY-N` (N counts every
    citation of KEY on the page, as editorial_citations.py does), or the
    marker of its note (`fnrefN:`, N counting only the note's own markers)."""
    title = page.title or page.file.name
    section = page.file.src_uri.split("/")[-1][:2]
    name = f"section {int(section)}" if page.file.src_uri.startswith("essay/") and section.isdigit() else title
    if not is_note(page, cite, numbers):
        label = f"{name}, editors' note" if page.file.src_uri.startswith("essay/") else name
        return Backlink(page.file.src_uri, title, f"cite-{cite.key}-{occurrence}", label)
    suffix = "" if note_occurrence == 1 else str(note_occurrence)
    return Backlink(page.file.src_uri, title, f"fnref{suffix}:ref-{cite.key}", f"{name}, note {numbers[cite.key]}")


def relative(from_uri: str, to_uri: str) -> str:
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def sort_key(entry) -> tuple:
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    title = entry.fields.get("title", "").strip("{}").lower()
    names = tuple(str(person).strip("{}").lower() for person in persons) or (title,)
    return (names, entry.fields.get("year", ""), title)
