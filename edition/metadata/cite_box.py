"""A "Cite this section" box on every section page of the essay.

A reader who quotes a section needs its author, its title, the essay and the
address of the page, in plain words and as BibTeX. The finishing step builds
both from the page's front matter, `site_url` and CITATION.cff, and puts them,
in a collapsed box with the stable anchor `#cite-this-section`, at the end of
the article, marked as the editors' (class `editorial`) so that it is never
taken for the author's text, and left out of search; its BibTeX has Material's
copy button.

Tests: tests/test_cite_this.py::test_every_section_page_has_a_cite_box,
tests/test_cite_this.py::test_no_cite_box_outside_the_section_pages.
"""

from __future__ import annotations

import html
import re

ANCHOR = "cite-this-section"


def citation(meta: dict, cff, url: str) -> dict:
    essay = cff.essay
    author = essay.authors[0]
    return {
        "author": author.name,
        "author_bibtex": author.sorted_name,
        "family": author.family_names,
        "title": re.sub(r"^\d+\.\s*", "", meta["title"]),
        "editors_title": meta.get("heading") == "editors",
        "section": int(meta["section"]),
        "essay": essay.title,
        "year": essay.year,
        "edition": cff.title,
        "version": cff.version,
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
    """The box, as HTML (parsed by the finishing step like the rest of the page)."""
    return (
        f'<details class="cite editorial" id="{ANCHOR}" data-search-exclude="">\n'
        f"<summary>Cite this section</summary>\n"
        f"<p>{plain(c)}</p>\n"
        f'<p class="rights">The essay is © {html.escape(c["author"])}, all rights reserved: quote it with '
        f"attribution. The edition's notes are CC BY 4.0.</p>\n"
        f"<p>BibTeX:</p>\n"
        # `copy`: Material's copy button on this code block alone (its content.code.copy on every
        # block would give each its own unnamed navigation landmark: axe's landmark-unique).
        f'<pre class="copy"><code class="language-bibtex">{html.escape(bibtex(c))}</code></pre>\n'
        f"</details>\n"
    )
