"""Pure helpers shared by the citation hooks (not a hook itself).

Finds `[@key]` citations in Markdown the way mkdocs-bibtex reads them, but
skips fenced and indented code, and reports line numbers for messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A citation block: [@key], [@key, p. 22], [@a; @b]
CITE_BLOCK = re.compile(r"\[(@[^\[\]\n]*)\]")
CITE = re.compile(r"@(?P<key>[\w:-]+)(?:\s*,\s*(?P<locator>[^;\]]+))?")
FENCE = re.compile(r"^\s*(```|~~~)")
ADMONITION = re.compile(r"^(!!!|\?\?\?\+?)\s")


@dataclass(frozen=True)
class Cite:
    key: str
    locator: str
    line: int
    editorial: bool  # inside an editors' admonition
    span: tuple[int, int] = (0, 0)  # the whole [...] block's place in its line


def scan(markdown: str) -> list[Cite]:
    """Every citation in reading order, outside code."""
    cites: list[Cite] = []
    in_fence = False
    in_admonition = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if ADMONITION.match(line):
            in_admonition = True
        elif line.strip() and not line.startswith(("    ", "\t")):
            in_admonition = False
        for block in CITE_BLOCK.finditer(_strip_inline_code(line)):
            for part in block.group(1).split(";"):
                match = CITE.match(part.strip())
                if match:
                    cites.append(
                        Cite(
                            key=match.group("key"),
                            locator=(match.group("locator") or "").strip(),
                            line=number,
                            editorial=in_admonition,
                            span=block.span(),
                        )
                    )
    return cites


def _strip_inline_code(line: str) -> str:
    return re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line)


def number_notes(sources) -> dict[str, int]:
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
