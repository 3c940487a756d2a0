"""Make the EPUB of the essay, only when asked: ENABLE_EPUB_EXPORT=1 (`make site` does).

After the website is built, edition/epub.py writes the book from the built
pages of the essay's sections and of the pages the PDF has too (sources,
abbreviations, reporting, about), in the navigation's order, to
`extra.epub.output_path`. Its stylesheet is `print/epub.css`, beside the PDF's
print styles. With the switch off, this hook imports nothing. A page the book
cannot read stops the build with a message naming it.
Tests: tests/test_epub.py (EPUBCheck, and the book against the website).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from edition.pages import essay_pages

log = logging.getLogger("mkdocs.hooks.epub_export")

STYLESHEET = Path("print") / "epub.css"

_nav = None


def enabled(config) -> bool:
    options = config.extra.get("epub") or {}
    return os.environ.get(options.get("enabled_if_env", "ENABLE_EPUB_EXPORT")) == "1"


def on_nav(nav, config, files):
    global _nav
    _nav = nav
    return nav


def on_post_build(config):
    if not enabled(config) or _nav is None:
        return
    from edition import epub

    options = config.extra["epub"]
    pdf = config.extra.get("pdf") or {}
    site = Path(config.site_dir)
    sections = essay_pages(_nav)
    back_urls = options.get("back_pages", [])
    pages = {page.url: page for page in _nav.pages}
    missing = [url for url in back_urls if url not in pages]
    if missing:
        log.error(f"mkdocs.yml: extra.epub.back_pages: no such page {missing}")
        return
    try:
        epub.write(
            site / options["output_path"],
            sections=[
                epub.Page(p.url, site / p.file.dest_uri, str(p.meta.get("title") or p.title), p.meta.get("part"), p.meta.get("section"))
                for p in sections
            ],
            back=[epub.Page(url, site / pages[url].file.dest_uri, str(pages[url].title)) for url in back_urls],
            title=config.site_name,
            author=config.site_author,
            description=config.site_description,
            language=config.theme["language"],
            site_url=config.site_url,
            cover_date=pdf.get("cover_date", ""),
            edition=pdf.get("edition", ""),
            edition_note=pdf.get("edition_note", ""),
            stylesheet=(Path(config.config_file_path).parent / STYLESHEET).read_text(encoding="utf-8"),
        )
    except epub.EpubError as error:
        log.error(f"the EPUB: {error}")
        return
    log.info(f"EPUB written: {site / options['output_path']}")
