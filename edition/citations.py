"""The citation pipeline: one MkDocs plugin, its steps in code order.

mkdocs-bibtex turns `[@key]` into footnotes, and nothing more. The edition
needs more, around it, in this order (each step is a method below):

    on_files           check every citation in every page and include: a known key and at most
                       a locator, nothing else in the brackets (else the build stops, file:line)
    on_nav             number the author's notes 1..N in reading order across the essay;
                       find every place citing each source (the list of sources links back)
    on_page_markdown   before mkdocs-bibtex (priority 50):
                         1. compose pages: includes, the whole essay, the list of sources
                         2. hide code and brackets that are not citations
                         3. editors' citations become "(UNODC 2009)" links, never notes
                         4. take locators ("p. 22") off, which mkdocs-bibtex would drop
                       mkdocs-bibtex (priority 0): citations become footnotes
                       after mkdocs-bibtex (priority -50):
                         5. put the locators into their notes
                         6. restore what was hidden
    Markdown -> HTML   7. number the notes and keep them out of search (edition.notes, a
                          Python-Markdown treeprocessor after the footnotes extension)
    on_page_content    8. check that every page with notes had them numbered

Order is written with `event_priority`, never left to the order of mkdocs.yml;
tests/test_pipeline_order.py asserts the order of every event's handlers.
The footnote ids come from mkdocs-bibtex's own `footnote_format` option.

Entry point: `edition-citations` (pyproject.toml, `mkdocs.plugins`).
Tests: tests/test_citations.py, tests/test_editorial_citations.py,
tests/test_citation_grammar.py, tests/test_pipeline_order.py, tests/test_upstream.py.
"""

from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs_bibtex.citation import Citation

from edition.bibliography_style import EditionStyle
from edition.citation_scan import Cite, bib_text, blocks, escaped_brackets, is_citation, judge, number_notes, scan, unclosed
from edition.notes import NotesExtension
from edition.pages import essay_pages, read_source, strip_front_matter
from edition.source_guard import CONTRIBUTING, INCLUDES_DIR, allowed_include, snippets

log = logging.getLogger("mkdocs.plugins.edition.citations")

ESSAY_DIR = "essay/"
BIBLIOGRAPHY = "bibliography.md"
ESSAY_PLACEHOLDER = "<!-- essay -->"
BIBLIOGRAPHY_PLACEHOLDER = "<!-- bibliography -->"
# An include on a line of its own, `--8<-- "name"`: composed into the page here so that
# its citations are rendered. Which names are allowed is source_guard.py's allowlist
# (includes/ by name, CONTRIBUTING.md), which has stopped the build on any other.
INCLUDE = re.compile(r'^(?P<indent>[ ]*)--8<--[ ]+"(?P<path>[^":]+)"[ ]*$')
KEEP = "\x02edition-kept-{}\x03"
KEPT = re.compile(re.escape(KEEP).replace(re.escape("{}"), r"(\d+)"))
WEB_REFS = re.compile(r"\. (?:Online|Archived copy|Current page):")


class CitationPipelineConfig(base.Config):
    pass


@dataclass
class Backlink:
    src_uri: str
    anchor: str
    label: str


@dataclass
class PageState:
    """What the steps before mkdocs-bibtex hand to the steps after it."""

    kept: list[str]
    locators: dict[str, str]
    notes: int  # how many notes mkdocs-bibtex will make on this page


