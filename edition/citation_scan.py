"""The one citation scanner: where mkdocs-bibtex will see citations, and what is code.

mkdocs-bibtex reads every `[...]` holding an `@` as a citation block
(`mkdocs_bibtex.citation.CITATION_BLOCK_REGEX` and `Citation.from_markdown`),
anywhere in the Markdown, code included. This module finds exactly those
blocks, with mkdocs-bibtex's own grammar imported rather than copied, and adds
what mkdocs-bibtex does not know: line numbers, which blocks sit in code
(fenced with any fence length, indented, or inline), which sit in an editors'
admonition, and whether the words in a block are a citation the edition can
render without losing any (a key and at most a locator) or not. An escaped
bracket (`\\[`) is text to Markdown, so no block starts there (`escaped_brackets`).

No library knows Python-Markdown's block grammar short of rendering the page;
the part needed here (fences, indented code inside lists and admonitions,
code spans) is small and written out below, in one linear pass per page.

Used by edition/citations.py (the pipeline) and edition/structured_data.py.
Tests: tests/test_citation_grammar.py (the grammar, in-process),
tests/test_citations.py and tests/test_editorial_citations.py (the built site).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown import Markdown
from typing import Iterable, Iterator

from mkdocs_bibtex.citation import CITATION_BLOCK_REGEX, Citation

# A citation as the edition accepts it: one key, and at most a locator after a comma.
KEY = r"[\w-]+"  # mkdocs-bibtex's key grammar (CITATION_REGEX)
LOCATOR = (
    r"(?:p|pp|para|paras|ch|chap|sec|fig|figs|n|nn|art|vol|no|col|cols|l|ll|t)\.\s?"
    r"[0-9ivxlcdmIVXLCDM]+[a-z]?(?:\s?[-–]\s?[0-9ivxlcdmIVXLCDM]+[a-z]?)?(?:f{1,2}\.?)?"
)
PART = re.compile(rf"\s*@(?P<key>{KEY})(?:\s*,\s*(?P<locator>{LOCATOR}))?\s*")

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^(?P<indent> *)(?:[-*+]|\d{1,9}[.)])(?: +|$)")
ADMONITION = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?)(?: |$)")
TAB = 4  # Python-Markdown's tab_length: content of lists and admonitions, and code, indent by 4


@dataclass(frozen=True)
class Block:
    """A `[...]` that mkdocs-bibtex would read as a citation block."""

    raw: str  # the text between the brackets
    line: int  # 1-based line in the text scanned
    span: tuple[int, int]  # the whole `[...]` in that line
    in_code: bool
    editorial: bool  # inside an admonition: the editors' words
    place: str = ""  # "html" (a raw HTML block) or "abbreviation" (a *[...]: definition): no citation goes there
    after: str = ""  # the rest of the line after the closing "]"
    heading: bool = False  # on a heading's line

    @property
    def citations(self) -> list[Citation]:
        return Citation.from_markdown(self.raw)

    def parts(self) -> list[re.Match | None]:
        """Each `;`-separated part as a clean citation (key, locator), or None."""
        return [PART.fullmatch(part) for part in self.raw.split(";")]


@dataclass(frozen=True)
class Cite:
    """One citation of one key, outside code."""

    key: str
    locator: str
    line: int
    editorial: bool
    span: tuple[int, int] = (0, 0)  # the whole [...] block's place in its line


ABBREVIATION = re.compile(r"^ *\*\[[^\]]*\]:")
HEADING = re.compile(r"^ {0,3}#{1,6} ")
# A heading's own attribute list, last on its line: `## Title [@key] { #id }` (the whole essay's anchors).
HEADING_ATTRIBUTES = re.compile(r"^[^{]*\{[^{}]*\}\s*$")
# A raw HTML block, as Python-Markdown's HTML extractor reads one: a block-level tag (or a
# comment) at the start of a line, blank line before it or not, up to its closing tag.
HTML_OPEN = re.compile(r"^ {0,3}<(?P<tag>[A-Za-z][A-Za-z0-9-]*|!--)")
BLOCK_LEVEL = set(Markdown().block_level_elements)


def blocks(markdown: str, code_spans: bool = True) -> Iterator[Block]:
    """Every citation block mkdocs-bibtex would read, in reading order, code marked.

    `code_spans=False` reads no inline code: for the pipeline's text after it hid
    code and every block that is not a clean citation (edition/citations.py,
    `hide`). No block left there is in code, and a hidden piece that held a
    backtick would pair the remaining backticks differently from the page.
    """
    for number, line, in_code, editorial, spans, html in _lines(markdown):
        spans = spans if code_spans else []
        if "@" not in line:
            continue
        definition = "abbreviation" if ABBREVIATION.match(line) else ""
        heading = bool(HEADING.match(line))
        seen = _unescaped(line, in_code, definition, spans + html)
        # Only up to the line's last "]": every "[" then has a "]" after it, so the
        # lazy block pattern never rescans the rest of the line (linear, not quadratic).
        for match in CITATION_BLOCK_REGEX.finditer(seen, 0, seen.rfind("]") + 1):
            raw = line[match.start(1) : match.end(1)]
            if "@" not in raw or not Citation.from_markdown(raw):
                continue
            start, end = match.span()
            coded = in_code or any(s < end and start < e for s, e in spans)
            place = "html" if any(s < end and start < e for s, e in html) else definition
            yield Block(raw, number, (start, end), coded, editorial, place, line[end:], heading)


def escaped_brackets(markdown: str) -> dict[int, list[int]]:
    """Line number -> where a `[` is escaped (`\\[`): Python-Markdown prints it as a bracket, as text.

    mkdocs-bibtex knows no escapes: it would read a block from an escaped `[`
    to the next `]`, and a real citation inside it would take the words
    before it along. The pipeline hides these brackets from it
    (edition/citations.py, `hide`), and the scanner reads the line as if
    they were not brackets. Only where Markdown reads escapes: not in code,
    raw HTML or an abbreviation's definition.
    """
    found = {}
    for number, line, in_code, _, spans, html in _lines(markdown):
        if "\\[" in line and not in_code and not ABBREVIATION.match(line):
            positions = _escapes(line, spans + html)
            if positions:
                found[number] = positions
    return found


def _escapes(line: str, skip: list[tuple[int, int]]) -> list[int]:
    """Where a `[` follows an odd number of backslashes, outside the `skip` spans (linear)."""
    positions = []
    first = line.find("\\[")
    if first < 0:
        return positions
    for index in range(first + 1, len(line)):
        if line[index] == "[" and line[index - 1] == "\\" and not any(s <= index < e for s, e in skip):
            backslashes = 0
            while backslashes < index and line[index - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2:
                positions.append(index)
    return positions


def _unescaped(line: str, in_code: bool, definition: str, skip: list[tuple[int, int]]) -> str:
    """The line as the block pattern should read it: each escaped `[` read as another character."""
    if in_code or definition or "\\[" not in line:
        return line
    seen = list(line)
    for index in _escapes(line, skip):
        seen[index] = "\x00"
    return "".join(seen)


OPEN_CITATION = re.compile(r"\[[^\[\]`]*@[\w-]")


def unclosed(markdown: str) -> Iterator[int]:
    """Lines, outside code, where a citation opens ("[@") and does not close on the same line:
    mkdocs-bibtex reads a citation within one line, so the words would stay unrendered."""
    for number, line, in_code, _, spans, html in _lines(markdown):
        tail = line.rfind("]") + 1
        seen = _unescaped(line, in_code, "abbreviation" if ABBREVIATION.match(line) else "", spans + html)
        opened = OPEN_CITATION.search(seen, tail)
        if opened and not in_code and not any(s <= opened.start() < e for s, e in spans + html):
            yield number


def scan(markdown: str, code_spans: bool = True) -> list[Cite]:
    """Every clean citation outside code, in reading order (`code_spans`: see `blocks`)."""
    cites = []
    for block in blocks(markdown, code_spans):
        if block.in_code:
            continue
        for part in block.parts():
            if part is not None:
                cites.append(Cite(part["key"], part["locator"] or "", block.line, block.editorial, block.span))
    return cites


def judge(block: Block, keys: set[str]) -> list[str]:
    """What is wrong with a block outside code, in words for the contributor; [] if nothing.

    A block that starts with `@` is meant as a citation: each part must be a
    known key with at most a locator (`p. 22`), or words would be dropped. A
    block of other words that names a known key (`[see @key]`) would lose its
    words too. Brackets of other words (`[mail info@example.org]`, `[follow
    @handle]`) are not citations and stay as written.
    """
    if block.place and block.raw.lstrip().startswith("@"):
        where = "raw HTML" if block.place == "html" else "an abbreviation's definition"
        return [f"[{block.raw}]: a citation in {where} is not rendered; cite in the Markdown text around it"]
    if block.raw.lstrip().startswith("@"):
        if "{" in block.after and not (block.heading and HEADING_ATTRIBUTES.match(block.after)):
            return [f"[{block.raw}]: a {{ later on the line would join the citation's attributes and move words; "
                    f"write attributes ({{...}}) on a line without a citation"]
        if block.after[:1] == "(":
            return [f"[{block.raw}]: a link's address right after a citation would scramble it; put a space or words between"]
        if block.after[:1] == ":" and not block.span[0] and block.line:
            return [f"[{block.raw}]: a line starting with a citation and a colon reads as a link definition; "
                    f"the words after it would vanish"]
    if block.raw.lstrip().startswith("@"):
        problems = []
        for text, part in zip(block.raw.split(";"), block.parts()):
            if part is None:
                problems.append(
                    f"[{block.raw}]: '{text.strip()}' is not a citation the edition can print whole; "
                    f"inside the brackets write only @key and a page ('@key, p. 22'), other words outside them"
                )
            elif part["key"] not in keys:
                problems.append(
                    f"[{block.raw}] cites @{part['key']}, which is not a key in references.bib "
                    f"(to write it as text, not a citation: \\[@{part['key']}], or the @ as &#64;)"
                )
        return problems
    return [
        f"[{block.raw}]: the words {c.prefix.strip()!r} before @{c.key} would be dropped; "
        f"write them outside the brackets, as in 'see [@{c.key}]'"
        for c in block.citations
        if c.key in keys
    ]


def is_citation(block: Block, keys: set[str]) -> bool:
    """A block mkdocs-bibtex may turn into notes: outside code, clean, every key known."""
    return not block.in_code and block.raw.lstrip().startswith("@") and not judge(block, keys)


def number_notes(sources: Iterable[str]) -> dict[str, int]:
    """Key -> note number, counting the author's citations in reading order."""
    result: dict[str, int] = {}
    for markdown in sources:
        for cite in scan(markdown):
            if not cite.editorial and cite.key not in result:
                result[cite.key] = len(result) + 1
    return result


