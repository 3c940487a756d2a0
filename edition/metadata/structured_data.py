"""Describe every page in schema.org JSON-LD: what it is, whose, and what it cites.

Search engines and reference managers read JSON-LD, not prose. A section page
and the whole essay are an `Article` by Johanna Wester (c. 2010); any other
page is the editors' `WebPage` about that essay. Each lists the sources it
cites (`citation`) from references.bib, in the order the manifest found them
(edition/citations/manifest.py). The finishing step writes it into the page's
head as `<script type="application/ld+json">`, which is data and is never
executed. Author and date come from CITATION.cff (edition/metadata/citation_file.py).
Each section is `isPartOf` the essay, whose `@id` and `url` are the whole-essay
page's; a page with a share card (edition/metadata/cards.py) names it as its
`image`, as its Open Graph and Twitter tags do. The essay's pages name its
rights (© the author, all rights reserved); the editors' pages their licence (CC BY 4.0).

Tests: tests/test_cite_this.py (the JSON-LD), tests/test_sharing.py (it agrees with Open Graph and Twitter).
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from edition.citations.grammar import bib_text


def data(session, page, image: str | None) -> dict:
    """The page's JSON-LD (`page`: edition.guard.sources.PageSource, or None for the "not found" page)."""
    project = session.project
    cff = session.sources.citation_file
    entries = session.registry.entries
    website = {"@type": "WebSite", "name": project.config.get("site_name"), "url": project.site_url}
    essay = essay_article(cff, project.config.get("site_name"), whole_essay_url(session))
    sources = urljoin(project.site_url or "", "bibliography/")
    url = project.canonical_url(page.src_uri) if page else None
    if page is None:
        keys = []
    elif page.meta.get("compose") == "bibliography":
        keys = list(entries)
    else:
        keys = session.manifest.cited_keys(page.src_uri)
    citations = [source(key, entries[key], sources) for key in keys if key in entries]
    title = page.meta.get("title") if page else project.config.get("site_name")
    if page is not None and page.kind == "essay":
        result = {**essay, "headline": title, "url": url, "isPartOf": website}
    elif page is not None and page.kind == "section":
        section = {"@id": f"{url}#section", "name": title, "headline": title, "url": url}
        result = {**essay, **section, "isPartOf": {**essay, "isPartOf": website}}
    else:
        result = {
            "@type": "WebPage",
            "name": title,
            "url": url,
            "isPartOf": website,
            "about": {**essay, "isPartOf": website},
            "creator": {"@type": "Organization", "name": cff.edition_authors},
        }
    result["inLanguage"] = project.language
    if result["@type"] == "Article":
        # The essay: the author's, all rights reserved (mkdocs.yml's copyright says so in words).
        result["copyrightHolder"] = result["author"]
        result["copyrightNotice"] = f"© {cff.essay.authors[0].name}, all rights reserved; quote it with attribution"
    else:
        result["license"] = EDITORS_LICENSE
    if image:
        result["image"] = image
    description = page.meta.get("description") if page else project.config.get("site_description")
    if description:
        result["description"] = description
    if citations:
        result["citation"] = citations
    return {"@context": "https://schema.org", **result}


EDITORS_LICENSE = "https://creativecommons.org/licenses/by/4.0/"  # the editors' work (LICENSE, CITATION.cff)


def script_text(value: dict) -> str:
    """JSON for a data block, as Jinja's `tojson` writes it: sorted keys, <, >, & and ' escaped."""
    text = json.dumps(value, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def essay_article(cff, site_name: str, url: str | None) -> dict:
    """The essay, identified by its page on the site, so that its sections point to it."""
    essay = cff.essay
    people = [{"@type": "Person", "name": author.name} for author in essay.authors]
    identity = {"@id": f"{url}#essay", "url": url} if url else {}
    return {
        "@type": "Article",
        **identity,
        "name": essay.title or site_name,
        "author": people[0] if len(people) == 1 else people,
        "datePublished": str(essay.year),
    }


def whole_essay_url(session) -> str | None:
    """The address of the page composed from all the sections (front matter `compose: essay`)."""
    for page in session.sources.pages.values():
        if page.kind == "essay":
            return session.project.canonical_url(page.src_uri)
    return None


def source(key: str, entry, sources: str) -> dict:
    """A .bib entry as a schema.org CreativeWork."""
    fields = entry.fields
    persons = entry.persons.get("author", [])
    authors = [
        {"@type": "Organization" if str(p).startswith("{") else "Person", "name": bib_text(str(p))}
        for p in persons
    ]
    work = {"@type": "CreativeWork", "@id": f"{sources}#{key}", "name": bib_text(fields.get("title", ""))}
    if authors:
        work["author"] = authors[0] if len(authors) == 1 else authors
    if fields.get("year"):
        work["datePublished"] = fields["year"]
    url = fields.get("current") or fields.get("url")
    if url:
        work["url"] = url.replace("\\%", "%")
    return work
