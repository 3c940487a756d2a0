"""The source guard: every file a pull request can change, read once and checked before anything is built.

A contributor's files reach parsers that answer bad input badly: MkDocs reads a
page with a non-UTF-8 byte by raising a traceback and publishes front matter
that YAML refuses as body text; pymdownx.snippets includes any file under its
base path (and ends in a traceback on a name with a `:`); Python-Markdown takes
minutes on a few hundred KB of unclosed brackets; pybtex expands a `@string`
bomb; Pillow decodes an image of a billion pixels. So before the generator
starts (`python -m edition check`, and the MkDocs plugin's `on_config`), this
guard reads, through the repository's one reader (edition/files.py: allowlisted
kinds, no symbolic links, regular files inside the repository, bounded, UTF-8):

- every entry under docs/: pages (.md) and the files published as they are
  (images and the stylesheet named in mkdocs.yml), their contents checked:
  images are what their names say and at most MAX_IMAGE_PIXELS, SVG and CSS
  are read as a browser reads them (edition/guard/content.py);
- every page: its front matter against its schema (edition/front_matter.py,
  cut where MkDocs cuts it), what makes Python-Markdown slow (`LIMITS`, one
  linear pass), its includes (only whole files of includes/ or CONTRIBUTING.md,
  on a line of their own), and its size once they are composed;
- every include, and the files appended to every page (abbreviations only);
- references.bib (edition/guard/bibliography.py), CITATION.cff
  (edition/metadata/citation_file.py), data/figures.yml (edition/pages/charts.py)
  and the print styles of print/;

and stops the build in every mode with every problem, each naming the file,
the line and this guard. What it read is what the build uses (`Sources`):
nothing reads these files a second time.

Tests: tests/test_red_team.py (families "files", "front matter", "includes",
"bibliography", "CITATION.cff", "bounds"), tests/test_sources.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from edition import files, front_matter
from edition.errors import SOURCE_GUARD, Problem, Refusal, Refusals, raise_all
from edition.front_matter import SourceError
from edition.project import Project

# Measured with scripts/hostile_bench.py (`make bench`, "hostile input"): at these limits
# the worst input we know of keeps Python-Markdown busy for about a second per file.
LIMITS = {
    "total_bytes": 256 * 1024,  # all pages and includes together; today about 50 KiB
    "composed_bytes": 96 * 1024,  # a page with its includes; today's largest (the guide) is about 20 KiB
    "line_chars": 2_000,  # one sentence per line; today's longest is under 500
    "word_chars": 300,  # a run without a space: the PDF's line breaking slows on long words; today's longest is 120
    "block_chars": 4_000,  # a paragraph (between blank lines); today's longest is under 1,800
    "brackets_per_block": 32,  # [ in a paragraph: each one makes Markdown look ahead for its ]
    "tags_per_file": 64,  # < before a letter, / or !: each one makes Markdown's HTML reader look ahead
    "quote_depth": 4,  # > > > > nested block quotes
    "indent_columns": 32,  # eight levels of lists or admonitions
    "definitions_per_file": 200,  # *[ABBR]: and [^note]: definitions
    "includes_per_page": 8,
}
MAX_IMAGE_PIXELS = 12_000_000  # a 4000 x 3000 photograph; the PDF decodes every image it shows
INCLUDES_DIR = "includes"
CONTRIBUTING = "CONTRIBUTING.md"
DATA_FILE = "data/figures.yml"
PRINT_DIR = "print"
BIBLIOGRAPHY = "references.bib"
TAG_START = re.compile(r"<[A-Za-z/!?]")
DEFINITION = re.compile(r"^ {0,3}(?:\*\[[^\]\n]*\]:|\[\^[^\]\n]*\]:)", re.MULTILINE)
QUOTE = re.compile(r"^ {0,3}((?:> ?)+)", re.MULTILINE)
LONG_WORD = re.compile(r"\S{%d,}" % (LIMITS["word_chars"] + 1))
# An include as the edition composes it: a whole file, on a line of its own.
INCLUDE = re.compile(r'^(?P<indent>[ ]*)--8<--[ ]+"(?P<name>[^"]+)"[ ]*$')
ABBREVIATION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:[ \t]*(?P<meaning>\S.*)$")


@dataclass(frozen=True)
class PageSource:
    """A page as the guard read and checked it."""

    src_uri: str  # "essay/14-opsc.md"
    text: str  # the whole file
    meta: dict  # the validated front matter
    body: str  # what the generator renders (front matter cut as MkDocs cuts it)
    body_line: int  # the line of the body's first character in the file
    includes: tuple[str, ...] = ()  # the files it includes, from the repository's root

    @property
    def path(self) -> str:
        return f"docs/{self.src_uri}"

    @property
    def kind(self) -> str:
        """section (an essay section), essay (the whole essay), or the editors' own page."""
        if front_matter.kind_of(self.src_uri) is front_matter.Section:
            return "section"
        if self.meta.get("compose") == "essay":
            return "essay"
        return "editors"


