"""Put a "Cite this section" box on every section page of the essay.

A reader who quotes a section needs its author, its title, the essay and the
address of the page, in plain words and as BibTeX. This hook builds both from
the page's front matter, `site_url` and `CITATION.cff`, and appends them in a
collapsed box with the stable anchor `#cite-this-section`, marked as the
editors' (class `editorial`) so that it is never taken for the author's text.

Tests: tests/test_cite_this.py::test_every_section_page_has_a_cite_box,
tests/test_cite_this.py::test_no_cite_box_outside_the_section_pages.
"""

from __future__ import annotations

import html
import logging
import re

from edition.pages import ESSAY_DIR, citation_file

log = logging.getLogger("mkdocs.hooks.cite_this")

ANCHOR = "cite-this-section"
_cff: dict = {}


def on_config(config):
    _cff.clear()
    _cff.update(citation_file(config, log, "no 'Cite this section' boxes"))
    return config


def on_page_content(html_text, page, config, files):
    if not page.file.src_uri.startswith(ESSAY_DIR) or not _cff:
        return html_text
    essay = _cff.get("preferred-citation", {})
    missing = [key for key in ("section", "title") if key not in page.meta]
    if missing or "title" not in essay:
        log.error(f"{page.file.src_uri}: cannot make 'Cite this section' (missing {', '.join(missing) or 'preferred-citation title in CITATION.cff'})")
        return html_text
    url = page.canonical_url or page.abs_url or page.url
    return html_text + box(citation(page.meta, essay, _cff, url))


# Helpers


def citation(meta: dict, essay: dict, cff: dict, url: str) -> dict:
    author = essay["authors"][0]
    title = re.sub(r"^\d+\.\s*", "", meta["title"])
    return {
        "author": f'{author["given-names"]} {author["family-names"]}',
        "author_bibtex": f'{author["family-names"]}, {author["given-names"]}',
        "family": author["family-names"],
        "title": title,
        "editors_title": meta.get("heading") == "editors",
        "section": int(meta["section"]),
        "essay": essay["title"],
        "year": essay.get("year", ""),
        "edition": cff.get("title", ""),
        "version": cff.get("version", ""),
        "url": url,
    }


def plain(c: dict) -> str:
    """Johanna Wester, "Title", section 2 of Essay (c. 2010), in Edition, version 1.0.0, URL."""
    esc = html.escape
    title_note = " [title by the editors]" if c["editors_title"] else ""
    version = f', version {esc(str(c["version"]))}' if c["version"] else ""
    return (
        f'{esc(c["author"])}, “{esc(c["title"])}”{title_note}, section {c["section"]} of '
        f'<cite>{esc(c["essay"])}</cite> (written about {c["year"]}), in <cite>{esc(c["edition"])}</cite>{version}, '
        f'<a href="{esc(c["url"])}">{esc(c["url"])}</a>.'
    )


def bibtex(c: dict) -> str:
    key = f'{c["family"]}{c["year"]}section{c["section"]:02d}'
    title_note = " The section title is the editors'." if c["editors_title"] else ""
    fields = [
        ("author", c["author_bibtex"]),
        ("title", "{" + c["title"] + "}"),
        ("booktitle", "{" + c["essay"] + "}"),
        ("year", str(c["year"])),
        ("note", f'Section {c["section"]}; written about {c["year"]}.{title_note} In: {c["edition"]}'
                 + (f', version {c["version"]}' if c["version"] else "")),
        ("url", c["url"]),
    ]
    body = ",\n".join(f"  {name:<9} = {{{value}}}" for name, value in fields)
    return f"@incollection{{{key},\n{body},\n}}"


def box(c: dict) -> str:
    return (
        f'\n<details class="cite editorial" id="{ANCHOR}" data-search-exclude>\n'
        f"<summary>Cite this section</summary>\n"
        f"<p>{plain(c)}</p>\n"
        f"<p>BibTeX:</p>\n"
        f'<pre><code class="language-bibtex">{html.escape(bibtex(c))}</code></pre>\n'
        f"</details>\n"
    )
