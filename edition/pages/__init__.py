"""Pages composed from others, as Python-Markdown reads them (`edition.pages` in mkdocs.yml).

- The whole essay: a page with `compose: essay` and a line `<!-- essay -->`
  gets, there, the Markdown of every section in reading order (a preprocessor,
  before pymdownx.snippets, so that the sections' includes are composed as on
  their own pages). The citation extension then numbers its notes as on the
  section pages. In the rendered tree (never in the Markdown text), each
  section's headings go one level down, its title takes the stable anchor
  `section-N`, and its relative links are rebased to the whole-essay page, so
  that a heading's own attributes (`{ #id }`), code and escaped text are
  Python-Markdown's to read, not a regular expression's.
- The glossary: a page with `compose: glossary` gets, where its marker
  `<!-- glossary -->` stands, the abbreviations appended to every page, as a
  definition list, so that they are written once.
- The charts: a paragraph `{ .chart data-figure="name" }` becomes the chart and
  its table (edition/pages/charts.py).
- The headings' permalinks stay out of the headings' accessible names, and each
  abbreviation's first appearance on a page can be focused to show its meaning.

A marker is an HTML comment, which Python-Markdown keeps as raw HTML wherever
it is not code, so the guide can show markers in code without composing them.

Tests: tests/test_content.py (the whole essay holds every section's words, in
order), tests/test_abbreviations.py (the glossary), tests/test_charts.py,
tests/test_people.py (the headings' names, the abbreviations in focus).
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from edition.citations.extension import stashed
from edition.errors import CITATIONS, Refusal

ESSAY_MARKER = "<!-- essay -->"
GLOSSARY_MARKER = "<!-- glossary -->"
BOUNDARY = "<!-- edition-section {number} {src_uri} -->"
BOUNDARY_RE = re.compile(r"^<!-- edition-section (\d+) (\S+) -->$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
HEADINGS = ("h1", "h2", "h3", "h4", "h5")


class PagesExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "config_file": ["mkdocs.yml", "The project's configuration; its folder is the project's root."],
            "session": ["", "The build's session (edition/session.py); found from config_file when not given."],
            "collect": [False, "The citations' collecting pass (edition/citations/manifest.py): compose, change nothing."],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        self.page = None
        md.preprocessors.register(WholeEssay(md, self), "edition-essay", 34)  # after edition-page (36), before snippets (32)
        if self.getConfig("collect"):
            return  # the citations' collecting pass needs the whole essay's text, and nothing after it
        md.treeprocessors.register(Glossary(md, self), "edition-glossary", 19)  # after inline (20), with its stash
        md.treeprocessors.register(Abbreviations(md), "edition-abbreviations", 6.8)  # after abbr (7) has marked them
        md.treeprocessors.register(Charts(md, self), "edition-charts", 6.5)  # after attr_list (8) and abbr (7)
        md.treeprocessors.register(EssaySections(md, self), "edition-essay-sections", 6)  # before toc (5)
        md.treeprocessors.register(Permalinks(md), "edition-permalinks", 4)  # after toc (5) has written them

    def reset(self) -> None:
        self.page = None

    @property
    def session(self):
        session = self.getConfig("session")  # "" when not given: Python-Markdown turns a None default into a bool
        if not session:
            from edition import session as sessions

            session = sessions.current(self.getConfig("config_file"))
            self.setConfig("session", session)
        return session


class WholeEssay(Preprocessor):
    """Every section's Markdown in place of the line `<!-- essay -->`, each after a boundary marker."""

    def __init__(self, md: Markdown, extension: PagesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        session = self.extension.session
        page = session.page_by_body("\n".join(lines))
        self.extension.page = page
        if page is None or page.meta.get("compose") != "essay":
            return lines
        places = [index for index, line in enumerate(lines) if line.strip() == ESSAY_MARKER]
        if len(places) != 1:
            raise Refusal(page.path, None, f"'compose: essay' needs the line {ESSAY_MARKER} once (found {len(places)})", CITATIONS)
        spliced = []
        for section in session.sources.pages.values():
            if section.kind == "section":
                spliced += ["", BOUNDARY.format(number=section.meta["section"], src_uri=section.src_uri), ""]
                spliced += section.body.split("\n")
        at = places[0]
        return lines[:at] + spliced + [""] + lines[at + 1 :]


class EssaySections(Treeprocessor):
    """In the whole essay's tree: each section's headings one level down, its title `section-N`, its links rebased."""

    def __init__(self, md: Markdown, extension: PagesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        page = self.extension.page
        if page is None or page.meta.get("compose") != "essay":
            return
        boundaries = {placeholder: BOUNDARY_RE.match(raw) for placeholder, raw in stashed(self.md).items()}
        current = None
        titled = False
        for child in list(root):
            match = boundaries.get((child.text or "").strip()) if child.tag == "p" else None
            if match:
                current = (int(match.group(1)), match.group(2))
                titled = False
                root.remove(child)
                continue
            if current is None:
                continue
            number, src_uri = current
            for element in child.iter():
                if "editorial-cite" in (element.get("class") or "").split():
                    continue  # written for this page by the citation extension already
                if element.tag in HEADINGS:
                    element.tag = f"h{int(element.tag[1]) + 1}"
                    if not titled:
                        element.set("id", f"section-{number}")
                        titled = True
                for name in ("href", "src"):
                    value = element.get(name)
                    if value is not None:
                        element.set(name, rebase(value, src_uri, page.src_uri))


def rebase(address: str, source: str, target: str) -> str:
    """A relative address written on page `source`, as it must be written on page `target`."""
    if not address or address.startswith(("#", "/")) or SCHEME.match(address):
        return address
    path, hash_, fragment = address.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    relative = posixpath.relpath(resolved, posixpath.dirname(target) or ".")
    return relative + hash_ + fragment


class Abbreviations(Treeprocessor):
    """The first time an abbreviation appears on a page, it can be focused (and tapped): Material's
    tooltips (`content.tooltips`) then show what it stands for. Only the first, so that the Tab
    key does not stop at every "OPSC" of a page."""

    def run(self, root: etree.Element) -> None:
        seen = set()
        in_links = {id(abbr) for link in root.iter("a") for abbr in link.iter("abbr")}  # a link is focusable itself
        for element in root.iter("abbr"):
            term = (element.text or "").strip()
            if term and term not in seen and element.get("title") and id(element) not in in_links:
                seen.add(term)
                element.set("tabindex", "0")


class Permalinks(Treeprocessor):
    """A heading's permalink (the toc extension's `¶`) is left out of the heading's name and the Tab order.

    A screen reader reads a heading by its whole content, so "14. OPSC" would be
    heard as "14. OPSC pilcrow"; the table of contents links every heading, so
    the permalink is a mouse's convenience: hidden from assistive technology
    and out of the Tab order (`tabindex="-1"`, so that it is never a focusable
    hidden element).
    """

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            if "headerlink" in (link.get("class") or "").split():
                link.set("aria-hidden", "true")
                link.set("tabindex", "-1")


class Glossary(Treeprocessor):
    """The abbreviations, as a definition list, where the glossary's marker stands."""

    def __init__(self, md: Markdown, extension: PagesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        page = self.extension.page
        if page is None or page.meta.get("compose") != "glossary":
            return
        for placeholder, raw in stashed(self.md).items():
            if raw != GLOSSARY_MARKER:
                continue
            for parent in list(root.iter()):
                for paragraph in list(parent):
                    if paragraph.tag == "p" and (paragraph.text or "") == placeholder:
                        terms = sorted(self.extension.session.sources.abbreviations(), key=lambda t: t[0].lower())
                        listing = "\n\n".join(f"{term}\n:   {meaning}" for term, meaning in terms)
                        holder = etree.Element("div")
                        self.md.parser.parseChunk(holder, listing)
                        self.md.treeprocessors["inline"].run(holder)
                        index = list(parent).index(paragraph)
                        parent.remove(paragraph)
                        for offset, element in enumerate(list(holder)):
                            parent.insert(index + offset, element)


class Charts(Treeprocessor):
    """Each paragraph `{ .chart data-figure="name" }` as its chart and table (edition/pages/charts.py)."""

    def __init__(self, md: Markdown, extension: PagesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        from edition.pages import charts

        page = self.extension.page
        for parent in list(root.iter()):
            for paragraph in list(parent):
                name = paragraph.get("data-figure") if paragraph.tag == "p" else None
                if name is None:
                    continue
                figure = self.extension.session.sources.figures.get(name)
                if figure is None:
                    raise Refusal(page.path if page else "?", None,
                                  f"no figure '{name}' in {charts.DATA_FILE}", CITATIONS)
                index = list(parent).index(paragraph)
                parent.remove(paragraph)
                drawn, table = charts.elements(name, figure, paragraph)
                table.tail = paragraph.tail
                parent.insert(index, drawn)
                parent.insert(index + 1, table)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's name
    return PagesExtension(**kwargs)
