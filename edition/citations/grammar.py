"""What a citation is: mkdocs-bibtex's grammar, and the edition's rule of what it can print whole.

A citation block is `[...]` holding `@key` parts separated by `;`, each with an
optional prefix and suffix: mkdocs-bibtex's own grammar
(`mkdocs_bibtex.citation.CitationBlock` and `Citation.from_markdown`, imported,
not copied). The edition prints a block only when nothing in it would be lost:
each part a known key with at most a locator after a comma (`@key, p. 22`),
nothing else. A block that starts with `@` is meant as a citation, so any other
words in it stop the build; a block of other words that names a known key
(`[see @key]`) would lose its words, so it stops too; brackets of other words
with an `@` in them (`[mail info@example.org]`, `[follow @handle]`) are text.

Tests: tests/test_citation_grammar.py.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from mkdocs_bibtex.citation import Citation, CitationBlock

KEY = r"[\w-]+"  # mkdocs-bibtex's key grammar (CITATION_REGEX)
LOCATOR = (
    r"(?:p|pp|para|paras|ch|chap|sec|fig|figs|n|nn|art|vol|no|col|cols|l|ll|t)\.\s?"
    r"[0-9ivxlcdmIVXLCDM]+[a-z]?(?:\s?[-–]\s?[0-9ivxlcdmIVXLCDM]+[a-z]?)?(?:f{1,2}\.?)?"
)
PART = re.compile(rf"\s*@(?P<key>{KEY})(?:\s*,\s*(?P<locator>{LOCATOR}))?\s*")
# What the inline processor looks at: a bracket with an @ in it and no bracket inside.
BLOCK = r"\[(?P<body>[^\[\]\n]*@[^\[\]\n]*)\]"


@dataclass(frozen=True)
class Cite:
    """One clean citation: a key and its locator ("" for none)."""

    key: str
    locator: str = ""


def read(body: str, keys: set[str] | frozenset[str]) -> tuple[list[Cite] | None, str | None]:
    """The citations in a bracket's text, or why it cannot be printed whole.

    Returns (cites, None) for a clean citation block, (None, problem) for one
    that would lose words, and (None, None) for brackets that are not a citation.
    """
    blocks = CitationBlock.from_markdown(f"[{body}]")
    if not blocks:
        return None, None
    if not body.lstrip().startswith("@"):
        named = [c for c in blocks[0].citations if c.key in keys]
        if named:
            c = named[0]
            return None, (
                f"[{body}]: the words {c.prefix.strip()!r} before @{c.key} would be dropped; "
                f"write them outside the brackets, as in 'see [@{c.key}]'"
            )
        return None, None
    cites = []
    for text in body.split(";"):
        part = PART.fullmatch(text)
        if part is None:
            return None, (
                f"[{body}]: '{text.strip()}' is not a citation the edition can print whole; "
                f"inside the brackets write only @key and a page ('@key, p. 22'), other words outside them"
            )
        if part["key"] not in keys:
            return None, unknown_key(body, part["key"], keys)
        cites.append(Cite(part["key"], part["locator"] or ""))
    return cites, None


def unknown_key(body: str, key: str, keys) -> str:
    close = difflib.get_close_matches(key, sorted(keys), n=1, cutoff=0.6)
    guess = f"; did you mean @{close[0]}?" if close else ""
    return (
        f"[{body}] cites @{key}, which is not a key in references.bib{guess} "
        f"(to write it as text, not a citation: \\[@{key}], or the @ as &#64;)"
    )


def parts(body: str) -> list[Citation]:
    """mkdocs-bibtex's reading of a bracket's text (for messages and tests)."""
    return Citation.from_markdown(body)


def bib_text(value: str) -> str:
    """A .bib field as plain text: no protecting braces, no TeX escapes."""
    for tex, text in (("\\&", "&"), ("\\%", "%"), ("---", "—"), ("--", "–")):
        value = value.replace(tex, text)
    return value.replace("{", "").replace("}", "")
