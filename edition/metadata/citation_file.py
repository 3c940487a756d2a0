"""CITATION.cff, read once, against a schema: how the essay and the edition are cited.

GitHub's "Cite this repository", cffconvert and Zotero read this file; the
edition reads it for the "Cite this section" box, the pages' JSON-LD and their
Highwire and Dublin Core tags. It is the one reader (the three steps once had
three), and the file is a contributor's like any other: read through the
repository's one reader (edition/files.py), loaded with the bounded YAML reader
(edition/front_matter.py: no aliases, tags or duplicate keys), and checked
against the part of the CFF 1.2 schema the edition uses, with pydantic in strict
mode, as front matter is. The rules follow CFF 1.2: an author is a person
(`family-names`, with `given-names`) or an entity (`name`); the preferred
citation has a title, one or more persons as authors and a year. Anything else
stops the build in every mode with the file, the line and the key; it is never
read with a traceback, nor published half.

Tests: tests/test_red_team.py (family "CITATION.cff"), tests/test_cite_this.py
(cffconvert reads the same file as the pages do).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    model_validator,
)

from edition import files
from edition.errors import SOURCE_GUARD, Problem, Refusal
from edition.front_matter import SourceError, load_yaml, plain_text

NAME = "CITATION.cff"
Text = Annotated[StrictStr, Field(min_length=1, max_length=300), AfterValidator(plain_text)]
LongText = Annotated[StrictStr, Field(min_length=1, max_length=2_000)]
Address = Annotated[StrictStr, Field(pattern=r"^https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~%/-]*)?$", max_length=300)]


class _Strict(BaseModel):
    # CFF has keys the edition does not read (keywords, abstract...): they are allowed, and typed where read.
    model_config = ConfigDict(extra="allow", strict=True, frozen=True)


class Person(_Strict):
    given_names: Text = Field(alias="given-names")
    family_names: Text = Field(alias="family-names")

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.family_names}"

    @property
    def sorted_name(self) -> str:
        return f"{self.family_names}, {self.given_names}"


class Entity(_Strict):
    name: Text
    website: Address | None = None


def _kind(value) -> str:
    """A CFF author is a person or an entity, told apart by its keys as the CFF schema does."""
    return "entity" if isinstance(value, dict) and "name" in value and "family-names" not in value else "person"


Author = Annotated[Annotated[Person, Tag("person")] | Annotated[Entity, Tag("entity")], Discriminator(_kind)]


class PreferredCitation(_Strict):
    type: StrictStr
    title: Text
    authors: Annotated[list[Person], Field(min_length=1, max_length=20)]
    year: Annotated[StrictInt, Field(ge=1900, le=2100)]
    url: Address | None = None
    languages: Annotated[list[Annotated[StrictStr, Field(pattern=r"^[a-z]{2,3}$")]], Field(min_length=1)] | None = None


class CitationFile(_Strict):
    cff_version: Annotated[StrictStr, Field(pattern=r"^1\.2\.\d+$")] = Field(alias="cff-version")
    message: LongText
    title: Text
    authors: Annotated[list[Author], Field(min_length=1, max_length=50)]
    version: Annotated[StrictStr, Field(pattern=r"^\d+\.\d+\.\d+$")]
    date_released: Annotated[StrictStr, Field(pattern=r"^\d{4}-\d\d-\d\d$")] = Field(alias="date-released")
    license: Annotated[list[Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9.+-]+$")]], Field(min_length=1)] | None = None
    url: Address | None = None
    preferred_citation: PreferredCitation = Field(alias="preferred-citation")

    @model_validator(mode="after")
    def _a_real_day(self):
        datetime.date.fromisoformat(self.date_released)
        return self

    @property
    def essay(self) -> PreferredCitation:
        return self.preferred_citation

    @property
    def edition_authors(self) -> str:
        """The edition's contributors: the first entity among the authors ("The editors" if none)."""
        names = [author.name for author in self.authors if isinstance(author, Entity)]
        return names[0] if names else "The editors"

    @property
    def essay_language(self) -> str | None:
        languages = self.preferred_citation.languages
        return languages[0] if languages else None


def read(root: Path) -> CitationFile:
    """CITATION.cff beside mkdocs.yml, checked; a Refusal naming the line and key otherwise."""
    text = files.read_text(root, NAME, "citation_file")
    return parse(text)


def parse(text: str) -> CitationFile:
    try:
        data, lines = load_yaml(text, 1, max_depth=4)
    except SourceError as error:
        raise Refusal(NAME, error.line, error.message, SOURCE_GUARD) from None
    if not isinstance(data, dict):
        raise Refusal(NAME, 1, "CITATION.cff must be keys and values (cff-version: 1.2.0, title: …)", SOURCE_GUARD)
    try:
        return CitationFile.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        loc = [str(part) for part in problem["loc"] if part not in ("person", "entity")]
        key = loc[0] if loc else ""
        where = ".".join(loc)
        if problem["type"] == "missing":
            message = f"key '{where}' is missing (the edition reads it; see the CFF 1.2 rules in CONTRIBUTING.md)"
        else:
            found = problem.get("input")
            shown = f" (found {found!r})" if isinstance(found, (str, int, float, bool)) and len(repr(found)) < 60 else ""
            message = f"key '{where}': {problem['msg'].removeprefix('Value error, ')}{shown}"
        raise Refusal(NAME, lines.get(key, 1), message, SOURCE_GUARD) from None
    except ValueError as error:  # a date that is not a day (2026-02-30)
        raise Refusal(NAME, lines.get("date-released", 1), f"key 'date-released': {error}", SOURCE_GUARD) from None


def problems(root: Path) -> list[Problem]:
    """The file's problems, for the source guard (at most one: the first the schema meets)."""
    try:
        read(root)
    except Refusal as refusal:
        return [refusal.problem]
    return []