@dataclass
class Sources:
    """Every source the build reads, checked: the build reads these, never the files again."""

    project: Project
    pages: dict[str, PageSource] = field(default_factory=dict)  # in reading order
    includes: dict[str, str] = field(default_factory=dict)  # path from the root -> text
    bibliography: str = ""
    citation_file: object = None  # edition.metadata.citation_file.CitationFile
    figures: dict = field(default_factory=dict)
    assets: list[str] = field(default_factory=list)  # files published from docs/, from the root
    read: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (mtime_ns, size): what was read

    def abbreviations(self) -> list[tuple[str, str]]:
        """(term, meaning) of every file appended to every page, in their order."""
        terms = []
        for name in auto_appended(self.project):
            for line in self.includes.get(f"{INCLUDES_DIR}/{name}", "").splitlines():
                match = ABBREVIATION.match(line)
                if match:
                    terms.append((match["term"], match["meaning"].strip()))
        return terms


def check(project: Project) -> Sources:
    """Read and check every source; Refusals naming each problem, or the checked sources."""
    sources = Sources(project)
    problems: list[Problem] = []
    root = project.root

    def attempt(read, *args):
        try:
            return read(*args)
        except Refusal as refusal:
            problems.append(refusal.problem)
        except Refusals as refusals:
            problems.extend(refusals.problems)
        except SourceError as error:
            problems.append(Problem(args[-1] if isinstance(args[-1], str) else "?", error.line, error.message, SOURCE_GUARD))
        return None

    def note(relative: str) -> None:
        info = (root / relative).stat()
        sources.read[relative] = (info.st_mtime_ns, info.st_size)

    # Includes first: pages are checked against them.
    for relative in include_files(root):
        text = attempt(files.read_text, root, relative, "include")
        if text is None:
            continue
        note(relative)
        sources.includes[relative] = text
        for problem in check_markdown(text, relative):
            problems.append(problem)
        for line, name in snippets(text):
            problems.append(Problem(relative, line, f"an include may not include another file ({name!r}); only pages include", SOURCE_GUARD))
    for name in auto_appended(project):
        problems += check_appended(sources.includes, name)

    # docs/: pages and published files.
    total = sum(len(text) for text in sources.includes.values())
    sections: dict[str, tuple[int, int]] = {}
    stylesheets = {str(path) for path in project.config.get("extra_css") or []}
    for relative in files.listing(root, project.docs_dir):
        src_uri = relative.removeprefix(project.docs_dir + "/")
        if relative.endswith(".md"):
            text = attempt(files.read_text, root, relative, "page")
            if text is None:
                continue
            note(relative)
            total += len(text)
            page = attempt(check_page, text, src_uri, sources)
            if page is not None:
                sources.pages[src_uri] = page
                if page.kind == "section":
                    sections[src_uri] = (page.meta["section"], front_matter.section_line(text))
        elif not relative.lower().endswith(files.KINDS["asset"].suffixes):
            problems.append(Problem(relative, None, check_asset(src_uri, b"", stylesheets), SOURCE_GUARD))
        else:
            data = attempt(files.read_bytes, root, relative, "asset")
            if data is None:
                continue
            note(relative)
            problem = check_asset(src_uri, data, stylesheets)
            if problem:
                problems.append(Problem(relative, None, problem, SOURCE_GUARD))
            else:
                sources.assets.append(relative)
    problems += [Problem(*p, SOURCE_GUARD) for p in front_matter.check_sections(sections)]
    in_nav = {entry.src_uri for entry in project.nav}
    for src_uri in sources.pages:
        if project.nav and src_uri not in in_nav:
            problems.append(Problem("mkdocs.yml", None, f"docs/{src_uri} is not in the navigation: add it under nav: in "
                                    "mkdocs.yml, where readers should find it (CONTRIBUTING.md, \"Add a page\")", SOURCE_GUARD))
    problems += duplicate_bodies(sources.pages)
    order = project.page_sources()
    sources.pages = {uri: sources.pages[uri] for uri in order if uri in sources.pages}
    if not problems and total > LIMITS["total_bytes"]:
        problems.append(
            Problem(project.docs_dir + "/", None, f"the pages and includes hold {total:,} characters together, more than "
                    f"{LIMITS['total_bytes']:,}; is a file much longer than it should be?", SOURCE_GUARD)
        )

    # The other sources.
    from edition.guard import bibliography
    from edition.metadata import citation_file
    from edition.pages import charts

    bib = attempt(files.read_text, root, BIBLIOGRAPHY, "bibliography")
    if bib is not None:
        note(BIBLIOGRAPHY)
        found = bibliography.check_text(bib, BIBLIOGRAPHY)
        problems += found
        if not found:
            sources.bibliography = bib
    cff = attempt(citation_file.read, root)
    if cff is not None:
        note(citation_file.NAME)
        sources.citation_file = cff
    figures = attempt(charts.read, root)
    if figures is not None:
        note(DATA_FILE)
        sources.figures = figures
    for relative in files.listing(root, PRINT_DIR):
        if attempt(files.read_text, root, relative, "print") is not None:
            note(relative)
    raise_all(problems, "the sources have problems; the site was not built")
    return sources