class CitationPipeline(BasePlugin[CitationPipelineConfig]):
    def __init__(self):
        self.keys: set[str] = set()
        self.entries = {}
        self.registry = None
        self.footnote_format = "{key}"
        self.numbers: dict[str, int] = {}  # key -> the author's note number across the essay
        self.backlinks: dict[str, list[Backlink]] = {}
        self.cited: dict[str, list[str]] = {}  # page -> keys it cites, in order
        self.nav = None
        self.root = Path.cwd()
        self.state: dict[str, PageState] = {}
        self.numbered = 0  # notes the treeprocessor numbered on the page being rendered

    # Set-up

    @event_priority(-100)  # after mkdocs-bibtex has loaded references.bib (priority 0)
    def on_config(self, config):
        bibtex = config.plugins.get("bibtex")
        if bibtex is None or getattr(bibtex, "registry", None) is None:
            raise PluginError("mkdocs.yml: the citation pipeline needs the bibtex plugin (mkdocs-bibtex)")
        self.registry = bibtex.registry
        if not hasattr(self.registry, "style"):
            raise PluginError("mkdocs.yml: the bibtex plugin must use pybtex's styles (no csl_file)")
        self.registry.style = EditionStyle()
        self.footnote_format = bibtex.config.footnote_format
        self.entries = self.registry.bib_data.entries
        self.keys = set(self.entries)
        self.root = Path(config.config_file_path).parent
        config.markdown_extensions.append(NotesExtension(self))
        return config

    @event_priority(200)  # before any page is rendered and before other plugins read the files
    def on_files(self, files, config):
        problems: list[str] = []
        for file in files.documentation_pages():
            name = f"{Path(config.docs_dir).name}/{file.src_uri}"
            text = _blank_front_matter(file.content_string)
            problems += self._check(text, name)
            problems += self._check_includes(text, name)
        # Files pymdownx.snippets appends to every page come in after mkdocs-bibtex has run.
        options = config.mdx_configs.get("pymdownx.snippets", {}) if hasattr(config, "mdx_configs") else {}
        for name in options.get("auto_append", []):
            path = f"{INCLUDES_DIR}/{name}"
            for block in blocks(_read(self.root / path)):
                if not block.in_code:
                    problems.append(
                        f"{path}:{block.line}: [{block.raw}]: a file appended to every page holds "
                        f"abbreviations only; cite in the page itself"
                    )
        if problems:
            raise PluginError("\n".join(problems))
        return files

    def on_nav(self, nav, config, files):
        self.nav = nav
        self.numbers = number_notes(read_source(page) for page in essay_pages(nav))
        self.backlinks = {}
        for page in nav.pages:
            seen: dict[str, int] = {}
            notes: dict[str, int] = {}
            for cite in scan(read_source(page)):
                seen[cite.key] = seen.get(cite.key, 0) + 1
                note = self.is_note(page, cite)
                if note:
                    notes[cite.key] = notes.get(cite.key, 0) + 1
                self.backlinks.setdefault(cite.key, []).append(
                    self._citing_place(page, cite, seen[cite.key], notes.get(cite.key, 0) if note else 0)
                )
        return nav

    # The page, before mkdocs-bibtex

    @event_priority(50)
    def _before_bibtex(self, markdown, page, config, files):
        markdown = self.compose(markdown, page)
        self.cited[page.file.src_uri] = list(dict.fromkeys(cite.key for cite in scan(markdown)))
        markdown, kept = self.hide(markdown)
        markdown = self.editors_citations(markdown, page)
        markdown, locators = self.take_locators(markdown, page)
        notes = len({c.key for c in scan(markdown, code_spans=False)})
        self.state[page.file.src_uri] = PageState(kept, locators, notes)
        return markdown

    # The page, after mkdocs-bibtex

    @event_priority(-50)
    def _after_bibtex(self, markdown, page, config, files):
        state = self.state.get(page.file.src_uri)
        if state is None:
            return markdown
        for key, locator in state.locators.items():
            markdown = self.put_locator(markdown, key, locator, page)
        # One pass: a page may hide thousands of pieces (every escaped bracket is one).
        markdown = KEPT.sub(lambda match: state.kept[int(match[1])], markdown)
        self.numbered = 0
        return markdown

    on_page_markdown = CombinedEvent(_before_bibtex, _after_bibtex)

    @event_priority(-50)
    def on_page_content(self, html, page, config, files):
        state = self.state.pop(page.file.src_uri, None)
        if state is not None and state.notes and page.file.src_uri.startswith(ESSAY_DIR) and not self.numbered:
            log.error(
                f"{page.file.src_uri}: its {state.notes} notes were not numbered: the footnotes "
                f"extension's markup is not what edition/notes.py expects (see tests/test_upstream.py)"
            )
        return html

    # Steps

    def compose(self, markdown: str, page) -> str:
        """Includes, then the whole essay or the list of sources where the page asks for them."""
        markdown = self.include(markdown)
        kind = page.meta.get("compose")
        if kind == "essay":
            return self._placeholder(markdown, page, ESSAY_PLACEHOLDER, lambda: self.whole_essay(page))
        if kind == "bibliography":
            return self._placeholder(markdown, page, BIBLIOGRAPHY_PLACEHOLDER, lambda: self.bibliography(page))
        return markdown

    def include(self, markdown: str) -> str:
        """Each allowed `--8<-- "path"` line replaced by the file, so that its citations are read too."""
        if "--8<--" not in markdown:
            return markdown
        lines = []
        for line in markdown.split("\n"):
            path = self._include_path(line) if "--8<--" in line else None
            match = INCLUDE.match(line) if path else None
            if path is None:
                lines.append(line)
                continue
            text = strip_front_matter(_read(self.root / path)).rstrip("\n")
            lines += [match["indent"] + part if part else part for part in text.split("\n")]
        return "\n".join(lines)

    def hide(self, markdown: str) -> tuple[str, list[str]]:
        """Code, brackets that are not clean citations of known keys, and escaped brackets
        (`\\[`, text to Markdown), out of mkdocs-bibtex's sight."""
        kept: list[str] = []
        lines = markdown.split("\n")
        changes: dict[int, list[tuple[int, int]]] = {}
        for block in blocks(markdown):
            if not is_citation(block, self.keys):
                changes.setdefault(block.line, []).append(block.span)
        for number, positions in escaped_brackets(markdown).items():
            hidden = changes.setdefault(number, [])
            hidden += [(index, index + 1) for index in positions if not any(s <= index < e for s, e in hidden)]
        # A "[" with no "]" after it on its line would make mkdocs-bibtex's block
        # pattern rescan the rest of the line from every such "[": quadratic.
        # Such tails hold no citation; they are hidden too, from their first "[" on
        # (what comes before it, an indent or a "!!!", is the page's structure,
        # which the steps after this one read).
        tails = {}
        for number, line in enumerate(lines, start=1):
            tail = tails[number] = line.find("[", line.rfind("]") + 1)
            if tail >= 0:
                lines[number - 1] = line[:tail] + KEEP.format(len(kept))
                kept.append(line[tail:])
            else:
                tails[number] = len(line)
        for number, spans in changes.items():
            line = lines[number - 1]
            for start, end in sorted(spans, reverse=True):
                if start >= tails[number]:
                    continue  # in the tail, hidden whole already
                kept.append(line[start:end])
                line = line[:start] + KEEP.format(len(kept) - 1) + line[end:]
            lines[number - 1] = line
        return "\n".join(lines), kept

    def editors_citations(self, markdown: str, page) -> str:
        """The editors' citations as author-year links to the list of sources, with ids for backlinks.

        The essay's notes are the author's, numbered 1 to 11; a note added by
        the editors would shift her numbers. An editors' citation is one in an
        admonition on an essay page (or the page composed from them), or any
        citation on another page. Its link gets the id `cite-KEY-N`, N
        counting every citation of KEY on the page in reading order.
        """
        cites = scan(markdown, code_spans=False)  # the text after `hide`
        if not cites:
            return markdown
        only_admonitions = self.is_essay(page)
        link_base = posixpath.relpath(BIBLIOGRAPHY, posixpath.dirname(page.file.src_uri) or ".")
        seen: dict[str, int] = {}
        replace: dict[tuple[int, tuple[int, int]], list[str]] = {}
        for cite in cites:
            seen[cite.key] = seen.get(cite.key, 0) + 1
            if only_admonitions and not cite.editorial:
                continue
            label = short_label(self.entries[cite.key], cite)
            anchor = f"cite-{cite.key}-{seen[cite.key]}"
            replace.setdefault((cite.line, cite.span), []).append(
                f"[{label}]({link_base}#{cite.key}){{ #{anchor} .editorial-cite }}"
            )
        lines = markdown.split("\n")
        # Right to left within a line, so that earlier spans stay valid.
        for (line, (start, end)), links in sorted(replace.items(), key=lambda item: (item[0][0], -item[0][1][0])):
            text = lines[line - 1]
            lines[line - 1] = text[:start] + "(" + "; ".join(links) + ")" + text[end:]
        return "\n".join(lines)

    def take_locators(self, markdown: str, page) -> tuple[str, dict[str, str]]:
        """`[@key, p. 22]` becomes `[@key]`; the locator is remembered for the note."""
        found: dict[str, str] = {}
        spans: dict[int, set[tuple[int, int]]] = {}
        for cite in scan(markdown, code_spans=False):  # the text after `hide`
            if not cite.locator:
                continue
            previous = found.get(cite.key)
            if previous not in (None, cite.locator):
                log.error(
                    f"{page.file.src_uri}:{cite.line}: @{cite.key} is cited with two locators "
                    f"('{previous}' and '{cite.locator}') on one page; a note can hold only one"
                )
            found[cite.key] = cite.locator
            spans.setdefault(cite.line, set()).add(cite.span)
        if not found:
            return markdown, found
        lines = markdown.split("\n")
        for number, line_spans in spans.items():
            line = lines[number - 1]
            for start, end in sorted(line_spans, reverse=True):
                keys = [part.strip().split(",")[0] for part in line[start + 1 : end - 1].split(";")]
                line = line[:start] + "[" + "; ".join(keys) + "]" + line[end:]
            lines[number - 1] = line
        return "\n".join(lines), found

    def put_locator(self, markdown: str, key: str, locator: str, page) -> str:
        """Insert ", p. 22" into the note's Markdown where its first sentence ends.

        That is before the web addresses ("Online: ...") when the note has
        them, else before the note's final full stop.
        """
        definition = re.compile(rf"^\[\^{re.escape(self.footnote_format.format(key=key))}\]: (?P<text>.*)$", re.M)
        match = definition.search(markdown)
        if not match:
            log.error(f"{page.file.src_uri}: the locator '{locator}' of @{key} found no note to go into")
            return markdown
        text = match["text"]
        addresses = WEB_REFS.search(text)
        cut = addresses.start() if addresses else len(text.rstrip().rstrip("."))
        text = text[:cut] + ", " + locator + text[cut:]
        if not addresses and not text.endswith("."):
            text += "."
        return markdown[: match.start("text")] + text + markdown[match.end("text") :]

    def whole_essay(self, page) -> str:
        """Every section page in navigation order, headings one level down, links rebased."""
        parts = []
        for section in essay_pages(self.nav):
            number = int(posixpath.basename(section.file.src_uri)[:2])
            body = self.include(read_source(section))
            body = _demote(body, anchor=f"section-{number}")
            body = _rebase_links(body, section.file.src_uri, page.file.src_uri)
            parts.append(body.strip())
        return "\n\n".join(parts)

    def bibliography(self, page) -> str:
        """Every entry of references.bib, sorted by author and year, each with its backlinks."""
        blocks_ = []
        for key in sorted(self.entries, key=lambda k: sort_key(self.entries[k])):
            text = self.registry.reference_text(Citation(key=key))
            blocks_.append(f"{text}\n{{ #{key} .reference }}")
            links = self.backlinks.get(key, [])
            if links:
                cited = ", ".join(
                    f"[{link.label}]({_relative(page.file.src_uri, link.src_uri)}#{link.anchor})" for link in links
                )
                blocks_.append(f"Cited in {cited}.\n{{ .cited-in }}")
            else:
                blocks_.append("Not cited on any page.\n{ .cited-in }")
        return "\n\n".join(blocks_)

    # What other modules ask

    def cited_keys(self, page) -> list[str]:
        """The keys a page cites, in reading order (structured data reads this)."""
        return self.cited.get(page.file.src_uri, [])

    def note_id(self, footnote_id: str) -> int | None:
        """The note number of a footnote id written by mkdocs-bibtex (`footnote_format`), if it is one."""
        prefix, _, suffix = self.footnote_format.partition("{key}")
        if footnote_id.startswith(prefix) and footnote_id.endswith(suffix):
            return self.numbers.get(footnote_id[len(prefix) : len(footnote_id) - len(suffix)])
        return None

    def is_essay(self, page) -> bool:
        """On the essay's pages only the admonitions are the editors'."""
        return page.file.src_uri.startswith(ESSAY_DIR) or page.meta.get("compose") == "essay"

    def is_note(self, page, cite: Cite) -> bool:
        """An author's citation, which mkdocs-bibtex makes a note; the editors' are in line."""
        return page.file.src_uri.startswith(ESSAY_DIR) and not cite.editorial and cite.key in self.numbers

    # Helpers

    def _check(self, text: str, name: str) -> list[str]:
        problems = [f"{name}:{block.line}: {p}" for block in blocks(text) if not block.in_code for p in judge(block, self.keys)]
        problems += [
            f"{name}:{number}: a citation opened with [@ closes on the same line, or its words stay unrendered"
            for number in unclosed(text)
        ]
        return problems

    def _check_includes(self, text: str, name: str) -> list[str]:
        """The citations of every file a page includes, in any of pymdownx.snippets' forms.

        Only a whole file on a line of its own (`--8<-- "name"`) is composed into the
        page before mkdocs-bibtex runs; a file holding citations included any other way
        (part of it, the block form, single quotes) or from inside an include would be
        published with its citations unrendered, so the build stops.
        """
        problems = []
        lines = text.split("\n")
        for number, snippet in snippets(text):
            file = snippet.split(":", 1)[0]
            if not allowed_include(file, self.root):
                continue  # source_guard.py has stopped the build, naming page and line
            path = file if file == CONTRIBUTING else f"{INCLUDES_DIR}/{file}"
            included = _read(self.root / path)
            if self._include_path(lines[number - 1]) == path:
                problems += self._check(included, path)
                problems += [
                    f"{path}:{inner}: an include may not include another file (only pages include)"
                    for inner, _ in snippets(included)
                ]
            elif any(not block.in_code for block in blocks(included)):
                problems.append(
                    f"{name}:{number}: {path} holds citations, which are read only when the whole file is "
                    f"included on a line of its own: write --8<-- \"{file}\""
                )
        return problems

    def _include_path(self, line: str) -> str | None:
        """The file a `--8<-- "name"` line includes, from the project's root, if it is an allowed include."""
        match = INCLUDE.match(line)
        if not match or not allowed_include(match["path"], self.root):
            return None
        name = match["path"]
        return name if name == CONTRIBUTING else f"{INCLUDES_DIR}/{name}"

    def _placeholder(self, markdown: str, page, placeholder: str, make) -> str:
        if placeholder not in markdown:
            log.error(f"{page.file.src_uri}: 'compose: {page.meta['compose']}' needs the line {placeholder}")
            return markdown
        return markdown.replace(placeholder, make())

    def _citing_place(self, page, cite: Cite, occurrence: int, note_occurrence: int) -> Backlink:
        """Where a citation lands: its in-line link `cite-KEY-N`, or the marker of its note
        (`fnrefN:` + the footnote id, N counting only the note's own markers)."""
        title = page.title or page.file.name
        section = page.file.src_uri.split("/")[-1][:2]
        essay = page.file.src_uri.startswith(ESSAY_DIR)
        name = f"section {int(section)}" if essay and section.isdigit() else title
        if not note_occurrence:
            label = f"{name}, editors' note" if essay else name
            return Backlink(page.file.src_uri, f"cite-{cite.key}-{occurrence}", label)
        suffix = "" if note_occurrence == 1 else str(note_occurrence)
        footnote = self.footnote_format.format(key=cite.key)
        return Backlink(page.file.src_uri, f"fnref{suffix}:{footnote}", f"{name}, note {self.numbers[cite.key]}")


