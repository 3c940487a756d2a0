"""Read every page and include once, bounded, before YAML and Python-Markdown see it.

A contributor's Markdown reaches three parsers that answer bad input badly:
MkDocs reads a page with a non-UTF-8 byte by raising a traceback, drops front
matter that YAML refuses and publishes it as body text, and reads lines
without `---` as MultiMarkdown metadata; pymdownx.snippets includes any file
under its base path (`.git/config` with base_path "."); Python-Markdown takes
minutes on a few hundred KB of unclosed brackets or start tags. This hook runs
first (on_files) and, for every page and every include file:

- reads the bytes with a size limit and decodes them as UTF-8, naming the
  line of a bad byte;
- checks the front matter against its schema (edition/front_matter.py) and
  that no two essay pages claim one section number;
- bounds what makes Python-Markdown slow (see LIMITS), in one linear pass;
- allows snippets only from includes/ and CONTRIBUTING.md, naming page and
  line of any other.

Then MkDocs is handed exactly the text that was checked (on_page_read_source),
and the metadata MkDocs parsed from it must equal what the schema validated
(on_page_markdown). Every failure stops the build in every mode with one
message naming the file and line. Tests: tests/test_red_team.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel

from edition import front_matter
from edition.front_matter import SourceError

# Measured with scripts/bench.py (`make bench`, "hostile input"): at these limits
# the worst input we know of keeps Python-Markdown busy for about a second per file.
LIMITS = {
    "file_bytes": 64 * 1024,  # a file; today's longest is under 8 KiB
    "total_bytes": 256 * 1024,  # all pages and includes together; today about 50 KiB
    "line_chars": 2_000,  # one sentence per line; today's longest is under 500
    "block_chars": 4_000,  # a paragraph (between blank lines); today's longest is under 1,800
    "brackets_per_block": 32,  # [ in a paragraph: each one makes Markdown look ahead for its ]
    "tags_per_file": 64,  # < before a letter, / or !: each one makes Markdown's HTML reader look ahead
    "quote_depth": 4,  # > > > > nested block quotes
    "indent_columns": 32,  # eight levels of lists or admonitions
    "definitions_per_file": 200,  # *[ABBR]: and [^note]: definitions
}
INCLUDES_DIR = "includes"
CONTRIBUTING = "CONTRIBUTING.md"
TAG_START = re.compile(r"<[A-Za-z/!?]")
DEFINITION = re.compile(r"^ {0,3}(?:\*\[[^\]\n]*\]:|\[\^[^\]\n]*\]:)", re.MULTILINE)
QUOTE = re.compile(r"^ {0,3}((?:> ?)+)", re.MULTILINE)

_texts: dict[str, str] = {}  # src_uri -> the checked text
_metas: dict[str, dict] = {}  # src_uri -> the validated front matter
if __name__ != "edition.source_guard":
    # MkDocs loads this file as a hook under another module name; content_guard reads
    # the checked texts from the package module: share its objects.
    from edition.source_guard import _metas, _texts  # noqa: F811


@event_priority(300)
def on_config(config):
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    for name in snippets.get("auto_append", []):
        if not allowed_include(name, _root(config)):
            raise PluginError(f"mkdocs.yml: pymdownx.snippets auto_append '{name}' is not a file in includes/")
    return config


@event_priority(300)
def on_files(files, config):
    _texts.clear()
    _metas.clear()
    root = _root(config)
    problems: list[str] = []
    sections: dict[str, tuple[int, int]] = {}
    total = 0
    pages = files.documentation_pages(inclusion=lambda level: level is not InclusionLevel.EXCLUDED)
    sources = [(f"docs/{page.src_uri}", page.abs_src_path, page.src_uri) for page in pages]
    sources += [(name, str(root / name), None) for name in _include_files(root)]
    for shown, path, src_uri in sources:
        try:
            text = read(path, shown)
            total += len(text)
            body_start = 0
            if src_uri is not None:
                meta = front_matter.check(text, src_uri)
                _metas[src_uri] = meta
                if front_matter.kind_of(src_uri) is front_matter.Section:
                    sections[src_uri] = (meta["section"], front_matter.section_line(text))
                body_start = front_matter.YAML_RE.match(text).end()
            check_markdown(text, body_start)
            check_snippets(text, root)
        except SourceError as error:
            problems.append(f"{shown}:{error.line}: {error.message}" if error.line else f"{shown}: {error.message}")
            continue
        if src_uri is not None:
            _texts[src_uri] = text
    problems += front_matter.check_sections(sections)
    if not problems and total > LIMITS["total_bytes"]:
        problems.append(
            f"docs/: the pages and includes hold {total:,} characters together, more than "
            f"{LIMITS['total_bytes']:,}; is a file much longer than it should be?"
        )
    if problems:
        _fail(problems)
    return files


def on_page_read_source(page, config):
    """MkDocs reads exactly the text that was checked, never the file a second time."""
    text = _texts.get(page.file.src_uri)
    if text is None:
        raise PluginError(f"docs/{page.file.src_uri}: the page was not checked before it was read")
    return text


@event_priority(300)
def on_page_markdown(markdown, page, config, files):
    """The metadata MkDocs parsed is the front matter the schema checked, key for key."""
    expected = _metas.get(page.file.src_uri)
    if expected is not None and dict(page.meta) != expected:
        raise PluginError(
            f"docs/{page.file.src_uri}:1: MkDocs read the front matter differently from the schema check; "
            "write it as plain YAML between two lines ---"
        )
    return markdown


# Helpers


def _fail(problems: list[str]):
    shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
    head = "the sources have problems; the site was not built:"
    raise PluginError("\n".join([head, *("  " + p for p in shown)]) if len(shown) > 1 else shown[0])


def _root(config) -> Path:
    return Path(os.path.dirname(config.config_file_path or ".")).resolve()


def _include_files(root: Path) -> list[str]:
    folder = root / INCLUDES_DIR
    found = [CONTRIBUTING] if (root / CONTRIBUTING).is_file() else []
    if folder.is_dir():
        found += sorted(p.relative_to(root).as_posix() for p in folder.rglob("*") if p.is_file())
    return found


def read(path: str, shown: str) -> str:
    """The file as text: at most LIMITS["file_bytes"], UTF-8, no control characters."""
    limit = LIMITS["file_bytes"]
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise SourceError(None, f"cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise SourceError(None, f"is larger than {limit // 1024} KiB; split it, or is it the file you meant?")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            line, f"byte 0x{data[error.start]:02x} is not UTF-8: save the file as UTF-8 (the edition's only encoding)"
        ) from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        raise SourceError(line, "has Windows (CR LF) or old Mac (CR) line endings: save it with LF line endings")
    at = invisible(text)
    if at is not None:
        line = text.count("\n", 0, at) + 1
        raise SourceError(line, f"contains an invisible control character, U+{ord(text[at]):04X}; delete it")
    return text


# What a visible text may hold, by Unicode category: letters, marks, numbers, punctuation,
# symbols and spaces, with tabs and line feeds. Control and format characters (zero-width,
# direction marks, \x02 that the citation pipeline uses to hide text), line and paragraph
# separators, private-use and unassigned code points are none of these.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}


def invisible(text: str) -> int | None:
    """The index of the first character a reader cannot see, or None (tab and line feed are fine)."""
    import unicodedata

    for index, char in enumerate(text):
        if char in "\t\n" or char.isascii() and char.isprintable():
            continue
        if unicodedata.category(char) in INVISIBLE_CATEGORIES:
            return index
    return None


def check_markdown(text: str, start: int = 0) -> None:
    """What makes Python-Markdown slow or deep, bounded in one linear pass (see LIMITS)."""
    body = text[start:]
    first = text.count("\n", 0, start) + 1
    tags = 0
    line_no = first
    block_start = first
    block_chars = 0
    block_brackets = 0
    for line in body.split("\n"):
        if len(line) > LIMITS["line_chars"]:
            raise SourceError(line_no, f"the line is longer than {LIMITS['line_chars']:,} characters (one sentence a line)")
        if line.strip():
            block_chars += len(line) + 1
            block_brackets += line.count("[")
            if block_chars > LIMITS["block_chars"]:
                raise SourceError(
                    block_start, f"the paragraph starting here is longer than {LIMITS['block_chars']:,} characters"
                )
            if block_brackets > LIMITS["brackets_per_block"]:
                raise SourceError(
                    block_start,
                    f"the paragraph starting here has more than {LIMITS['brackets_per_block']} [ brackets",
                )
            tags += len(TAG_START.findall(line))
            if tags > LIMITS["tags_per_file"]:
                raise SourceError(line_no, f"more than {LIMITS['tags_per_file']} < before a letter in one file")
            indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
            if indent > LIMITS["indent_columns"]:
                raise SourceError(line_no, f"indented more than {LIMITS['indent_columns']} columns (nested too deep)")
            quote = QUOTE.match(line)
            if quote and quote.group(1).count(">") > LIMITS["quote_depth"]:
                raise SourceError(line_no, f"block quotes nested more than {LIMITS['quote_depth']} deep")
        else:
            block_start = line_no + 1
            block_chars = block_brackets = 0
        line_no += 1
    definitions = DEFINITION.findall(body)
    if len(definitions) > LIMITS["definitions_per_file"]:
        raise SourceError(None, f"more than {LIMITS['definitions_per_file']} abbreviation or note definitions")


def _snippet_pattern():
    """pymdownx.snippets' own pattern for a snippet line (a test names this internal)."""
    from pymdownx.snippets import SnippetPreprocessor

    return SnippetPreprocessor.RE_ALL_SNIPPETS