# Pages


def check_page(text: str, src_uri: str, sources: Sources) -> PageSource:
    shown = f"docs/{src_uri}"
    try:
        meta = front_matter.check(text, src_uri)
        cut = front_matter.split(text)
    except SourceError as error:
        raise Refusal(shown, error.line, error.message, SOURCE_GUARD) from None
    problems = check_markdown(text, shown, start=len(text) - len(cut.body))
    includes = []
    composed = len(text)
    lines = text.split("\n")
    for line, name in snippets(text):
        include = INCLUDE.match(lines[line - 1])
        path = name if name == CONTRIBUTING else f"{INCLUDES_DIR}/{name}"
        if not include or include["name"] != name:
            problems.append(Problem(shown, line, f"the snippet {name!r} is included in a form the edition does not compose: "
                                    f'write the whole file on a line of its own, --8<-- "{name.split(":")[0]}"', SOURCE_GUARD))
        elif path not in sources.includes:
            problems.append(Problem(shown, line, f"the snippet {name!r} is not an include: snippets come only from "
                                    "includes/ (by their name there) or CONTRIBUTING.md, and the file must exist", SOURCE_GUARD))
        else:
            includes.append(path)
            composed += len(sources.includes[path])
    for number, line in enumerate(lines, 1):
        definition = abbreviation_pattern().match(line)
        if definition and "[@" in line[definition.end(1):]:
            problems.append(Problem(shown, number, "a citation in an abbreviation's meaning is not rendered (it becomes "
                                    "a tooltip); cite in the page's text", SOURCE_GUARD))
    if len(includes) > LIMITS["includes_per_page"]:
        problems.append(Problem(shown, None, f"includes more than {LIMITS['includes_per_page']} files", SOURCE_GUARD))
    if composed > LIMITS["composed_bytes"]:
        problems.append(Problem(shown, None, f"with its includes the page holds {composed:,} characters, more than "
                                f"{LIMITS['composed_bytes']:,}; is an include repeated?", SOURCE_GUARD))
    raise_all(problems)
    return PageSource(src_uri, text, meta, cut.body, cut.body_line, tuple(includes))


def duplicate_bodies(pages: dict[str, PageSource]) -> list[Problem]:
    """Two pages with the same text: the Markdown extension tells pages apart by their text."""
    seen: dict[str, str] = {}
    problems = []
    for uri, page in pages.items():
        body = page.body.strip()
        if body in seen and ("[@" in body or "<!--" in body):
            problems.append(Problem(page.path, page.body_line, f"has the same text as docs/{seen[body]}; "
                                    "give each page its own words", SOURCE_GUARD))
        seen.setdefault(body, uri)
    return problems


def check_markdown(text: str, shown: str, start: int = 0) -> list[Problem]:
    """What makes Python-Markdown (or the PDF's line breaking) slow or deep, in one linear pass (see LIMITS)."""
    try:
        _check_markdown(text, start)
    except SourceError as error:
        return [Problem(shown, error.line, error.message, SOURCE_GUARD)]
    return []


