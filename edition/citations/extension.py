"""Citations, where Python-Markdown parses them: `[@key]` and `[@key, p. 22]` become notes or short citations.

The essay's notes are the author's: a citation in her text is a note,
numbered 1 to 11 through the whole essay in reading order, the same on its
section page, on the whole-essay page and in the PDF. A citation anywhere else
(an editors' box on an essay page, a page of the editors' own) is the
editors': a short citation in the text, "(UNODC 2009)", linking to the list of
sources, so that the author's numbers never shift.

This is a Python-Markdown extension (listed under `markdown_extensions`), so
every generator that renders Python-Markdown runs it, MkDocs, ProperDocs and
Zensical alike, and it sees what Python-Markdown sees: code spans, escapes
(`\\[@key]` is text) and raw HTML are Python-Markdown's own, read before it.

- An inline processor (priority 177: after code spans, 190, and escapes, 180;
  before footnotes, 175, and links, 160) reads each bracket holding an `@` with
  mkdocs-bibtex's grammar (edition/citations/grammar.py) and leaves a
  placeholder element; a bracket that would lose words stops the build.
- A treeprocessor after the inline one (priority 18; before abbreviations, 7,
  attribute lists, 8, and the table of contents, 5) replaces each placeholder
  in reading order, knowing where it stands: inside an admonition or on an
  editors' page it is a short citation with the id `cite-KEY-N`; in the
  author's text it is a note marker (`sup#fnref:ref-KEY`, `a.footnote-ref`),
  and the notes are listed at the end (`div.footnote`, `li#fn:ref-KEY` with the
  note's number as its `value`), in the markup of Python-Markdown's footnotes,
  which Material's note previews read; the notes are left out of search
  (`data-search-exclude`), where their addresses would match every query.

The note numbers come from the manifest (edition/citations/manifest.py): the
pages rendered once beforehand with this same extension in its collecting mode,
so a generator that renders only the page that changed numbers it as a whole
build does. The page being rendered is told by its text (edition/session.py).

Tests: tests/test_citations.py, tests/test_editorial_citations.py,
tests/test_citation_grammar.py (in-process cases), tests/test_upstream.py
(the priorities and markup this relies on).
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from mkdocs_bibtex.citation import Citation

from edition.citations.grammar import BLOCK, Cite, read
from edition.errors import CITATIONS, CONTENT_GUARD, Problem, Refusal

PLACEHOLDER = "edition-citation"
FOOTNOTE_ID = "ref-{key}"  # the notes' ids, as mkdocs-bibtex's footnote_format wrote them: no clash with others
INLINE_PRIORITY = 177
TREE_PRIORITY = 18
COMPOSE_PRIORITY = 19  # after the inline processor (20), which has stashed the markers; before the citations
# The treeprocessors a collecting pass leaves out: none of them decides where a citation is.
COLLECT_SKIPS = ("abbr", "toc", "attr_list", "prettify", "edition-charts", "edition-essay-sections", "edition-glossary")
BIBLIOGRAPHY_MARKER = "<!-- bibliography -->"
DATE_MARKER = "<!-- date checked -->"
NOTES_TITLE = "Jump back to note {} in the text"
NOTES_ID = "notes"
NOTES_HEADING = "Notes"
NOTE_NAME = "Note {}"  # what a screen reader says for a note's marker, not the bare figure
BACKLINK_NAME = "Back to note {} in the text"
BACKLINK_TEXT = "\u21a9"  # ↩, as Python-Markdown's footnotes write it


@dataclass
class Found:
    """A citation as the collecting pass records it, in reading order."""

    key: str
    locator: str
    editorial: bool
    raw: str  # the bracket's text, to find its line


@dataclass
class Record:
    """One page as the collecting pass saw it."""

    src_uri: str
    cites: list[Found] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dated: bool = False  # the page has the marker <!-- date checked -->


class CitationsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "config_file": ["mkdocs.yml", "The project's configuration; its folder is the project's root."],
            "session": ["", "The build's session (edition/session.py); found from config_file when not given."],
            "collect": [False, "Record the citations (the manifest's pass) instead of rendering notes."],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        self.reset()
        md.preprocessors.register(PageIdentity(md, self), "edition-page", 36)  # before snippets (32)
        md.inlinePatterns.register(CitationPattern(BLOCK, self), "edition-citation", INLINE_PRIORITY)
        md.treeprocessors.register(CitationTree(md, self), "edition-citations", TREE_PRIORITY)
        md.treeprocessors.register(Compose(md, self), "edition-compose", COMPOSE_PRIORITY)
        md.treeprocessors.register(TreeDone(md, self), "edition-tree-done", -100)  # after every other, MkDocs' title (-1) too
        md.postprocessors.register(Balanced(md, self), "edition-balanced", 0)  # last: the page's content as written
        if self.collecting:
            # The collecting pass needs the tree up to the citations: what the page looks like after
            # them (abbreviations, ids, the table of contents, the composed pages) is the render's.
            for name in COLLECT_SKIPS:
                if name in md.treeprocessors:
                    md.treeprocessors.deregister(name)

    def reset(self) -> None:
        self.page = None  # edition.guard.sources.PageSource
        self.made = 0  # placeholders the inline processor made
        self.record: Record | None = None
        self.tree_done = False  # the page's tree is finished: what postprocessors see now is the page

    @property
    def session(self):
        session = self.getConfig("session")  # "" when not given: Python-Markdown turns a None default into a bool
        if not session:
            from edition import session as sessions

            session = sessions.current(self.getConfig("config_file"))
            self.setConfig("session", session)
        return session

    @property
    def collecting(self) -> bool:
        return bool(self.getConfig("collect"))

    def refuse(self, message: str, needle: str, guard: str = CITATIONS) -> None:
        """Stop the build (render) or record the problem (collect), at the line where `needle` is."""
        file, line = locate(self.session, self.page, needle)
        problem = Problem(file, line, message, guard)
        if self.record is not None:
            self.record.problems.append(problem)
        else:
            raise Refusal(problem.file, problem.line, problem.message, problem.guard)


class PageIdentity(Preprocessor):
    """Which page this is: told by its text, as the generator hands it over (edition/session.py)."""

    def __init__(self, md: Markdown, extension: CitationsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        extension = self.extension
        page = extension.session.page_by_body("\n".join(lines))
        extension.page = page
        extension.tree_done = False
        if extension.collecting and page is not None:
            extension.record = Record(page.src_uri)
        return lines


class TreeDone(Treeprocessor):
    """Marks the page's tree as finished, so that `Balanced` judges the page, not a heading's text:
    the table of contents and MkDocs' title run the postprocessors over each heading while the
    tree is still being made, and the heading is judged within the page."""

    def __init__(self, md: Markdown, extension: CitationsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root) -> None:
        self.extension.tree_done = True


class Balanced(Postprocessor):
    """The page's content closes only what it opens: a stray `</article>` would close the theme's
    frame, and what follows would be judged, and read by Material, as the theme's (edition/guard/content.py).
    Tests: tests/test_guard.py (stray end tags), tests/test_pipeline_order.py."""

    def __init__(self, md: Markdown, extension: CitationsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        from edition.guard.content import check_fragment

        if not self.extension.tree_done or self.extension.collecting:
            return text  # a heading's text, judged with its page; the numbering pass renders no page

        for message, needle in check_fragment(text)[:1]:
            self.extension.refuse(message, needle, CONTENT_GUARD)
        return text


class CitationPattern(InlineProcessor):
    """`[@key, p. 22]` outside code and escapes: a placeholder for the treeprocessor, or a refusal."""

    def __init__(self, pattern: str, extension: CitationsExtension):
        super().__init__(pattern)
        self.extension = extension

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        extension = self.extension
        body = m.group("body")
        keys = extension.session.registry.entries.keys()
        cites, problem = read(body, set(keys))
        if problem is None and cites is None:
            return None, None, None  # brackets of other words: text
        opened, closed = data.rfind("<", 0, m.start()), data.rfind(">", 0, m.start())
        if opened > closed:
            extension.refuse(f"[{body}]: a citation inside an HTML tag is not rendered; cite in the text around it", f"[{body}]")
            return None, None, None
        after = data[m.end() : m.end() + 1]
        if problem is None and after in ("(", "["):
            problem = (f"[{body}]: a link's address or label right after a citation would scramble it; "
                       "put a space or words between")
        if problem is not None:
            extension.refuse(problem, f"[{body}]")
            return None, None, None
        element = etree.Element(PLACEHOLDER)
        for index, cite in enumerate(cites):
            part = etree.SubElement(element, PLACEHOLDER + "-part", key=cite.key, locator=cite.locator)
            part.set("index", str(index))
        element.set("raw", body)
        extension.made += 1
        return element, m.start(0), m.end(0)


class CitationTree(Treeprocessor):
    """Each placeholder, in reading order: a note marker or a short citation; then the notes."""

    def __init__(self, md: Markdown, extension: CitationsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        extension = self.extension
        page = extension.page
        parents = {child: parent for parent in root.iter() for child in parent}
        placeholders = [element for element in root.iter(PLACEHOLDER)]
        if len(placeholders) != extension.made:
            extension.refuse(
                "a citation stands where Markdown prints no text (an image's description, a link's address, an "
                "attribute), so it would not be rendered; cite in the text around it",
                "[@",
            )
        if page is None:
            if placeholders or extension.made:
                raise Refusal("?", None, "a page that the edition did not read and check was given citations to render; "
                              "is it outside docs/?", CITATIONS)
            return
        if extension.collecting:
            self.collect(root, placeholders, parents)
            return
        self.render(root, placeholders, parents)

    # The collecting pass (edition/citations/manifest.py)

    def collect(self, root, placeholders, parents) -> None:
        record = self.extension.record
        essay = self.extension.page.kind in ("section", "essay")
        for element in placeholders:
            editorial = not essay or in_admonition(element, parents)
            for part in element:
                record.cites.append(Found(part.get("key"), part.get("locator"), editorial, element.get("raw")))
            replace(element, parents, [])
        check_rendered(self.extension, root, self.md)
        check_boxes(self.extension, root)

    # The rendering pass

    def render(self, root, placeholders, parents) -> None:
        extension = self.extension
        session = extension.session
        page = extension.page
        numbers = session.manifest.numbers
        essay = page.kind in ("section", "essay")
        seen: dict[str, int] = {}  # key -> citations of it on the page so far (the editors' ids)
        notes: dict[str, tuple[int, str, list[str]]] = {}  # key -> (number, locator, marker ids), in order
        bibliography = session.manifest.bibliography_page
        for element in placeholders:
            made = []
            editorial = not essay or in_admonition(element, parents)
            for part in element:
                cite = Cite(part.get("key"), part.get("locator"))
                seen[cite.key] = seen.get(cite.key, 0) + 1
                if editorial:
                    made.append(self.short_citation(cite, seen[cite.key], page, bibliography))
                    continue
                if cite.key not in numbers:  # the manifest numbered every author's citation: never here
                    raise Refusal(page.path, None, f"@{cite.key} has no note number: the edition's manifest and this "
                                  "page disagree (a bug of the edition; please report it)", CITATIONS)
                number, locator, markers = notes.setdefault(cite.key, (numbers[cite.key], cite.locator, []))
                if cite.locator and locator and cite.locator != locator:
                    extension.refuse(
                        f"@{cite.key} is cited with two locators ('{locator}' and '{cite.locator}') on one page; "
                        "a note can hold only one", f"@{cite.key}")
                if cite.locator and not locator:
                    notes[cite.key] = (number, cite.locator, markers)
                marker_id = f"fnref{len(markers) + 1 if markers else ''}:{FOOTNOTE_ID.format(key=cite.key)}"
                markers.append(marker_id)
                made.append(note_marker(cite.key, number, marker_id))
            replace(element, parents, made, editorial=editorial)
        if notes:
            root.append(self.notes(notes))

    def short_citation(self, cite: Cite, occurrence: int, page, bibliography: str | None) -> etree.Element:
        link = etree.Element("a")
        link.set("class", "editorial-cite")
        if bibliography:
            target = posixpath.relpath(bibliography, posixpath.dirname(page.src_uri) or ".")
            link.set("href", f"{target}#{cite.key}")
        link.set("id", f"cite-{cite.key}-{occurrence}")
        link.text = self.extension.session.registry.label(cite)
        return link

    def notes(self, notes: dict) -> etree.Element:
        """The page's notes, as Python-Markdown's footnotes are written, each with its number and back links."""
        registry = self.extension.session.registry
        # DPUB-ARIA, as Pandoc and Quarto write notes: the notes a landmark with a heading,
        # each marker a note reference and each back link a back link, named in words.
        block = etree.Element("div", {"class": "footnote", "role": "doc-endnotes", "aria-labelledby": NOTES_ID,
                                      "data-search-exclude": ""})
        etree.SubElement(block, "hr")
        heading = etree.SubElement(block, "h2", {"id": NOTES_ID, "class": "notes-title"})
        heading.text = NOTES_HEADING
        listing = etree.SubElement(block, "ol")
        for key, (number, locator, markers) in notes.items():
            item = etree.SubElement(listing, "li", {"id": f"fn:{FOOTNOTE_ID.format(key=key)}", "value": str(number)})
            paragraph = etree.SubElement(item, "p")
            # The note's Markdown (links, emphasis) is read by Python-Markdown's own inline processor.
            holder = etree.Element("div")
            self.md.parser.parseChunk(holder, registry.note_text(key, locator))
            self.md.treeprocessors["inline"].run(holder)
            first = holder[0] if len(holder) else None
            if first is not None:
                paragraph.text = first.text
                paragraph.extend(list(first))
            last = paragraph[-1] if len(paragraph) else None
            for index, marker in enumerate(markers):
                name = BACKLINK_NAME.format(number) + (f" ({index + 1} of {len(markers)})" if len(markers) > 1 else "")
                link = etree.SubElement(paragraph, "a", {"class": "footnote-backref", "href": f"#{marker}",
                                                         "role": "doc-backlink", "aria-label": name,
                                                         "title": NOTES_TITLE.format(number)})
                link.text = BACKLINK_TEXT
                if index == 0:
                    space = "\u00a0"
                    if last is None:
                        paragraph.text = (paragraph.text or "") + space
                    else:
                        last.tail = (last.tail or "") + space
        return block


class Compose(Treeprocessor):
    """What the page asks for with a marker: the list of sources, the day its sources were checked.

    A marker is an HTML comment, which Python-Markdown keeps as raw HTML (its
    `htmlStash`) wherever it is not code: `<!-- bibliography -->` on a line of its
    own (a page with `compose: bibliography`), `<!-- date checked -->` in a sentence.
    So a marker written in code, as the contributors' guide shows them, stays text.
    """

    def __init__(self, md: Markdown, extension: CitationsExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        extension = self.extension
        page = extension.page
        if page is None or not self.md.htmlStash.rawHtmlBlocks:
            return
        markers = stashed(self.md)
        for placeholder, raw in markers.items():
            if raw == BIBLIOGRAPHY_MARKER:
                self.bibliography(root, placeholder, page)
            elif raw == DATE_MARKER:
                self.date_checked(root, placeholder, page)

    def bibliography(self, root, placeholder: str, page) -> None:
        """The list of sources, a list: each source an item (its id the key) holding the reference and
        the places that cite it, so that a screen reader announces a list of N sources."""
        extension = self.extension
        found = [(parent, p) for parent in root.iter() for p in parent if p.tag == "p" and (p.text or "") == placeholder]
        if page.meta.get("compose") != "bibliography" or not found:
            return
        parent, paragraph = found[0]
        index = list(parent).index(paragraph)
        parent.remove(paragraph)
        if extension.collecting:
            return
        listing = etree.Element("ul", {"class": "sources"})
        for key, reference, cited in bibliography_entries(extension.session, page):
            item = etree.SubElement(listing, "li", {"id": key})
            for text, kind in ((reference, "reference"), (cited, "cited-in")):
                holder = etree.Element("div")
                self.md.parser.parseChunk(holder, text)
                self.md.treeprocessors["inline"].run(holder)
                block = holder[0]
                block.set("class", kind)
                item.append(block)
        parent.insert(index, listing)

    def date_checked(self, root, placeholder: str, page) -> None:
        extension = self.extension
        if extension.collecting:
            when = "…"
            extension.record.dated = True
        else:
            when, problem = date_checked(extension.session, page)
            if problem:
                extension.refuse(problem, DATE_MARKER)
        for element in root.iter():
            for name in ("text", "tail"):
                value = getattr(element, name)
                if value and placeholder in value:
                    setattr(element, name, value.replace(placeholder, when))


def stashed(md: Markdown) -> dict[str, str]:
    """Placeholder -> the raw HTML it stands for (stripped), for every piece Python-Markdown kept as written."""
    return {
        md.htmlStash.get_placeholder(index): raw.strip()
        for index, raw in enumerate(md.htmlStash.rawHtmlBlocks)
        if isinstance(raw, str)
    }


def bibliography_entries(session, page) -> list[tuple[str, str, str]]:
    """(key, reference, "Cited in …") as Markdown, for every source, sorted by author and year."""
    registry = session.registry
    entries = []
    for key in registry.sorted_keys():
        links = session.manifest.backlinks.get(key, [])
        if links:
            cited = "Cited in " + ", ".join(
                f"[{link.label}]({posixpath.relpath(link.src_uri, posixpath.dirname(page.src_uri) or '.')}#{link.anchor})"
                for link in links
            ) + "."
        else:
            cited = "Not cited on any page."
        entries.append((key, registry.reference_text(Citation(key=key)), cited))
    return entries


def date_checked(session, page) -> tuple[str, str | None]:
    """When the editors last checked the sources the page cites, from their `urldate`: "on 28 November 2026",
    or "between 3 November 2026 and 28 November 2026" (the marker stands where the sentence says when)."""
    import datetime

    from edition.citations.registry import human_date

    record = session.manifest.records.get(page.src_uri)
    entries = session.registry.entries
    dates = []
    for key in dict.fromkeys(found.key for found in (record.cites if record else [])):
        entry = entries.get(key)
        if entry is None or "url" not in entry.fields:
            continue
        checked = entry.fields.get("urldate", "")
        try:
            dates.append(datetime.date.fromisoformat(checked))
        except ValueError:
            return "", (f"{key} in references.bib needs urldate = {{YYYY-MM-DD}}, the day its address was checked "
                        f"(found {checked!r})")
    if not dates:
        return "", f"{DATE_MARKER} needs citations of sources with an address and a urldate"
    first, last = min(dates), max(dates)
    return (f"on {human_date(first)}" if first == last else f"between {human_date(first)} and {human_date(last)}"), None


def note_marker(key: str, number: int, marker_id: str) -> etree.Element:
    sup = etree.Element("sup", {"id": marker_id})
    link = etree.SubElement(sup, "a", {"class": "footnote-ref", "href": f"#fn:{FOOTNOTE_ID.format(key=key)}",
                                       "role": "doc-noteref", "aria-label": NOTE_NAME.format(number)})
    link.text = str(number)
    return sup


def replace(element, parents, made: list, editorial: bool = False) -> None:
    """Put `made` where the placeholder stands; short citations in parentheses, "(UNODC 2009; ILO 2012)"."""
    parent = parents[element]
    index = list(parent).index(element)
    tail = element.tail
    parent.remove(element)

    def before(text: str) -> None:
        if index == 0:
            parent.text = (parent.text or "") + text
        else:
            parent[index - 1].tail = (parent[index - 1].tail or "") + text

    opening, closing = ("(", ")") if editorial and made else ("", "")
    before(opening)
    for position, node in enumerate(made):
        node.tail = "; " if editorial and position < len(made) - 1 else ""
        parent.insert(index + position, node)
    rest = closing + (tail or "")
    if made:
        made[-1].tail = (made[-1].tail or "") + rest
    else:
        before(rest)


def in_admonition(element, parents) -> bool:
    """Inside an admonition: the editors' words on an essay page."""
    node = parents.get(element)
    while node is not None:
        if node.tag == "div" and "admonition" in (node.get("class") or "").split():
            return True
        node = parents.get(node)
    return False


