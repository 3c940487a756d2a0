"""Read the essay as it came (`source/essay.txt`), independently of the site.

The tests judge the site against this parse, never against a copy of the output.
Format (see `source/README.md`): a header line, then eighteen numbered sections
whose text is wrapped over tab-indented lines; footnote lines (starting with a
superscript figure) interrupt the text where the original pages ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESSAY = ROOT / "source" / "essay.txt"

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPER_TO_DIGIT = {ch: str(i) for i, ch in enumerate(SUPERSCRIPTS)}
MARKER = re.compile(f"[{SUPERSCRIPTS}]+")
SECTION_START = re.compile(r"^(\d{1,2})[\t ]+(.*)$")


def superscript_number(text: str) -> int:
    return int("".join(SUPER_TO_DIGIT[ch] for ch in text))


@dataclass
class Section:
    number: int
    lines: list[str] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)  # note numbers, in reading order

    @property
    def raw(self) -> str:
        """The section's text with the wrapped lines joined, markers still in."""
        return " ".join(self.lines)

    @property
    def words(self) -> str:
        """What a reader reads: the text without list bullets."""
        lines = [line[2:] if line.startswith("- ") else line for line in self.lines]
        return normalise(MARKER.sub(" ", " ".join(lines)))

    @property
    def text(self) -> str:
        """The words of the section: lines joined, note markers removed."""
        return normalise(MARKER.sub(" ", self.raw))


@dataclass
class Essay:
    sections: list[Section]
    notes: dict[int, str]
    author: str


def normalise(text: str) -> str:
    """Collapse whitespace and the export's stray space before punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([.,;:])", r"\1", text)


def parse(path: Path = ESSAY) -> Essay:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:2] == ["Number", "Text"], "unexpected header"
    sections: list[Section] = []
    notes: dict[int, str] = {}
    body = [line.strip() for line in lines[1:]]
    while body and not body[-1]:
        body.pop()
    author = body.pop()
    for line in body:
        if not line:
            continue
        if line[0] in SUPERSCRIPTS:
            # one or more notes on a line: "⁴ http://… ⁵ http://…"
            parts = re.split(f"(?:^|\\s)([{SUPERSCRIPTS}]+)\\s", line)
            for number, note in zip(parts[1::2], parts[2::2]):
                notes[superscript_number(number)] = note.strip()
            continue
        start = SECTION_START.match(line)
        if start and int(start.group(1)) == len(sections) + 1:
            sections.append(Section(number=int(start.group(1))))
            line = start.group(2).strip()
        sections[-1].lines.append(line)
        for marker in MARKER.findall(line):
            sections[-1].notes.append(superscript_number(marker))
    return Essay(sections=sections, notes=notes, author=author)


if __name__ == "__main__":  # pragma: no cover - a look at the parse
    essay = parse()
    for s in essay.sections:
        print(s.number, s.notes, s.text[:90])
    for n, t in sorted(essay.notes.items()):
        print(n, t)
    print(essay.author)
