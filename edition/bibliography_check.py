"""Check references.bib before mkdocs-bibtex reads it, and stop on any problem.

mkdocs-bibtex parses the bibliography in its own on_config and answers a
mistake with a raw pybtex traceback (a missing brace, a duplicate key), or
with nothing at all: an empty file makes every citation vanish, an
unescaped `%` silently cuts a title, a `@string` macro doubled twenty times
expands to 134 MB, and a `javascript:` address becomes a live link in a
note. This hook runs first (higher priority), reads the file with a small
scanner of its own that knows line numbers, and stops the build with a
message naming the line or the key. It also runs from the command line,
for pre-commit and `make lint`: `edition-check-bib references.bib`.

The file is also read by programs other than the edition's (biber and
biblatex, BibTeX styles, bibtexparser, reference managers), so two rules
keep it portable: an address is written exactly as it is (`%28`, never
`\\%28`, which biber turns into `%5C%28`), and every entry has an author,
an editor or a `key`, without which BibTeX styles cannot sort it.

Tests: tests/test_guard.py (each rule, and the build stopping),
tests/test_references.py (the file as bibtexparser, pybtex and biber read it).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import dataclass, field

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.bibliography_check")

# The longest a field may grow when its @string macros are expanded.
MAX_FIELD_CHARS = 5_000
# Fields holding addresses: printed as links, read raw (no LaTeX), so `%` is fine there,
# and a TeX escape is not: biber and pybtex keep the backslash in the link.
URL_FIELDS = {"url", "archived", "current"}
# What lets any style sort an entry: a name, or BibTeX's `key` where there is none.
SORT_FIELDS = ("author", "editor", "key")
KEY_PATTERN = re.compile(r"^[A-Z][A-Za-z]*\d{4}[a-z]+$")
SAFE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s<>\"'`()\[\]{}\\]*)?$")
TEX_ESCAPE = re.compile(r"\\(.)")
MARKUP = re.compile(r"<\s*[A-Za-z/!?]")
MONTHS = {m: 3 for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")}


@event_priority(200)
def on_config(config):
    """Before mkdocs-bibtex (priority 0) parses the file."""
    plugin = config.plugins.get("bibtex")
    bib_file = getattr(getattr(plugin, "config", None), "bib_file", None)
    if not bib_file:
        return config
    base = os.path.dirname(config.config_file_path or ".")
    path = os.path.join(base, bib_file)
    problems = check_file(path, shown_as=bib_file)
    if problems:
        raise PluginError(report(problems))
    return config


# Helpers


@dataclass
class Entry:
    type: str
    key: str
    line: int
    fields: dict[str, list] = field(default_factory=dict)  # name -> [(kind, text)], kind: "text" or "macro"
    field_lines: dict[str, int] = field(default_factory=dict)


class BibSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def report(problems: list[str]) -> str:
    head = "references.bib has problems; the site was not built:" if len(problems) > 1 else ""
    return "\n".join([head, *("  " + p for p in problems)]).strip() if head else problems[0]


def check_file(path: str, shown_as: str | None = None) -> list[str]:
    """Every problem in a .bib file, each naming the file and a line or key."""
    name = shown_as or path
    if not os.path.isfile(path):
        return [f"{name}: the bibliography file is missing (plugins.bibtex.bib_file in mkdocs.yml names it)"]
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    return check_text(text, name)


def check_text(text: str, name: str = "references.bib") -> list[str]:
    try:
        entries, strings = scan(text)
    except BibSyntaxError as error:
        return [f"{name}:{error.line}: {error.message}"]
    problems: list[str] = []
    if not entries:
        return [f"{name}: the bibliography has no entries, so every citation would vanish"]
    problems += _check_keys(entries, name)
    problems += _check_macros(entries, strings, name)
    if problems:
        return problems
    for entry in entries:
        problems += _check_fields(entry, strings, name)
    if problems:
        return problems
    return _check_formatting(text, name)


def _check_keys(entries: list[Entry], name: str) -> list[str]:
    problems = []
    seen: dict[str, Entry] = {}
    for entry in entries:
        first = seen.get(entry.key.lower())
        if first is not None:
            same = "the same key" if first.key == entry.key else f"the key {first.key} (keys differ only in case)"
            problems.append(f"{name}:{entry.line}: duplicate key {entry.key}: line {first.line} already has {same}")
        else:
            seen[entry.key.lower()] = entry
        if not KEY_PATTERN.match(entry.key):
            problems.append(
                f"{name}:{entry.line}: key {entry.key} does not follow AuthorYYYYword "
                f"(letters, a four-digit year, a lower-case word, e.g. UNICEF2010protection)"
            )
    return problems


def _check_macros(entries: list[Entry], strings: dict[str, tuple[int, list]], name: str) -> list[str]:
    """Sizes of @string expansions, computed without expanding anything."""
    problems = []
    sizes: dict[str, int] = dict(MONTHS)

    def size(macro: str, trail: tuple[str, ...]) -> int:
        if macro in sizes:
            return sizes[macro]
        if macro in trail:
            raise BibSyntaxError(strings[macro][0], f"@string {macro} refers to itself")
        if macro not in strings:
            raise KeyError(macro)
        total = sum(len(t) if kind == "text" else size(t, (*trail, macro)) for kind, t in strings[macro][1])
        sizes[macro] = min(total, 10**12)
        return sizes[macro]

    for macro, (line, _) in strings.items():
        try:
            if size(macro, ()) > MAX_FIELD_CHARS:
                problems.append(
                    f"{name}:{line}: @string {macro} would expand to {sizes[macro]:,} characters "
                    f"(more than {MAX_FIELD_CHARS:,}); write the text out instead"
                )
        except KeyError as missing:
            problems.append(f"{name}:{line}: @string {macro} uses {missing.args[0]}, which no @string defines")
        except BibSyntaxError as error:
            problems.append(f"{name}:{error.line}: {error.message}")
    if problems:
        return problems
    for entry in entries:
        for fname, parts in entry.fields.items():
            line = entry.field_lines[fname]
            try:
                total = sum(len(t) if kind == "text" else size(t.lower(), ()) for kind, t in parts)
            except KeyError as missing:
                problems.append(
                    f"{name}:{line}: entry {entry.key}, field {fname} uses {missing.args[0]}, which no @string defines"
                )
                continue
            if total > MAX_FIELD_CHARS:
                problems.append(
                    f"{name}:{line}: entry {entry.key}, field {fname} would expand to {total:,} characters "
                    f"(more than {MAX_FIELD_CHARS:,})"
                )
    return problems


def _expand(parts: list, strings: dict[str, tuple[int, list]]) -> str:
    out = []
    for kind, text in parts:
        if kind == "text":
            out.append(text)
        elif text.lower() in strings:
            out.append(_expand(strings[text.lower()][1], strings))
        else:
            out.append(text)  # a month name
    return "".join(out)


def _check_fields(entry: Entry, strings, name: str) -> list[str]:
    problems = []
    for fname, parts in entry.fields.items():
        value = _expand(parts, strings)
        where = f"{name}:{entry.field_lines[fname]}: entry {entry.key}, field {fname}"
        if fname in URL_FIELDS:
            url = value.strip()
            if "\\" in url:
                as_it_is = TEX_ESCAPE.sub(r"\1", url)
                problems.append(
                    f"{where}: {url} has a TeX escape; write the address exactly as it is, {as_it_is} "
                    "(biber turns \\%28 into %5C%28, a dead link, and pybtex keeps the backslash)"
                )
            elif not SAFE_URL.match(url):
                problems.append(
                    f"{where}: {url!r} is not a plain http(s) address; only http:// and https:// are allowed, "
                    "and spaces, quotes, <, >, brackets and parentheses must be percent-encoded "
                    "(( is %28, ) is %29)"
                )
            continue
        if re.search(r"(?<!\\)%", value):
            problems.append(f"{where}: an unescaped % would cut the rest of the field; write \\%")
        if MARKUP.search(value):
            problems.append(f"{where}: contains HTML markup; fields are plain text (use braces and LaTeX accents)")
        if re.search(r"(?i)\b(?:javascript|vbscript|data)\s*:", value) or "](" in value:
            problems.append(f"{where}: contains a link or a script address; put addresses in url, archived or current")
    if not any(_expand(entry.fields.get(f, []), strings).strip("{} ") for f in SORT_FIELDS):
        problems.append(
            f"{name}:{entry.line}: entry {entry.key} has no author, editor or key, so BibTeX styles cannot sort it; "
            "add author = {{Organisation}} (double braces for an organisation), or key = {Name} if it has none"
        )
    return problems


def _check_formatting(text: str, name: str) -> list[str]:
    """Parse with pybtex as mkdocs-bibtex will, and format every entry with the plain style."""
    from pybtex.database.input.bibtex import Parser
    from pybtex.style.formatting.plain import Style
    from pybtex.style.template import FieldIsMissing

    try:
        data = Parser().parse_string(text)
    except Exception as error:  # noqa: BLE001 - any pybtex complaint becomes a message
        return [f"{name}: pybtex cannot read the file: {error}"]
    style = Style()
    problems = []
    lines = {m.group(2): text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"@(\w+)\s*[{(]\s*([^,\s]+)", text)}
    for key, entry in data.entries.items():
        where = f"{name}:{lines.get(key, '?')}: entry {key}"
        if entry.type not in ENTRY_TYPES:
            problems.append(f"{where}: type @{entry.type} cannot be formatted; use one of @{', @'.join(ENTRY_TYPES)}")
            continue
        try:
            style.format_entry("", entry)
        except FieldIsMissing as missing:
            problems.append(f"{where}: @{entry.type} needs the field {missing.field_name}")
        except Exception as error:  # noqa: BLE001
            problems.append(f"{where}: cannot be formatted: {error}")
    return problems


# The entry types pybtex's plain style (and so the edition's style) can format.
ENTRY_TYPES = (
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
    "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
)  # fmt: skip


# The scanner: BibTeX's grammar, enough of it to know where every entry and field is.

RUN_ON = re.compile(r"\n\s*[A-Za-z]+\s*=\s*[{\"]")
IDENT = re.compile(r"[^\s\"#%'(),={}]+")


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def skip_space(self):
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char.isspace():
                self.pos += 1
            elif char == "%":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end == -1 else end
            else:
                break

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, chars: str, what: str, start: int):
        char = self.peek()
        if not char:
            raise BibSyntaxError(self.line(start), f"the entry starting here never ends: a closing brace is missing ({what})")
        if char not in chars:
            raise BibSyntaxError(self.line(), f"expected {what}, found {char!r}")
        self.pos += 1
        return char

    def ident(self, what: str) -> str:
        self.skip_space()
        match = IDENT.match(self.text, self.pos)
        if not match:
            found = self.text[self.pos : self.pos + 1] or "the end of the file"
            raise BibSyntaxError(self.line(), f"expected {what}, found {found!r}")
        self.pos = match.end()
        return match.group(0)

    def braced(self, start: int) -> str:
        """From after an opening brace to its matching closing brace."""
        depth = 1
        begin = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return self.text[begin : self.pos - 1]
            elif char == "@" and self.text[self.pos - 1] == "\n" and depth >= 1:
                raise BibSyntaxError(self.line(start), "a brace opened here is never closed (the next entry begins first)")
            self.pos += 1
        raise BibSyntaxError(self.line(start), "a brace opened here is never closed")

    def quoted(self, start: int) -> str:
        depth = 0
        begin = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                self.pos += 1
                return self.text[begin : self.pos - 1]
            elif char == "\n" and self.text[self.pos + 1 : self.pos + 2] == "@":
                break
            self.pos += 1
        raise BibSyntaxError(self.line(start), 'a quotation mark opened here is never closed')

    def value(self) -> list:
        parts = []
        while True:
            self.skip_space()
            start = self.pos
            char = self.peek()
            if char == "{":
                self.pos += 1
                text = self.braced(start)
                if RUN_ON.search(text):
                    raise BibSyntaxError(
                        self.line(start), "this value runs on into the next field: a closing brace is missing here"
                    )
                parts.append(("text", text))
            elif char == '"':
                self.pos += 1
                parts.append(("text", self.quoted(start)))
            elif char.isdigit():
                parts.append(("text", self.ident("a number")))
            elif char and char not in ",}#)=":
                parts.append(("macro", self.ident("a value")))
            else:
                raise BibSyntaxError(self.line(), f"expected a value, found {char or 'the end of the file'!r}")
            if self.peek() != "#":
                return parts
            self.pos += 1


def scan(text: str) -> tuple[list[Entry], dict[str, tuple[int, list]]]:
    """Entries and @string macros, or BibSyntaxError naming the line."""
    scanner = _Scanner(text)
    entries: list[Entry] = []
    strings: dict[str, tuple[int, list]] = {}
    while True:
        at = text.find("@", scanner.pos)
        if at == -1:
            return entries, strings
        scanner.pos = at + 1
        start = at
        kind = scanner.ident("an entry type after @").lower()
        close = {"{": "}", "(": ")"}[scanner.expect("{(", "{ after @" + kind, start)]
        if kind == "comment":
            scanner.braced(start)
            continue
        if kind == "preamble":
            scanner.value()
            scanner.expect(close, close, start)
            continue
        if kind == "string":
            name = scanner.ident("a @string name").lower()
            line = scanner.line()
            scanner.expect("=", "= after the @string name", start)
            strings[name] = (line, scanner.value())
            scanner.expect(close, close, start)
            continue
        key_line = scanner.line(start)
        key = scanner.ident("a citation key")
        entry = Entry(type=kind, key=key, line=key_line)
        while True:
            if scanner.peek() == "@":
                raise BibSyntaxError(
                    key_line, f"entry {key} is not closed: a {close} is missing before line {scanner.line()}"
                )
            char = scanner.expect("," + close, f"a comma or the closing {close} of entry {key}", start)
            if char == close:
                break
            if scanner.peek() == close:
                scanner.pos += 1
                break
            if scanner.peek() == "@":
                raise BibSyntaxError(
                    key_line, f"entry {key} is not closed: a {close} is missing before line {scanner.line()}"
                )
            fname = scanner.ident(f"a field name in entry {key}").lower()
            fline = scanner.line()
            scanner.expect("=", f"= after the field name {fname} in entry {key}", start)
            if fname in entry.fields:
                raise BibSyntaxError(fline, f"entry {key} has the field {fname} twice")
            entry.fields[fname] = scanner.value()
            entry.field_lines[fname] = fline
        entries.append(entry)


def main(argv: list[str] | None = None) -> int:
    """The console script `edition-check-bib [FILE ...]` (pre-commit, `make lint`)."""
    paths = (sys.argv[1:] if argv is None else argv) or ["references.bib"]
    failed = False
    for path in paths:
        for problem in check_file(path):
            print(problem, file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
