"""Small books for the tests: hand-made pages, as the finishing step hands them to edition/book.

A page is a whole HTML document parsed by the finishing step's own parser
(edition/finish/html.py), its content in Material's `article.md-content__inner`;
the session and options are the few fields the book reads. Nothing is built:
a small book is assembled and rendered in a second.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from edition.config import load
from edition.finish import Page, html
from edition.guard.sources import PageSource
from edition.project import Project

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.org/essay/"
EPOCH = "1764288000"  # 2025-11-28


def document(content: str, title: str = "A page") -> object:
    return html.parse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<article class="md-content__inner md-typeset">{content}</article></body></html>'
    )


def section_source(number: int, title: str, part: str = "The part") -> PageSource:
    meta = {"title": title, "description": "A section.", "section": number, "part": part, "heading": "author"}
    return PageSource(f"essay/{number:02d}-section.md", "", meta, "", 1)


def page_source(name: str, title: str, compose: str | None = None) -> PageSource:
    meta = {"title": title, "description": "A page.", **({"compose": compose} if compose else {})}
    return PageSource(f"{name}.md", "", meta, "", 1)


def small_book(sections: dict[int, str], back: dict[str, str] | None = None, environ: dict | None = None,
               time_limit: int = 60, pdf: bool = True, epub: bool = True):
    """(pages, session, options) of a book: sections {number: article HTML}, back pages {name: article HTML}."""
    back = {"bibliography": '<h1 id="sources">Sources</h1><p>None yet.</p>'} if back is None else back
    sources = {}
    pages = []
    for number, content in sections.items():
        source = section_source(number, f"{number}. Section {number}")
        sources[source.src_uri] = source
        pages.append(Page(f"essay/{number:02d}-section/index.html", document(content), source))
    for name, content in back.items():
        source = page_source(name, name.capitalize(), "bibliography" if name == "bibliography" else None)
        sources[source.src_uri] = source
        pages.append(Page(f"{name}/index.html", document(content), source))
    config = {"site_name": "A small book", "site_author": "An Author", "site_description": "A book for the tests.",
              "site_url": SITE_URL, "theme": {"language": "en"}, "copyright": "Text © An Author. Notes: CC BY 4.0."}
    project = Project(root=ROOT, config=config, environ={"SOURCE_DATE_EPOCH": EPOCH} if environ is None else environ)
    citation_file = SimpleNamespace(date_released="2026-11-28", version="1.0.0")
    session = SimpleNamespace(project=project, sources=SimpleNamespace(pages=sources, citation_file=citation_file))
    options = load({
        "pdf": {"enabled": pdf, "edition": "Edition with verified sources", "cover_date": "Written about 2010",
                "edition_note": "A note.", "time_limit": time_limit},
        "epub": {"enabled": epub},
        "book": {"back_pages": [f"{name}.md" for name in back]},
    })  # fmt: skip
    return pages, session, options


def section(words: str, number: int = 1) -> str:
    """A section page's article: the edit button, the title with its permalink, the words, the site's widgets."""
    return (
        f'<a class="md-content__button md-icon" href="https://example.org/edit/{number}.md" title="Edit this page">'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0h24v24H0z"></path></svg></a>'
        f'<h1 id="section-{number}">{number}. Section {number}<a class="headerlink" href="#section-{number}">¶</a></h1>'
        f"{words}"
        '<details class="cite editorial" id="cite-this-section"><summary>Cite this section</summary><p>Cite.</p></details>'
        '<aside class="edition-downloads editorial"><p>Read offline: <a href="../../downloads/x.pdf">PDF</a></p></aside>'
    )
