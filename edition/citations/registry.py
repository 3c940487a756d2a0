"""The sources, from references.bib: mkdocs-bibtex's registry with the edition's style.

mkdocs-bibtex is archived upstream (4.4.0), and its plugin rewrote every page's
Markdown, code included; the edition uses only its library: the registry
(`mkdocs_bibtex.registry.SimpleRegistry`), which formats an entry as Markdown
with pybtex (`reference_text`). The registry's own constructor reads the file
with pybtex, through any symbolic link; the edition's is handed the text that
the repository's one reader read and the source guard checked
(edition/guard/sources.py), so nothing else reads the file.

The style is pybtex's plain style plus what a reader of a 2010 essay needs: the
archived copy of a dead address, the page's current address, and the day the
editors last checked it (`urldate`).

Tests: tests/test_citations.py, tests/test_updates.py (the notes and the list of
sources as built), tests/test_upstream.py (the registry's shape).
"""

from __future__ import annotations

import datetime
import functools
import re

from mkdocs_bibtex.citation import Citation
from mkdocs_bibtex.registry import SimpleRegistry
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database import parse_string
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, href, join, optional, sentence, words

from edition.citations.grammar import Cite, bib_text


# Where a reference's first sentence ends and its addresses begin (EditionStyle.format_web_refs).
WEB_REFS = re.compile(r"\. (?:Online|Last checked on|Archived copy|The original address|Current page)\b")


def human_date(value) -> str:
    """2026-11-28 (a date or its ISO text) as "28 November 2026"; other text as it is."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def url_field(name: str):
    """A URL as written in the .bib file, with BibTeX's \\% turned back into %."""
    return field(name, raw=True, apply_func=lambda url: url.replace("\\%", "%"))


def site_name(url: str) -> str:
    """A link's words: the site's name as its address gives it ("unodc.org"), not a 100-character address."""
    from urllib.parse import urlsplit

    host = urlsplit(url.replace("\\%", "%")).hostname or url
    return host.removeprefix("www.")


def address_field(name: str):
    """A link to the address in a field, named by its site."""
    return href(url_field(name))[field(name, raw=True, apply_func=lambda url: site_name(url))]


class EditionStyle(PlainStyle):
    """Plain style, plus archived and current addresses and the day they were checked.

    A reader (and a screen reader) meets each address as a link named by its site.
    An address that no longer works (the entry has an `archived` copy) comes after
    the archived copy and says so, so that the first link a reader taps works.
    """

    def format_web_refs(self, e):
        if "archived" in e.fields:
            return join(sep=" ")[
                sentence[words["Archived copy:", address_field("archived")]],
                optional[sentence[words["The original address no longer works:", address_field("url")]]],
                optional[sentence[words["Current page:", address_field("current")]]],
                optional[sentence[words["Last checked on", field("urldate", raw=True, apply_func=human_date)]]],
            ]
        return join(sep=" ")[
            optional[sentence[words["Online:", address_field("url")]]],
            optional[sentence[words["Current page:", address_field("current")]]],
            optional[sentence[words["Last checked on", field("urldate", raw=True, apply_func=human_date)]]],
        ]


class Registry(SimpleRegistry):
    """mkdocs-bibtex's simple registry, made from checked text instead of a file it opens itself."""

    def __init__(self, text: str, footnote_format: str = "ref-{key}"):  # noqa: D107 - no super(): it reads a file
        self.bib_data = parse_string(text, "bibtex")
        self.footnote_format = footnote_format
        self.style = EditionStyle()
        self.backend = MarkdownBackend()
        self._formatted: dict[str, str] = {}

    def reference_text(self, citation) -> str:
        """mkdocs-bibtex's `reference_text`, formatted once per source (a source is cited many times)."""
        if citation.key not in self._formatted:
            self._formatted[citation.key] = super().reference_text(citation)
        return self._formatted[citation.key]

    @property
    def entries(self):
        return self.bib_data.entries

    def note_text(self, key: str, locator: str = "") -> str:
        """The note for a source, as Markdown: the reference, and the locator after its first sentence.

        The locator ("p. 22") goes before the web addresses ("Online: ...") when
        the reference has them, else before its final full stop.
        """
        text = self.reference_text(Citation(key=key))
        if not locator:
            return text
        addresses = WEB_REFS.search(text)
        cut = addresses.start() if addresses else len(text.rstrip().rstrip("."))
        text = text[:cut] + ", " + locator + text[cut:]
        return text if addresses or text.endswith(".") else text + "."

    def label(self, cite: Cite) -> str:
        """"UNODC 2009", or "UNODC 2009, p. 22" with a locator: an editors' citation in the text."""
        entry = self.entries[cite.key]
        name = entry.fields.get("shortauthor")
        if not name:
            persons = entry.persons.get("author") or entry.persons.get("editor") or []
            name = " and ".join(str(p) for p in persons) or entry.fields.get("key") or entry.fields.get("title", "")
        text = f"{bib_text(name)} {entry.fields.get('year', 'n.d.')}"
        return f"{text}, {cite.locator}" if cite.locator else text

    def sorted_keys(self) -> list[str]:
        """Every key, by author (or key, or title), year and title: the order of the list of sources."""
        return sorted(self.entries, key=lambda key: sort_key(self.entries[key]))


@functools.lru_cache(maxsize=4)
def registry_of(text: str) -> Registry:
    """The registry of this text of references.bib, made once: the source guard formats every entry
    with it (edition/guard/bibliography.py) and the build's session then uses the same formatting."""
    return Registry(text)


def sort_key(entry) -> tuple:
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    title = entry.fields.get("title", "").strip("{}").lower()
    names = tuple(str(person).strip("{}").lower() for person in persons) or (
        (entry.fields.get("key", "").lower() or title),
    )
    return (names, entry.fields.get("year", ""), title)