# The editors' boxes: the admonition types every format prints as the editors' (CONTRIBUTING.md).
BOXES = ("note", "update", "chart", "editors")


def check_boxes(extension: CitationsExtension, root) -> None:
    """Every admonition (and collapsible box) is one of the editors' box types."""
    for node in root.iter():
        classes = (node.get("class") or "").split()
        if (node.tag == "div" and "admonition" in classes) or (node.tag == "details" and classes):
            kinds = [c for c in classes if c != "admonition"]
            if not kinds or kinds[0] not in BOXES:
                shown = kinds[0] if kinds else "(none)"
                extension.refuse(f"an admonition of type '{shown}': the editors' boxes are {', '.join(BOXES)}, which the "
                                 "site, the PDF and the EPUB all print as the editors'", f" {shown}")


def check_rendered(extension: CitationsExtension, root, md: Markdown) -> None:
    """What Python-Markdown read as something other than text: a citation there would be lost, so it stops.

    A line `[@key]: …` is a link definition (its words vanish), an abbreviation's
    meaning is an attribute, a raw HTML block is passed through as written.
    """
    for name in getattr(md, "references", {}):
        if "@" in name:
            extension.refuse(f"[{name}]: a line starting with a citation and a colon reads as a link definition; "
                             "the words after it would vanish", f"[{name}]:")
    from markdown.extensions.abbr import AbbrExtension

    for registered in md.registeredExtensions:
        if isinstance(registered, AbbrExtension):
            for term, title in registered.abbrs.items():
                if "[@" in str(title):
                    extension.refuse("a citation in an abbreviation's meaning is not rendered (it becomes a tooltip); "
                                     "cite in the page's text", f"*[{term}]")
    for block in md.htmlStash.rawHtmlBlocks:
        if isinstance(block, str) and "[@" in block and _outside_code(block):
            extension.refuse("a citation in raw HTML is not rendered; cite in the Markdown text around it", "[@")
    if extension.record is not None and extension.record.problems:
        return  # the brackets' own problems are named: what is left of them is no news
    for text in texts_outside_code(root):
        if "[@" in text:
            _refuse_text(extension, text)
            return


