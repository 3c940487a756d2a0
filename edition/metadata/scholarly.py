"""Tell reference managers what an essay page is: Highwire Press and Dublin Core tags.

Zotero's and Mendeley's "save" buttons and scholarly search engines do not read
JSON-LD: they read Highwire Press `citation_*` meta tags, then Dublin Core
(`DC.*`, `DCTERMS.*`). Without them a section page is saved as a generic web
page. The finishing step gives every section page and the whole-essay page
both sets, for the essay as a part of the edition: its title, its author and
year (from CITATION.cff's preferred citation), the day the edition went online
(its `date-released`), the edition as the containing work, its PDF and
language. Nothing is written by hand: each value comes from CITATION.cff,
mkdocs.yml or the page's front matter. No plugin writes Highwire or Dublin
Core tags, and these values are composed from three files, so the edition does.

Tests: tests/test_sharing.py (the tags as extruct and a reference manager read them),
tests/test_downloads.py (the PDF they name is where `make site` puts it).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

# The vocabularies the DC.* and DCTERMS.* names stand for (read by Zotero and extruct).
SCHEMAS = {"schema.DC": "http://purl.org/dc/elements/1.1/", "schema.DCTERMS": "http://purl.org/dc/terms/"}


def tags(session, page, pdf_path: str | None, rights: str | None) -> list[tuple[str, str]]:
    """(name, content) pairs, Highwire Press first, then Dublin Core, in a stable order; [] off the essay."""
    if page is None or page.kind not in ("section", "essay"):
        return []
    project = session.project
    cff = session.sources.citation_file
    essay = cff.essay
    url = project.canonical_url(page.src_uri)
    title = work_title(page.meta, essay.title) if page.kind == "section" else essay.title
    authors = [author.sorted_name for author in essay.authors]
    language = cff.essay_language or project.language
    released = cff.date_released
    highwire = [
        ("citation_title", title),
        *[("citation_author", author) for author in authors],
        ("citation_publication_date", str(essay.year)),
        ("citation_online_date", released.replace("-", "/")),
        ("citation_book_title", cff.title),
        ("citation_language", language),
    ]
    if project.site_url and pdf_path:
        highwire.append(("citation_pdf_url", urljoin(project.site_url, pdf_path)))
    if url:
        highwire.append(("citation_public_url", url))
    dublin_core = [
        ("DC.title", title),
        *[("DC.creator", author) for author in authors],
        ("DC.date", str(essay.year)),
        ("DCTERMS.available", released),
        ("DCTERMS.isPartOf", cff.title),
        ("DC.language", language),
        ("DC.type", "Text"),
        ("DC.format", "text/html"),
    ]
    if url:
        dublin_core.append(("DC.identifier", url))
    if rights:
        dublin_core.append(("DC.rights", " ".join(rights.split())))
    return highwire + dublin_core


def work_title(meta: dict, essay_title: str) -> str:
    """"OPSC, section 14 of Protecting children from trafficking": the section, and the essay it belongs to.

    A title that the editors gave a section is marked as theirs, as in the "Cite this section" box.
    """
    title = re.sub(r"^\d+\.\s*", "", meta["title"])
    by_editors = " [title by the editors]" if meta.get("heading") == "editors" else ""
    return f'{title}{by_editors}, section {int(meta["section"])} of {essay_title}'