def short_label(entry, cite: Cite) -> str:
    """"UNODC 2009", or "UNODC 2009, p. 22" with a locator."""
    name = entry.fields.get("shortauthor")
    if not name:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        name = " and ".join(str(person) for person in persons) or entry.fields.get("key") or entry.fields.get("title", "")
    label = f"{bib_text(name)} {entry.fields.get('year', 'n.d.')}"
    return f"{label}, {cite.locator}" if cite.locator else label


def sort_key(entry) -> tuple:
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    title = entry.fields.get("title", "").strip("{}").lower()
    names = tuple(str(person).strip("{}").lower() for person in persons) or (
        (entry.fields.get("key", "").lower() or title),
    )
    return (names, entry.fields.get("year", ""), title)


HEADING = re.compile(r"^(#{1,5}) ", re.MULTILINE)
LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)\s]+)\)")


def _demote(body: str, anchor: str) -> str:
    """Headings one level down; the section's title gets a stable anchor."""
    body = HEADING.sub(lambda m: "#" + m.group(1) + " ", body)
    return re.sub(r"^## (.*)$", rf"## \1 {{ #{anchor} }}", body, count=1, flags=re.MULTILINE)


def _rebase_links(body: str, source: str, target: str) -> str:
    def rebase(match: re.Match) -> str:
        path, _, fragment = match.group(1).partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        relative = posixpath.relpath(resolved, posixpath.dirname(target) or ".")
        return "](" + relative + ("#" + fragment if fragment else "") + ")"

    return LINK.sub(rebase, body)


def _relative(from_uri: str, to_uri: str) -> str:
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def _blank_front_matter(text: str) -> str:
    """Front matter replaced by empty lines, so line numbers stay those of the file."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return "\n" * text.count("\n", 0, end + 4) + text[end + 4 :]
    return text