def bib_text(value: str) -> str:
    """A .bib field as plain text: no protecting braces, no TeX escapes."""
    for tex, text in (("\\&", "&"), ("\\%", "%"), ("---", "—"), ("--", "–")):
        value = value.replace(tex, text)
    return value.replace("{", "").replace("}", "")


# The block grammar, one pass


def _lines(markdown: str) -> Iterator[tuple[int, str, bool, bool, list[tuple[int, int]], list[tuple[int, int]]]]:
    """(line number, line, in a code block, in an admonition, code spans, raw HTML spans) for every line.

    Containers (list items, admonitions) are a stack of content indents; a
    line indented by TAB more than the innermost container's content, after a
    blank line, is indented code, as Python-Markdown reads it.
    """
    containers: list[tuple[int, bool]] = []  # (content indent, is an admonition)
    fence: tuple[str, int, int] | None = None  # (char, length, indent)
    blank_before = True
    in_indented_code = False
    html: tuple[str, int] | None = None  # the open raw block's closing marker, and its nesting depth
    for number, line in enumerate(markdown.split("\n"), start=1):
        if html is not None:
            # Inside a raw HTML block (blank lines included): literal up to its closing tag.
            html, close = _html_continues(line, html)
            spans = [(0, close if close is not None else len(line))]
            yield number, line, False, _editorial(containers), [], spans
            if html is None:
                blank_before = False
            continue
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if fence is not None:
            close = FENCE.match(line)
            if close and close["fence"][0] == fence[0] and len(close["fence"]) >= fence[1] and not line[close.end() :].strip():
                fence = None
            yield number, line, True, _editorial(containers), [], []
            continue
        if not stripped:
            blank_before = True
            yield number, line, in_indented_code, _editorial(containers), [], []
            continue
        # A line less indented than a container's content closes it, unless it
        # lazily continues the paragraph just above (no blank line, no new block).
        starts_block = bool(LIST_ITEM.match(line) or ADMONITION.match(line) or FENCE.match(line)) or stripped.startswith("#")
        while containers and indent < containers[-1][0] and (blank_before or in_indented_code or starts_block):
            containers.pop()
        base = containers[-1][0] if containers else 0
        if indent >= base + TAB and (blank_before or in_indented_code):
            in_indented_code = True
            blank_before = False
            yield number, line, True, _editorial(containers), [], []
            continue
        in_indented_code = False
        opened = HTML_OPEN.match(line[base:] if indent >= base else line)
        if opened and (opened["tag"] == "!--" or opened["tag"].lower() in BLOCK_LEVEL):
            marker = "-->" if opened["tag"] == "!--" else opened["tag"].lower()
            start = line.index("<")
            html, close = _html_continues(line, (marker, 0), start)
            yield number, line, False, _editorial(containers), _code_spans(line), [(start, close if close is not None else len(line))]
            blank_before = False
            continue
        blank_before = False
        opener = FENCE.match(line)
        if opener:
            fence = (opener["fence"][0], len(opener["fence"]), indent)
            yield number, line, True, _editorial(containers), [], []
            continue
        admonition = ADMONITION.match(line)
        if admonition:
            containers.append((indent + TAB, True))
        else:
            item = LIST_ITEM.match(line)
            if item:
                containers.append((indent + TAB, False))
        yield number, line, False, _editorial(containers), _code_spans(line) + _comments(line), []


