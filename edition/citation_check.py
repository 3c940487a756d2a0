"""No citation is lost and no bracketed words vanish: mkdocs-bibtex's gaps closed.

mkdocs-bibtex reads every `[...]` holding an `@` as a citation. With a key
that is not in references.bib it logs a warning and a KeyError traceback and
deletes the brackets from the page; `[contact: info@example.org]` and
`[follow @ECPAT]` vanish the same way; and in `[see @key]` the word "see" is
dropped. This hook makes each case either an error or harmless:

- a citation (`[@key]`, `[@a; @b, p. 2]`) with a key not in references.bib,
  or words before a known key, stops the build, naming the file and line;
- brackets of other words with an `@` (an e-mail address, a handle), and
  anything in code, are hidden from mkdocs-bibtex and restored unchanged.
"""

from __future__ import annotations

import logging
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs_bibtex.citation import CITATION_BLOCK_REGEX, Citation

log = logging.getLogger("mkdocs.hooks.citation_check")

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
KEEP = "\x02citation-check-{}\x03"
_kept: dict[str, list[str]] = {}


@event_priority(200)
def on_files(files, config):
    """Before any page is rendered: every citation in every page names a known source."""
    keys = _keys(config)
    problems = []
    for file in files.documentation_pages():
        text = _blank_front_matter(file.content_string)
        for line, raw, in_code in bracket_blocks(text):
            if not in_code:
                problems += [f"docs/{file.src_uri}:{line}: {p}" for p in judge(raw, keys)]
    if problems:
        raise PluginError("\n".join(problems))
    return files


@event_priority(105)  # after the whole essay is composed (110), before locators (100) and mkdocs-bibtex (0)
def _hide(markdown, page, config, files):
    """Brackets that are not citations, and all code, out of mkdocs-bibtex's sight."""
    keys = _keys(config)
    kept: list[str] = []
    lines = markdown.split("\n")
    for number, in_code, spans in _lines(lines):
        line = lines[number]
        out, last = [], 0
        for match in CITATION_BLOCK_REGEX.finditer(line):
            raw = match.group(1)
            if not Citation.from_markdown(raw):
                continue
            in_span = in_code or any(s < match.end() and match.start() < e for s, e in spans)
            if in_span or not is_citation(raw, keys):
                out.append(line[last : match.start()] + KEEP.format(len(kept)))
                kept.append(match.group(0))
                last = match.end()
        if last:
            lines[number] = "".join(out) + line[last:]
    _kept[page.file.src_uri] = kept
    return "\n".join(lines) if kept else markdown


@event_priority(-100)  # after mkdocs-bibtex
def _restore(markdown, page, config, files):
    for index, text in enumerate(_kept.pop(page.file.src_uri, [])):
        markdown = markdown.replace(KEEP.format(index), text, 1)
    return markdown


on_page_markdown = CombinedEvent(_hide, _restore)


# Helpers


def judge(raw: str, keys: set[str]) -> list[str]:
    """What is wrong with the bracket text `raw`, as mkdocs-bibtex would read it."""
    citations = Citation.from_markdown(raw)
    if not citations:
        return []
    if raw.lstrip().startswith("@"):
        problems = []
        for part, citation in zip(_parts(raw), citations):
            if citation.key not in keys:
                problems.append(
                    f"[{raw}] cites @{citation.key}, which is not a key in references.bib "
                    f"(to write an @ that is not a citation, use &#64;)"
                )
            elif citation.prefix:
                problems.append(_prefix_problem(raw, citation))
        return problems
    known = [c for c in citations if c.key in keys]
    return [_prefix_problem(raw, c) for c in known]


def is_citation(raw: str, keys: set[str]) -> bool:
    """Brackets mkdocs-bibtex may turn into notes: a clean citation of known keys."""
    return raw.lstrip().startswith("@") and not judge(raw, keys)


def _prefix_problem(raw: str, citation: Citation) -> str:
    return (
        f"[{raw}]: the words {citation.prefix.strip()!r} before @{citation.key} would be dropped; "
        f"write them outside the brackets, as in 'see [@{citation.key}]'"
    )


def _parts(raw: str) -> list[str]:
    return [part for part in raw.split(";") if part.strip()]


def bracket_blocks(markdown: str):
    """(line number, bracket text, in code) for every bracket mkdocs-bibtex would read as a citation."""
    lines = markdown.split("\n")
    for number, in_code, spans in _lines(lines):
        for match in CITATION_BLOCK_REGEX.finditer(lines[number]):
            if Citation.from_markdown(match.group(1)):
                in_span = in_code or any(s < match.end() and match.start() < e for s, e in spans)
                yield number + 1, match.group(1), in_span


def _lines(lines: list[str]):
    """(index, inside a fenced block, inline code spans) for each line."""
    fence = None
    for number, line in enumerate(lines):
        opener = FENCE.match(line)
        if fence is None and opener:
            fence = opener.group(1)
            yield number, True, []
            continue
        if fence is not None:
            if opener and opener.group(1) == fence:
                fence = None
            yield number, True, []
            continue
        yield number, False, [m.span() for m in INLINE_CODE.finditer(line)]


def _keys(config) -> set[str]:
    registry = getattr(config.plugins.get("bibtex"), "registry", None)
    return set(registry.bib_data.entries) if registry is not None else set()


def _blank_front_matter(text: str) -> str:
    """Front matter replaced by empty lines, so line numbers stay those of the file."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return "\n" * text.count("\n", 0, end + 4) + text[end + 4 :]
    return text
