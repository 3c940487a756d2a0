"""Tell reference managers what an essay page is: Highwire Press and Dublin Core tags.

Zotero's and Mendeley's "save" buttons and scholarly search engines do not read
JSON-LD: they read Highwire Press `citation_*` meta tags, then Dublin Core
(`DC.*`, `DCTERMS.*`). Without them a section page is saved as a generic web
page. This hook gives every section page and the whole-essay page both sets,
for the essay as a part of the edition: its title, its author and year (from
CITATION.cff's preferred citation), the day the edition went online (its
`date-released`), the edition as the containing work, its PDF and language.
Nothing is written by hand: each value comes from CITATION.cff, mkdocs.yml
or the page's front matter. overrides/main.html writes `scholarly_meta` into
the page head. No MkDocs plugin writes Highwire or Dublin Core tags, and
these values are composed from three files, so a small hook does it.

Tests: tests/test_sharing.py (the tags as extruct and a reference manager read them),
tests/test_downloads.py (the PDF they name is where `make site` puts it).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin

from edition.pages import ESSAY_DIR, citation_file

log = logging.getLogger("mkdocs.hooks.scholarly_meta")

_cff: dict = {}

# The vocabularies the DC.* and DCTERMS.* names stand for (read by Zotero and extruct).
SCHEMAS = {"schema.DC": "http://purl.org/dc/elements/1.1/", "schema.DCTERMS": "http://purl.org/dc/terms/"}


def on_config(config):
    _cff.clear()
    _cff.update(citation_file(config, log, "essay pages get no citation tags"))
    return config


def on_page_context(context, page, config, nav):
    is_section = page.file.src_uri.startswith(ESSAY_DIR)
    if not _cff or not (is_section or page.meta.get("compose") == "essay"):
        return context
    try:
        context["scholarly_meta"] = tags(page.meta, _cff, config, page.canonical_url, is_section)
    except (KeyError, TypeError, ValueError) as error:
        log.error(f"{page.file.src_uri}: cannot write its citation tags: {error!r} is missing or malformed "
                  "(front matter `section` and `title`, or CITATION.cff's preferred-citation and date-released)")
    context["scholarly_schemas"] = SCHEMAS
    return context


# Helpers


def tags(meta: dict, cff: dict, config, url: str | None, is_section: bool) -> list[tuple[str, str]]:
    """(name, content) pairs, Highwire Press first, then Dublin Core, in a stable order."""
    essay = cff["preferred-citation"]
    released = str(cff["date-released"])
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", released):
        raise ValueError("date-released")
    title = work_title(meta, essay) if is_section else essay["title"]
    authors = [f'{a["family-names"]}, {a["given-names"]}' for a in essay["authors"]]
    language = (essay.get("languages") or [config.theme.get("language", "en")])[0]
    edition = cff["title"]
    pdf = config.extra.get("pdf", {}).get("output_path")
    highwire = [
        ("citation_title", title),
        *[("citation_author", author) for author in authors],
        ("citation_publication_date", str(essay["year"])),
        ("citation_online_date", released.replace("-", "/")),
        ("citation_book_title", edition),
        ("citation_language", language),
    ]
    if config.site_url and pdf:
        highwire.append(("citation_pdf_url", urljoin(config.site_url, pdf)))
    if url:
        highwire.append(("citation_public_url", url))
    dublin_core = [
        ("DC.title", title),
        *[("DC.creator", author) for author in authors],
        ("DC.date", str(essay["year"])),
        ("DCTERMS.available", released),
        ("DCTERMS.isPartOf", edition),
        ("DC.language", language),
        ("DC.type", "Text"),
        ("DC.format", "text/html"),
    ]
    if url:
        dublin_core.append(("DC.identifier", url))
    if config.copyright:
        dublin_core.append(("DC.rights", " ".join(str(config.copyright).split())))
    return highwire + dublin_core


def work_title(meta: dict, essay: dict) -> str:
    """"OPSC, section 14 of Protecting children from trafficking": the section, and the essay it belongs to.

    A title that the editors gave a section is marked as theirs, as in the "Cite this section" box.
    """
    title = re.sub(r"^\d+\.\s*", "", meta["title"])
    by_editors = " [title by the editors]" if meta.get("heading") == "editors" else ""
    return f'{title}{by_editors}, section {int(meta["section"])} of {essay["title"]}'
