"""Describe every page in schema.org JSON-LD: what it is, whose, and what it cites.

Search engines and reference managers read JSON-LD, not prose. A section page
and the whole essay are an `Article` by Johanna Wester (c. 2010); any other
page is the editors' `WebPage` about that essay. Each lists the sources it
cites (`citation`) from references.bib. overrides/main.html writes the data
into the page head as `<script type="application/ld+json">`, which is data
and is never executed. Author and date come from CITATION.cff. Each section
is `isPartOf` the essay, whose `@id` and `url` are the whole-essay page's; a
page with a share card (social_cards.py) names it as its `image`, as its
Open Graph and Twitter tags do.

Tests: tests/test_cite_this.py (the JSON-LD), tests/test_sharing.py (it agrees with Open Graph and Twitter).
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin


from edition.citation_scan import bib_text
from edition.pages import ESSAY_DIR, citation_file

log = logging.getLogger("mkdocs.hooks.structured_data")

_cff: dict = {}


def on_config(config):
    _cff.clear()
    _cff.update(citation_file(config, log, "pages get no JSON-LD"))
    return config


def on_page_context(context, page, config, nav):
    if not _cff:
        return context
    entries = config.plugins["bibtex"].registry.bib_data.entries
    website = {"@type": "WebSite", "name": config.site_name, "url": config.site_url}
    essay = essay_article(_cff, config, whole_essay_url(nav))
    language = config.theme.get("language", "en")
    sources = urljoin(config.site_url or "", "bibliography/")
    keys = list(entries) if page.meta.get("compose") == "bibliography" else config.plugins["edition-citations"].cited_keys(page)
    citations = [source(key, entries[key], sources) for key in keys if key in entries]
    title = page.meta.get("title") or page.title
    if page.meta.get("compose") == "essay":
        data = {**essay, "headline": title, "url": page.canonical_url, "isPartOf": website}
    elif page.file.src_uri.startswith(ESSAY_DIR):
        section = {"@id": f"{page.canonical_url}#section", "name": title, "headline": title, "url": page.canonical_url}
        data = {**essay, **section, "isPartOf": {**essay, "isPartOf": website}}
    else:
        data = {
            "@type": "WebPage",
            "name": title,
            "url": page.canonical_url,
            "isPartOf": website,
            "about": {**essay, "isPartOf": website},
            "creator": {"@type": "Organization", "name": edition_authors(_cff)},
        }
    data["inLanguage"] = language
    if page.meta.get("social_image") and config.site_url:
        data["image"] = urljoin(config.site_url, page.meta["social_image"])  # the card of social_cards.py
    if page.meta.get("description"):
        data["description"] = page.meta["description"]
    if citations:
        data["citation"] = citations
    context["structured_data"] = {"@context": "https://schema.org", **data}
    return context


# Helpers


def essay_article(cff: dict, config, url: str | None) -> dict:
    """The essay, identified by its page on the site, so that its sections point to it."""
    essay = cff.get("preferred-citation", {})
    people = [
        {"@type": "Person", "name": f'{a["given-names"]} {a["family-names"]}'}
        for a in essay.get("authors", [])
        if "family-names" in a
    ]
    identity = {"@id": f"{url}#essay", "url": url} if url else {}
    return {
        "@type": "Article",
        **identity,
        "name": essay.get("title", config.site_name),
        "author": people[0] if len(people) == 1 else people,
        "datePublished": str(essay.get("year", "")),
    }


def whole_essay_url(nav) -> str | None:
    """The address of the page composed from all the sections (front matter `compose: essay`)."""
    for page in nav.pages:
        if page.meta.get("compose") == "essay":
            return page.canonical_url
    return None


def edition_authors(cff: dict) -> str:
    names = [a["name"] for a in cff.get("authors", []) if "name" in a]
    return names[0] if names else "The editors"


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
