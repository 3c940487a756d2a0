"""Pure helpers about the edition's pages and builds, shared by its hooks (not a hook itself).

Tests: through the hooks that use them: essay_pages in
tests/test_content.py::test_whole_essay_page_has_every_section_in_order,
citation_file in tests/test_cite_this.py::test_every_section_page_has_a_cite_box,
composes in tests/test_abbreviations.py::test_glossary_lists_every_abbreviation_once,
offline_build in tests/test_offline.py::test_search_shim_is_shipped_not_fetched,
sources_as_list in tests/test_pdf_accessibility.py::test_the_sources_are_a_list.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from mkdocs.structure.pages import Page

ESSAY_DIR = "essay/"


def essay_pages(nav) -> list[Page]:
    """The essay's section pages, in reading (navigation) order."""
    return [
        page
        for page in nav.pages
        if page.file.src_uri.startswith(ESSAY_DIR)
    ]


def read_source(page: Page) -> str:
    with open(page.file.abs_src_path, encoding="utf-8-sig") as handle:
        return strip_front_matter(handle.read())


def strip_front_matter(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4 :].lstrip("\n")
    return text


def citation_file(config, log, without: str) -> dict:
    """CITATION.cff beside mkdocs.yml: how the essay and the edition are cited.

    A file that cannot be read is one error in the build's log, saying what the
    site goes `without` (the hooks that need it then write nothing), and {}.
    """
    path = Path(config.config_file_path).parent / "CITATION.cff"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError) as error:
        log.error(f"CITATION.cff: cannot be read ({error}); {without}")
        return {}


def composes(page, markdown: str, kind: str, placeholder: str, log) -> bool:
    """Does this page ask to be composed (front matter `compose: kind`), with its placeholder line?"""
    if page.meta.get("compose") != kind:
        return False
    if placeholder not in markdown:
        log.error(f"{page.file.src_uri}: 'compose: {kind}' needs the line {placeholder}")
        return False
    return True


def offline_build(config) -> bool:
    """Is this the offline copy's build (Material's offline plugin switched on)?"""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.get("enabled", True))


def sources_as_list(soup, article) -> None:
    """The list of sources as a list, for the PDF and the EPUB: each source an item with its "Cited in" line.

    The website's page (hook bibliography_page.py) sets them as paragraphs,
    `p.reference` (with the source's id) and `p.cited-in`.
    """
    sources = article.select("p.reference")
    if not sources:
        return
    listing = soup.new_tag("ul", attrs={"class": "sources"})
    sources[0].insert_before(listing)
    for source in sources:
        item = soup.new_tag("li", attrs={"id": source["id"]})
        del source["id"]
        cited_in = source.find_next_sibling()
        listing.append(item)
        item.append(source.extract())
        if cited_in is not None and "cited-in" in (cited_in.get("class") or []):
            item.append(cited_in.extract())
