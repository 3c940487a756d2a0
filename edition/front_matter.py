"""The front matter of a page has a schema: an allowlist of keys per kind of page, each typed.

Material writes front-matter values raw into `<title>`, `<meta>` and the
navigation of every page, and reads keys that change what a page is
(`template: redirect.html` sends readers elsewhere; `icon:` names a file to
include). So a page's front matter may hold only the keys the edition reads,
each of the type it expects; anything else stops the build with the file, the
line and the key. The schema is a pydantic model per kind of page, in strict
mode (no coercion: `section: "2"` or `title: 12` is refused, not converted).
pydantic rather than jsonschema: its strict types need no hand-written checks,
its errors name the key, and it does not share jsonschema's version with
cffconvert, which holds some installs to jsonschema 3.

YAML is read by `load_yaml`, which walks PyYAML's event stream before
anything is built, so aliases, anchors, explicit tags (`!!set`, `!!binary`,
`!!python/...`), keys that are not plain words, duplicate keys and deep
nesting are refused in time linear in the text; only then does PyYAML's safe
loader build the value. PyYAML has no option for any of these limits, hence
this walk. The same loader reads `data/figures.yml` (edition/pages/charts.py).

Tests: tests/test_red_team.py (front matter family, hypothesis properties).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

# MkDocs' own pattern (mkdocs.utils.meta.YAML_RE): a test checks that they agree.
YAML_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)
MAX_FRONT_MATTER = 4_096  # characters; today's longest is about 300
KEY = re.compile(r"^[a-z][a-z0-9_-]*$")


class SourceError(Exception):
    """A problem at a line of a source file (1-based); `str()` is the message without the place."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# Plain text: what a title or description may hold. An allowlist of characters:
# letters, marks and digits of any script, spaces, and the punctuation prose needs.
# No < > & " ` { } [ ] * _ \ # | or control characters: nothing that is markup in
# HTML, Markdown or Jinja, wherever Material writes the value.
PUNCTUATION = set(" .,;:!?'’‘“”()-–—/…%§°+=")


def plain_text(value: str) -> str:
    if value != value.strip():
        raise ValueError("has spaces at its start or end")
    for char in value:
        if char in PUNCTUATION or unicodedata.category(char)[0] in "LMN":
            continue
        shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
        raise ValueError(
            f"contains {shown}: plain text only (letters, digits, spaces and . , ; : ! ? ' ’ ‘ “ ” ( ) - – — / … %); "
            "write quotations with “ ”, and 'and' for &"
        )
    return value