def _html_continues(line: str, state: tuple[str, int], start: int = 0) -> tuple[tuple[str, int] | None, int | None]:
    """Follow a raw HTML block through one line: (the state after it or None if it closed,
    where in the line it closed or None). Nested tags of the same name are counted."""
    marker, depth = state
    if marker == "-->":
        end = line.find("-->", start)
        return (state, None) if end < 0 else (None, end + 3)
    for tag in re.finditer(rf"<(/?){re.escape(marker)}(?=[\s/>])[^>]*>", line[start:], re.IGNORECASE):
        if tag.group(1):
            depth -= 1
            if depth <= 0:
                return None, start + tag.end()
        elif not tag.group(0).endswith("/>"):
            depth += 1
    return (marker, depth), None


def _comments(line: str) -> list[tuple[int, int]]:
    """HTML comments within a line: not rendered, so not read for citations."""
    return [m.span() for m in re.finditer(r"<!--.*?-->", line)] if "<!--" in line else []


def _editorial(containers: list[tuple[int, bool]]) -> bool:
    return any(admonition for _, admonition in containers)


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Inline code: a run of backticks up to the next run of the same length (linear)."""
    if "`" not in line:
        return []
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", line)]
    spans = []
    waiting: dict[int, int] = {}  # run length -> start of the opening run
    for start, end in runs:
        length = end - start
        if length in waiting:
            opened = waiting.pop(length)
            spans.append((opened, end))
            # runs opened inside this span are text, not openers
            waiting = {k: v for k, v in waiting.items() if v < opened}
        else:
            waiting[length] = start
    return spans