def texts_outside_code(element):
    """Every text of the tree that is not code: what a reader reads as prose."""
    if element.text and element.tag not in ("code", "pre"):
        yield element.text
    for child in element:
        if child.tag not in ("code", "pre"):
            yield from texts_outside_code(child)
        if child.tail:
            yield child.tail


def _refuse_text(extension, text: str) -> None:
    at = text.index("[@")
    extension.refuse("a citation here is not rendered (it is not closed on its line, or Markdown reads it as "
                     "something else); write [@key] within one line of text", text[at : at + 30].split("\n")[0])


def _outside_code(raw: str) -> bool:
    """Does a piece of raw HTML hold `[@` in its text, outside code (superfences stashes code blocks too)?"""
    from edition.finish import html

    for node in html.parse_fragment("<div>" + raw + "</div>"):
        plain = etree.Element("div")
        plain.extend([node])
        return any("[@" in text for text in texts_outside_code(_plain_names(node)))
    return False


def _plain_names(node):
    """A parsed fragment with its tags' namespaces dropped, as Python-Markdown's trees have them."""
    for element in node.iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.rsplit("}", 1)[-1]
    return node


def locate(session, page, needle: str) -> tuple[str, int | None]:
    """The file and line where `needle` first stands: the page, then the files it includes."""
    if page is None:
        return "?", None
    sources = [(page.path, page.text)] + [(name, session.sources.includes.get(name, "")) for name in page.includes]
    for name, text in sources:
        at = text.find(needle)
        if at >= 0:
            return name, text.count("\n", 0, at) + 1
    return page.path, None


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's name
    return CitationsExtension(**kwargs)