Title = Annotated[StrictStr, Field(min_length=1, max_length=120), AfterValidator(plain_text)]
Description = Annotated[StrictStr, Field(min_length=1, max_length=300), AfterValidator(plain_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SearchOptions(_Strict):
    """Material's `search: {exclude: true}`: a page left out of the search index."""

    exclude: StrictBool


class Section(_Strict):
    """An essay section, docs/essay/NN-name.md."""

    title: Title
    description: Description
    section: Annotated[StrictInt, Field(ge=1, le=99)]
    part: Title
    heading: Literal["author", "editors"]


class Home(_Strict):
    """The home page, docs/index.md: it hides the sidebars."""

    title: Title
    description: Description
    hide: list[Literal["navigation", "toc"]] | None = None


class EditorsPage(_Strict):
    """Every other page: the editors' own, some composed by a hook."""

    title: Title
    description: Description
    compose: Literal["essay", "bibliography", "glossary"] | None = None
    search: SearchOptions | None = None


SECTION_FILE = re.compile(r"^essay/(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")


def kind_of(src_uri: str) -> type[_Strict]:
    if src_uri == "index.md":
        return Home
    if src_uri.startswith("essay/"):
        return Section
    return EditorsPage


KIND_NAMES = {Section: "an essay section", Home: "the home page", EditorsPage: "an editors' page"}


@dataclass(frozen=True)
class Split:
    """A page cut where MkDocs cuts it: the front matter's YAML, and the body MkDocs renders."""

    yaml: str
    yaml_line: int  # the line of the YAML's first key (1-based)
    body: str  # what the generator hands to Markdown: the rest, without its leading blank lines
    body_line: int  # the line of the body's first character


def split(text: str) -> Split:
    """The one place a page is cut into front matter and body, with MkDocs' own pattern and rule.

    MkDocs (`mkdocs.utils.meta.get_data`) takes YAML between a line `---` and a
    line `---` or `...`, and renders what follows with its leading blank lines
    removed; every step of the edition cuts a page here, so that none reads a
    `...` closer, or a page without front matter, differently.
    """
    if not text.startswith("---"):
        raise SourceError(1, "the page must begin with front matter (a line ---, title and description, a line ---)")
    match = YAML_RE.match(text[: MAX_FRONT_MATTER + 16])
    if not match:
        if YAML_RE.match(text):
            raise SourceError(1, f"the front matter is longer than {MAX_FRONT_MATTER:,} characters")
        raise SourceError(1, "the front matter is not closed: a line --- is missing after it")
    rest = text[match.end() :]
    body = rest.lstrip("\n")
    body_line = text.count("\n", 0, match.end() + len(rest) - len(body)) + 1
    return Split(match.group(1), 2, body, body_line)


def section_line(text: str) -> int:
    """The line of the `section:` key in a page's front matter."""
    match = re.search(r"^section\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def check(text: str, src_uri: str) -> dict:
    """The page's front matter, validated for its kind of page; SourceError naming line and key."""
    cut = split(text)
    first_line = cut.yaml_line
    data, key_lines = load_yaml(cut.yaml, first_line, max_depth=3)
    if not isinstance(data, dict):
        raise SourceError(first_line, "the front matter must be keys and values (title: …, description: …)")
    model = kind_of(src_uri)
    try:
        model.model_validate(data)
    except ValidationError as error:
        raise _explain(error, model, key_lines, first_line) from None
    if model is Section:
        match = SECTION_FILE.match(src_uri)
        if not match:
            raise SourceError(1, "an essay section's file is named NN-words-in-kebab-case.md (e.g. 16-ecpat.md)")
        if data["section"] != int(match.group(1)):
            raise SourceError(
                key_lines.get("section", first_line),
                f"front matter key 'section': {data['section']} does not match the file name ({match.group(1)})",
            )
    return data


def _explain(error: ValidationError, model, key_lines: dict[str, int], first_line: int) -> SourceError:
    # A key that is not allowed explains a missing one (a misspelt key), so it is named first.
    problems = error.errors()
    if any(p["type"] == "missing" for p in problems):
        problems = sorted(problems, key=lambda p: p["type"] != "extra_forbidden")
    problem = problems[0]
    loc = [str(part) for part in problem["loc"]]
    key = loc[0] if loc else ""
    line = key_lines.get(key, first_line)
    allowed = ", ".join(model.model_fields)
    if problem["type"] == "extra_forbidden":
        import difflib

        missing = [str(p["loc"][0]) for p in problems if p["type"] == "missing" and p["loc"]]
        close = difflib.get_close_matches(key, missing or list(model.model_fields), n=1, cutoff=0.7)
        guess = f"; did you mean '{close[0]}'?" if close else ""
        return SourceError(
            line, f"front matter key '{key}' is not allowed on {KIND_NAMES[model]}{guess} (allowed: {allowed})"
        )
    if problem["type"] == "missing":
        return SourceError(first_line, f"front matter key '{key}' is missing ({KIND_NAMES[model]} needs it)")
    where = ".".join(loc)
    message = problem["msg"].removeprefix("Value error, ")
    shown = problem.get("input")
    if isinstance(shown, (str, int, float, bool)) and not isinstance(shown, str) or (
        isinstance(shown, str) and len(shown) <= 60
    ):
        message += f" (found {shown!r})"
    elif shown is not None and not isinstance(shown, str):
        message += f" (found a {type(shown).__name__})"
    return SourceError(line, f"front matter key '{where}': {message}")


# The loader MkDocs reads front matter with (mkdocs.utils.meta): libyaml's safe loader when
# PyYAML has it, else the pure-Python one. The two read some input differently, and the check
# reads what the build reads (tests/test_upstream.py::test_front_matter_is_read_with_mkdocs_loader).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, first_line: int = 1, max_depth: int = 3, max_events: int = 2_000) -> tuple[object, dict]:
    """Safe YAML with no aliases, anchors, tags or duplicate keys, nested at most `max_depth` deep.

    Returns the value and the line of each top-level key. Raises SourceError with the line.
    """
    key_lines: dict[str, int] = {}
    stack: list[list] = []  # per open collection: [is_mapping, expecting_key, keys seen]
    events = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            events += 1
            line = first_line + event.start_mark.line if event.start_mark else first_line
            if events > max_events:
                raise SourceError(line, f"more than {max_events:,} YAML items")
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise SourceError(line, "YAML anchors and aliases (& and *) are not allowed")
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.tag is not None:
                raise SourceError(line, f"YAML tags ({event.tag}) are not allowed: write plain values")
            parent = stack[-1] if stack else None
            is_key = parent is not None and parent[0] and parent[1]
            if isinstance(event, yaml.CollectionStartEvent):
                if is_key:
                    raise SourceError(line, "a key must be a plain word, not a list or mapping")
                if len(stack) >= max_depth:
                    raise SourceError(line, f"values are nested more than {max_depth} deep")
                if parent is not None and parent[0]:
                    parent[1] = True
                stack.append([isinstance(event, yaml.MappingStartEvent), True, set()])
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
            elif isinstance(event, yaml.ScalarEvent):
                if is_key:
                    if not KEY.match(event.value) or (event.implicit[0] and _resolves_to_other(event.value)):
                        raise SourceError(line, f"the key {event.value[:40]!r} is not a plain lower-case word")
                    if event.value in parent[2]:
                        raise SourceError(line, f"the key '{event.value}' appears twice")
                    parent[2].add(event.value)
                    if len(stack) == 1:
                        key_lines[event.value] = line
                    parent[1] = False
                elif parent is not None and parent[0]:
                    parent[1] = True
        value = yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader, after the walk above
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        text_line = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
        if text_line.count('"') > 2 or (text_line.count("'") > 2 and ": '" in text_line):
            raise SourceError(line, "a value in quotes holds the same quote inside it, which ends it early: "
                              "write quotations in a title or description with “ ”") from None
        raise SourceError(line, f"the YAML cannot be read: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise SourceError(first_line, f"the YAML cannot be read: {error}") from None
    except RecursionError:
        raise SourceError(first_line, "the YAML is nested too deep") from None
    return value, key_lines


def _resolves_to_other(word: str) -> bool:
    """Would YAML read this plain key as something other than a string (yes, on, null, 1)?"""
    return _RESOLVER.resolve(yaml.ScalarNode, word, (True, False)) != "tag:yaml.org,2002:str"


_RESOLVER = yaml.resolver.Resolver()


def check_sections(sections: dict[str, tuple[int, int]]) -> list[tuple[str, int, str]]:
    """Two essay pages may not claim one section number: `Cite this section` would be wrong.

    `sections` maps each essay page to (its section number, the line of its `section:` key).
    """
    seen: dict[int, str] = {}
    problems = []
    for src_uri, (number, line) in sorted(sections.items()):
        if number in seen:
            problems.append(
                (f"docs/{src_uri}", line, f"front matter key 'section': {number} is already the section of docs/{seen[number]}")
            )
        else:
            seen[number] = src_uri
    return problems
