"""Check references.bib before pybtex reads it, and stop on any problem.

pybtex answers a mistake with a raw traceback (a missing brace, a duplicate
key), or with nothing at all: an empty file makes every citation vanish, an
unescaped `%` silently cuts a title, a `@string` macro doubled twenty times
expands to 134 MB (and one used in every entry multiplies what the build
makes), and a `javascript:` address becomes a live link in a note. The source
guard (edition/guard/sources.py) runs this check on the text the repository's
reader read, before the registry (edition/citations/registry.py) parses it: a
scanner of its own that follows pybtex's grammar token for token (so it reads
exactly what pybtex reads, `@comment` included) but knows line numbers and
measures `@string` expansions without building them, one field and the whole
file, and stops the build with a message naming the line or the key. pybtex's own parser has neither
line numbers for its readers nor a bound on expansion, hence the scanner.
It also runs from the command line, for pre-commit and `make lint`:
`edition-check-bib references.bib`.

The file is also read by programs other than the edition's (biber and
biblatex, BibTeX styles, bibtexparser, reference managers), so two rules
keep it portable: an address is written exactly as it is (`%28`, never
`\\%28`, which biber turns into `%5C%28`), and every entry has an author,
an editor or a `key`, without which BibTeX styles cannot sort it.

Tests: tests/test_red_team.py (family "bibliography", with hypothesis), tests/test_guard.py (each rule),
tests/test_references.py (the file as bibtexparser, pybtex and biber read it).
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field

from edition.errors import SOURCE_GUARD, Problem
from edition.files import decode, invisible

# The longest a field may grow when its @string macros are expanded, and all of them together
# (today's file expands to about 10,000 characters).
MAX_FIELD_CHARS = 5_000
MAX_EXPANDED_CHARS = 256 * 1024
# Fields holding addresses: printed as links, read raw (no LaTeX), so `%` is fine there,
# and a TeX escape is not: biber and pybtex keep the backslash in the link.
URL_FIELDS = {"url", "archived", "current"}
# What lets any style sort an entry: a name, or BibTeX's `key` where there is none.
SORT_FIELDS = ("author", "editor", "key")
KEY_PATTERN = re.compile(r"^[A-Z][A-Za-z]*\d{4}[a-z]+$")
SAFE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s<>\"'`()\[\]{}\\]*)?$")
TEX_ESCAPE = re.compile(r"\\(.)")
MARKUP = re.compile(r"<\s*[A-Za-z/!?]")


# Helpers


@dataclass
class Entry:
    type: str
    key: str
    line: int
    fields: dict[str, list] = field(default_factory=dict)  # name -> [("text", str) | ("macro", Macro)]
    field_lines: dict[str, int] = field(default_factory=dict)


class BibSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def check_file(path: str) -> list[Problem]:
    """Every problem in a .bib file (the command line's reading: pre-commit hands it paths)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BIB_BYTES + 1)
    except OSError as error:
        return [Problem(path, None, f"cannot be read ({error.strerror})", SOURCE_GUARD)]
    if len(data) > MAX_BIB_BYTES:
        return [Problem(path, None, f"larger than {MAX_BIB_BYTES // 1024} KiB; is it the file you meant?", SOURCE_GUARD)]
    from edition.errors import Refusal

    try:
        text = decode(data, path)
    except Refusal as refusal:
        return [refusal.problem]
    return check_text(text, path)


def check_text(text: str, name: str = "references.bib") -> list[Problem]:
    """Every problem in the text of a .bib file, each naming the file and a line."""
    at = invisible(text)
    if at is not None:
        line = text.count("\n", 0, at) + 1
        return [_problem(name, line, f"contains an invisible control character, U+{ord(text[at]):04X}; delete it")]
    try:
        entries, _, style = scan_text(text)
    except BibSyntaxError as error:
        return [_problem(name, error.line, error.message)]
    if not entries:
        return [_problem(name, None, "the bibliography has no entries, so every citation would vanish")]
    problems = [_problem(name, line, message) for line, message in style]
    problems += _check_keys(entries, name)
    if problems:
        return problems
    for entry in entries:
        problems += _check_fields(entry, name)
    if problems:
        return problems
    return _check_formatting(text, name, entries)


def _problem(name: str, line: int | None, message: str) -> Problem:
    return Problem(name, line, message, SOURCE_GUARD)


def _check_keys(entries: list[Entry], name: str) -> list[Problem]:
    return [
        _problem(
            name,
            entry.line,
            f"key {entry.key} does not follow AuthorYYYYword "
            f"(letters, a four-digit year, a lower-case word, e.g. UNICEF2010protection)",
        )
        for entry in entries
        if not KEY_PATTERN.match(entry.key)
    ]


def _check_fields(entry: Entry, name: str) -> list[Problem]:
    problems = []
    for fname, parts in entry.fields.items():
        value = expand(parts)
        line = entry.field_lines[fname]
        where = f"entry {entry.key}, field {fname}"
        if fname in URL_FIELDS:
            url = value.strip()
            if "\\" in url:
                as_it_is = TEX_ESCAPE.sub(r"\1", url)
                problems.append(_problem(name, line,
                    f"{where}: {url} has a TeX escape; write the address exactly as it is, {as_it_is} "
                    "(biber turns \\%28 into %5C%28, a dead link, and pybtex keeps the backslash)"
                ))
            elif not SAFE_URL.match(url):
                problems.append(_problem(name, line,
                    f"{where}: {url!r} is not a plain http(s) address; only http:// and https:// are allowed, "
                    "and spaces, quotes, <, >, brackets and parentheses must be percent-encoded "
                    "(( is %28, ) is %29)"
                ))
            continue
        if re.search(r"(?<!\\)%", value):
            problems.append(_problem(name, line, f"{where}: an unescaped % would cut the rest of the field; write \\%"))
        if MARKUP.search(value):
            problems.append(_problem(name, line, f"{where}: contains HTML markup; fields are plain text (use braces and LaTeX accents)"))
        if re.search(r"(?i)\b(?:javascript|vbscript|data)\s*:", value) or "](" in value:
            problems.append(_problem(name, line, f"{where}: contains a link or a script address; put addresses in url, archived or current"))
    if not any(expand(entry.fields.get(f, [])).strip("{} ") for f in SORT_FIELDS):
        problems.append(_problem(name, entry.line,
            f"entry {entry.key} has no author, editor or key, so BibTeX styles cannot sort it; "
            "add author = {{Organisation}} (double braces for an organisation), or key = {Name} if it has none"
        ))
    return problems


def _check_formatting(text: str, name: str, entries: list[Entry]) -> list[Problem]:
    """Parse with pybtex and format every entry in the edition's style, as the build will
    (edition/citations/registry.py: the build's session then reuses this very formatting)."""
    from mkdocs_bibtex.citation import Citation
    from pybtex.style.template import FieldIsMissing

    from edition.citations.registry import registry_of

    try:
        registry = registry_of(text)
    except Exception as error:  # noqa: BLE001 - any pybtex complaint becomes a message
        return [_problem(name, None, f"pybtex cannot read the file: {error}")]
    problems = []
    lines = {entry.key.lower(): entry.line for entry in entries}
    for key, entry in registry.entries.items():
        line = lines.get(key.lower())
        where = f"entry {key}"
        if entry.type not in ENTRY_TYPES:
            problems.append(_problem(name, line, f"{where}: type @{entry.type} cannot be formatted; use one of @{', @'.join(ENTRY_TYPES)}"))
            continue
        try:
            registry.reference_text(Citation(key=key))
        except FieldIsMissing as missing:
            problems.append(_problem(name, line, f"{where}: @{entry.type} needs the field {missing.field_name}"))
        except Exception as error:  # noqa: BLE001
            problems.append(_problem(name, line, f"{where}: cannot be formatted: {error}"))
    return problems


# The entry types pybtex's plain style (and so the edition's style) can format.
ENTRY_TYPES = (
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
    "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
)  # fmt: skip


# The scanner: pybtex's grammar, token for token (pybtex.database.input.bibtex.LowLevelParser),
# so that the check reads exactly what mkdocs-bibtex will read: pybtex skips to every "@"
# (inside "%" lines and inside @comment{…} too: @comment ends at its opening brace), keeps
# "\}" as a brace, and expands @string macros as it reads. The scanner keeps macros as
# references and their sizes as numbers, so a doubling bomb is measured, never built, and
# it knows every line from a table of line starts (no rescans from the file's start).
# tests/test_red_team.py runs both over generated files and asserts they agree.

RUN_ON = re.compile(r"\n\s*[A-Za-z]+\s*=\s*[{\"]")
NAME_CHARS = "A-Za-z" + re.escape("@!$&*+-./:;<>?[\\]^_`|~\x7f")
NAME = re.compile(rf"[{NAME_CHARS}][{NAME_CHARS}0-9]*")
KEY_BRACE = re.compile(r"[^\s,}]+")
KEY_PAREN = re.compile(r"[^\s,]+")
NUMBER = re.compile(r"[0-9]+")
WHITESPACE = re.compile(r"\s+")
QUOTE_SPECIAL = re.compile(r'["{}]')
BRACE_SPECIAL = re.compile(r"[{}]")
MAX_BRACE_DEPTH = 100  # pybtex's own limit
MAX_BIB_BYTES = 1024 * 1024
MAX_ENTRIES = 5_000


@dataclass
class Macro:
    """A @string definition: its parts and the length of its expansion, computed without expanding."""

    name: str
    line: int
    parts: list  # [("text", str) | ("macro", Macro)]
    size: int


def _month_macros() -> dict[str, Macro]:
    from pybtex.database.input.bibtex import month_names

    return {name: Macro(name, 0, [("text", value)], len(value)) for name, value in month_names.items()}


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line(self, pos: int | None = None) -> int:
        return bisect.bisect_right(self.starts, self.pos if pos is None else pos)

    def eat_whitespace(self):
        match = WHITESPACE.match(self.text, self.pos)
        if match:
            self.pos = match.end()

    def token(self, pattern: re.Pattern) -> str | None:
        self.eat_whitespace()
        match = pattern.match(self.text, self.pos)
        if not match:
            return None
        self.pos = match.end()
        return match.group(0)

    def literal(self, chars: str) -> str | None:
        self.eat_whitespace()
        if self.pos < len(self.text) and self.text[self.pos] in chars:
            self.pos += 1
            return self.text[self.pos - 1]
        return None

    def required(self, found, what: str, start: int):
        if found is None:
            if self.pos >= len(self.text):
                raise BibSyntaxError(
                    self.line(start), f"the entry starting here never ends: a closing brace is missing ({what})"
                )
            raise BibSyntaxError(self.line(), f"expected {what}, found {self.text[self.pos]!r}")
        return found

    def string(self, quoted: bool, start: int) -> str:
        """From after an opening brace or quote to its end, as pybtex reads it (no escapes)."""
        begin = self.pos
        depth = 0
        special = QUOTE_SPECIAL if quoted else BRACE_SPECIAL
        while True:
            match = (BRACE_SPECIAL if depth else special).search(self.text, self.pos)
            if not match:
                what = "a quotation mark" if quoted and not depth else "a brace"
                raise BibSyntaxError(self.line(start), f"{what} opened here is never closed")
            self.pos = match.end()
            char = match.group(0)
            if char == "{":
                depth += 1
                if depth > MAX_BRACE_DEPTH:
                    raise BibSyntaxError(self.line(), f"braces nested more than {MAX_BRACE_DEPTH} deep")
            elif char == "}":
                if depth == 0:
                    if quoted:
                        raise BibSyntaxError(self.line(), "a closing brace here has no opening brace")
                    return self.text[begin : self.pos - 1]
                depth -= 1
            elif char == '"' and depth == 0:
                return self.text[begin : self.pos - 1]


def scan_text(text: str) -> tuple[list[Entry], dict[str, Macro], list[tuple[int, str]]]:
    """The scan itself: entries, macros, and problems pybtex would accept (a missing comma, a run-on value)."""
    scanner = _Scanner(text)
    entries: list[Entry] = []
    macros = _month_macros()
    style: list[tuple[int, str]] = []
    expanded = 0  # every field's expansion together: one @string used in many entries multiplies
    keys: dict[str, Entry] = {}
    while True:
        at = text.find("@", scanner.pos)
        if at == -1:
            return entries, macros, style
        scanner.pos = at + 1
        start = at
        command = scanner.token(NAME)
        if command is None:
            raise BibSyntaxError(
                scanner.line(at),
                "an @ that starts no entry: BibTeX reads every @ as the start of one "
                "(in a comment too; write 'at' or leave it out)",
            )
        opener = scanner.literal("{(")
        if opener is None:
            raise BibSyntaxError(
                scanner.line(at),
                f"@{command[:30]} starts no entry: BibTeX reads every @ as the start of one "
                "(in a comment too; write 'at' or leave it out)",
            )
        close = "}" if opener == "{" else ")"
        kind = command.lower()
        if kind == "comment":
            continue  # pybtex reads on from the opening brace: entries inside are entries
        if kind in ("string", "preamble"):
            name = None
            if kind == "string":
                name = scanner.required(scanner.token(NAME), "a @string name", start).lower()
                scanner.required(scanner.literal("="), "= after the @string name", start)
            line = scanner.line(start)
            parts, size = _value(scanner, macros, start, f"@string {name}" if name else "@preamble")
            scanner.required(scanner.literal(close), close, start)
            if name:
                if size > MAX_FIELD_CHARS:
                    raise BibSyntaxError(
                        line,
                        f"@string {name} would expand to {size:,} characters (more than {MAX_FIELD_CHARS:,}); "
                        "write the text out instead",
                    )
                macros[name] = Macro(name, line, parts, size)
            continue
        if len(entries) >= MAX_ENTRIES:
            raise BibSyntaxError(scanner.line(start), f"more than {MAX_ENTRIES:,} entries")
        key_line = scanner.line(start)
        runs_on: list[int] = []  # lines of values that swallowed the next field: the likely cause of an error
        try:
            key = scanner.required(scanner.token(KEY_BRACE if close == "}" else KEY_PAREN), "a citation key", start)
            entry = Entry(type=kind, key=key, line=key_line)
            scanner.eat_whitespace()
            no_comma = scanner.text[scanner.pos : scanner.pos + 1] not in (",", close)
            if no_comma:
                style.append((key_line, f"entry {key}: expected a comma after the key"))
            while True:
                field_start = scanner.pos
                fname = scanner.token(NAME)
                if fname is not None:
                    if fname.startswith("@"):
                        raise BibSyntaxError(
                            key_line, f"entry {key} is not closed: a {close} is missing before line {scanner.line(field_start)}"
                        )
                    fline = scanner.line()
                    if no_comma and not entry.fields and scanner.literal("=") is None:
                        raise BibSyntaxError(key_line, f"expected a comma after the key {key} (a key has no spaces)")
                    elif no_comma and not entry.fields:
                        pass
                    else:
                        scanner.required(scanner.literal("="), f"= after the field name {fname} in entry {key}", start)
                    parts, size = _value(scanner, macros, start, f"entry {key}, field {fname.lower()}")
                    lower = fname.lower()
                    if lower in entry.fields:
                        raise BibSyntaxError(fline, f"entry {key} has the field {lower} twice")
                    if size > MAX_FIELD_CHARS:
                        raise BibSyntaxError(
                            fline,
                            f"entry {key}, field {lower} would expand to {size:,} characters (more than {MAX_FIELD_CHARS:,})",
                        )
                    expanded += size
                    if expanded > MAX_EXPANDED_CHARS:
                        raise BibSyntaxError(
                            fline,
                            f"the fields expand to more than {MAX_EXPANDED_CHARS:,} characters together (a @string "
                            "used in many entries?); write the text out, or is it the file you meant?",
                        )
                    entry.fields[lower] = parts
                    entry.field_lines[lower] = fline
                    for kind_, part in parts:
                        if kind_ == "text" and (RUN_ON.search(part) or "\n@" in part):
                            runs_on.append(fline)
                            style.append((fline, "this value runs on into the next field: a closing brace is missing here"))
                if scanner.literal(",") is None:
                    break
            if scanner.literal(close) is None:
                scanner.eat_whitespace()
                if scanner.pos >= len(text):
                    raise BibSyntaxError(key_line, f"entry {key} is not closed: a {close} is missing")
                raise BibSyntaxError(
                    scanner.line(), f"expected a comma or the closing {close} of entry {key}, found {text[scanner.pos]!r}"
                )
        except BibSyntaxError:
            if runs_on:
                raise BibSyntaxError(
                    runs_on[0], "this value runs on into the next field: a closing brace is missing here"
                ) from None
            raise
        first = keys.get(key.lower())
        if first is not None:
            same = "the same key" if first.key == key else f"the key {first.key} (keys differ only in case)"
            raise BibSyntaxError(key_line, f"duplicate key {key}: line {first.line} already has {same}")
        keys[key.lower()] = entry
        entries.append(entry)


def _value(scanner: _Scanner, macros: dict[str, Macro], start: int, what: str) -> tuple[list, int]:
    """One value: parts joined with #, each text, number or macro (defined before, as pybtex needs)."""
    parts: list = []
    size = 0
    while True:
        scanner.eat_whitespace()
        part_start = scanner.pos
        char = scanner.text[scanner.pos : scanner.pos + 1]
        if char in ("{", '"'):
            scanner.pos += 1
            text = scanner.string(char == '"', part_start)
            parts.append(("text", text))
            size += len(text)
        elif char and char.isdigit():
            number = scanner.token(NUMBER)
            parts.append(("text", number))
            size += len(number)
        else:
            name = scanner.token(NAME)
            if name is None:
                scanner.required(None, f"a value for {what}", start)
            macro = macros.get(name.lower())
            if macro is None:
                raise BibSyntaxError(scanner.line(part_start), f"{what} uses {name}, which no @string before it defines")
            parts.append(("macro", macro))
            size += macro.size
        if scanner.literal("#") is None:
            return parts, size


def expand(parts: list) -> str:
    """A value with its macros expanded (each at most MAX_FIELD_CHARS, checked while scanning)."""
    return "".join(value if kind == "text" else expand(value.parts) for kind, value in parts)


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