def check_snippets(text: str, root: Path) -> None:
    """Every `--8<--` names a file in includes/ or CONTRIBUTING.md (code samples too: snippets run first)."""
    for number, name in snippets(text):
        _check_include(name, root, number)


def snippets(text: str):
    """(line, name) for every file pymdownx.snippets would include, in any of its forms
    (a line `--8<-- "name"`, quotes of either kind, the block form between two `--8<--` lines),
    read with pymdownx.snippets' own pattern; escaped snippets (`;--8<--`) are text."""
    if "8<-" not in text:
        return
    pattern = _snippet_pattern()
    block = False
    for number, line in enumerate(text.split("\n"), 1):
        match = pattern.match(line)
        if match:
            if match.group("escape"):
                continue
            if match.group("inline_marker"):
                if not block:
                    yield number, match.group("snippet")[1:-1].strip()
                continue
            block = not block
            continue
        if block:
            name = line.strip()
            if name and not name.startswith(";"):
                yield number, name


def _check_include(name: str, root: Path, line: int) -> None:
    if not allowed_include(name, root):
        raise SourceError(
            line,
            f"the snippet {name!r} is not an include: snippets come only from includes/ (by their name there) "
            "or CONTRIBUTING.md, and the file must exist",
        )


def allowed_include(name: str, root: Path) -> bool:
    """Is `name` (with an optional :lines or :section suffix) CONTRIBUTING.md or a file in includes/?"""
    candidates = [name]
    if ":" in name:
        candidates.append(name.split(":", 1)[0])
    for candidate in candidates:
        if candidate == CONTRIBUTING and (root / CONTRIBUTING).is_file():
            return True
        if not candidate or candidate.startswith(("/", "\\")) or ".." in candidate.replace("\\", "/").split("/"):
            continue
        folder = (root / INCLUDES_DIR).resolve()
        path = (folder / candidate).resolve()
        if path.is_file() and folder in path.parents:
            return True
    return False