def _check_markdown(text: str, start: int = 0) -> None:
    body = text[start:]
    line_no = text.count("\n", 0, start) + 1
    tags = 0
    block_start = line_no
    block_chars = block_brackets = 0
    for line in body.split("\n"):
        if len(line) > LIMITS["line_chars"]:
            raise SourceError(line_no, f"the line is longer than {LIMITS['line_chars']:,} characters (one sentence a line)")
        if line.strip():
            block_chars += len(line) + 1
            block_brackets += line.count("[")
            if block_chars > LIMITS["block_chars"]:
                raise SourceError(block_start, f"the paragraph starting here is longer than {LIMITS['block_chars']:,} characters")
            if block_brackets > LIMITS["brackets_per_block"]:
                raise SourceError(block_start, f"the paragraph starting here has more than {LIMITS['brackets_per_block']} [ brackets")
            tags += len(TAG_START.findall(line))
            if tags > LIMITS["tags_per_file"]:
                raise SourceError(line_no, f"more than {LIMITS['tags_per_file']} < before a letter in one file")
            expanded = line.expandtabs(4)
            if len(expanded) - len(expanded.lstrip(" ")) > LIMITS["indent_columns"]:
                raise SourceError(line_no, f"indented more than {LIMITS['indent_columns']} columns (nested too deep)")
            quote = QUOTE.match(line)
            if quote and quote.group(1).count(">") > LIMITS["quote_depth"]:
                raise SourceError(line_no, f"block quotes nested more than {LIMITS['quote_depth']} deep")
            if LONG_WORD.search(line):
                raise SourceError(line_no, f"a word longer than {LIMITS['word_chars']} characters (no space in it): "
                                  "is it an address? Link it with words: [words](address)")
        else:
            block_start = line_no + 1
            block_chars = block_brackets = 0
        line_no += 1
    if len(DEFINITION.findall(body)) > LIMITS["definitions_per_file"]:
        raise SourceError(None, f"more than {LIMITS['definitions_per_file']} abbreviation or note definitions")


# Includes


def include_files(root: Path) -> list[str]:
    found = [CONTRIBUTING] if (root / CONTRIBUTING).exists() or (root / CONTRIBUTING).is_symlink() else []
    return found + files.listing(root, INCLUDES_DIR)


def auto_appended(project: Project) -> list[str]:
    """The files pymdownx.snippets appends to every page (names in includes/)."""
    _, configs = project.markdown_extensions()
    return list(configs.get("pymdownx.snippets", {}).get("auto_append") or [])


def check_appended(includes: dict[str, str], name: str) -> list[Problem]:
    """A file appended to every page holds abbreviation definitions only (no citations, no text)."""
    path = f"{INCLUDES_DIR}/{name}"
    if path not in includes:
        return [Problem("mkdocs.yml", None, f"pymdownx.snippets auto_append '{name}' is not a file in includes/", SOURCE_GUARD)]
    problems = []
    for number, line in enumerate(includes[path].split("\n"), 1):
        if line.strip() and not ABBREVIATION.match(line):
            problems.append(Problem(path, number, "a file appended to every page holds abbreviations only, one a line: "
                                    "*[TERM]: what it stands for", SOURCE_GUARD))
        elif "[@" in line:
            problems.append(Problem(path, number, "a citation in an abbreviation's definition is not rendered; "
                                    "cite in the page itself", SOURCE_GUARD))
    return problems


def abbreviation_pattern():
    """Python-Markdown's own pattern for an abbreviation's definition (tests/test_upstream.py names it)."""
    from markdown.extensions.abbr import AbbrBlockprocessor

    return AbbrBlockprocessor.RE


def _snippet_pattern():
    """pymdownx.snippets' own pattern for a snippet line (tests/test_upstream.py names this internal)."""
    from pymdownx.snippets import SnippetPreprocessor

    return SnippetPreprocessor.RE_ALL_SNIPPETS


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


# Files published from docs/

IMAGE_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".webp": (b"RIFF",)}


def check_asset(src_uri: str, data: bytes, stylesheets: set[str]) -> str | None:
    """What is wrong with a file published from docs/ as it is, or None."""
    from edition.guard import content

    ext = Path(src_uri).suffix.lower()
    if ext not in files.KINDS["asset"].suffixes:
        return ("the edition publishes from docs/ only pages (.md), images (.svg, .png, .jpg, .webp) and the "
                "stylesheet named in mkdocs.yml (extra_css); data belongs in data/, includes in includes/")
    if ext in IMAGE_MAGIC:
        if not data.startswith(IMAGE_MAGIC[ext]) or (ext == ".webp" and data[8:12] != b"WEBP"):
            return f"is not a {ext[1:].upper()} image, whatever its name says"
        return image_size_problem(data)
    try:
        text = files.decode(data, src_uri)
    except Refusal as refusal:
        return refusal.problem.message
    if ext == ".css":
        if src_uri not in stylesheets:
            return "a stylesheet that mkdocs.yml does not name (extra_css); the edition has one, edition.css"
        problems = content.check_css(text)
    else:
        problems = [p.text for p in content.check_svg(text)]
    return "; ".join(problems) if problems else None


def image_size_problem(data: bytes) -> str | None:
    """An image larger than MAX_IMAGE_PIXELS, read from its header alone (never decoded here)."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return "cannot be read as an image"
    if width * height > MAX_IMAGE_PIXELS:
        return f"is {width} x {height} pixels, more than {MAX_IMAGE_PIXELS:,}: make it smaller before committing it"
    return None
