"""The manifest: every citation of every page, found once by Python-Markdown, in reading order.

The note numbers must not depend on which pages a generator renders, or in
which order: `mkdocs serve` renders every page again, a generator with
incremental builds renders only the page that changed, and a note is note 5
wherever it is shown. So before the pages are built, each page is rendered
once by Python-Markdown with the site's own extensions (as `mkdocs.yml` lists
them, includes composed by pymdownx.snippets) and the citation extension in
its collecting mode, which records every citation where Python-Markdown found
it. From that record, in the navigation's order:

- `numbers`: the author's notes numbered 1 to N, each source by its first
  citation in the essay's sections;
- `backlinks`: every place citing each source (a note marker `fnref:ref-KEY`,
  `fnref2:…` for the note's second marker on a page; a short citation
  `cite-KEY-N`), which the list of sources links back to;
- `records`: each page's citations, for its "checked on" dates and its JSON-LD.

Every problem the collecting pass finds (an unknown key, words a bracket would
lose, a citation Markdown does not render) stops the build here, all at once,
with its file and line. The result depends only on the sources.

Tests: tests/test_citations.py (numbers and backlinks as built),
tests/test_citation_grammar.py (the collecting pass on small pages).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from markdown import Markdown

from edition.citations.extension import CitationsExtension, Record
from edition.errors import CITATIONS, Problem, raise_all

EXTENSION = "edition.citations"


@dataclass(frozen=True)
class Backlink:
    src_uri: str
    anchor: str
    label: str


@dataclass
class Manifest:
    records: dict[str, Record] = field(default_factory=dict)  # src_uri -> its citations, in reading order
    numbers: dict[str, int] = field(default_factory=dict)  # key -> the author's note number
    backlinks: dict[str, list[Backlink]] = field(default_factory=dict)
    bibliography_page: str | None = None  # src_uri of the page with `compose: bibliography`

    def cited_keys(self, src_uri: str) -> list[str]:
        """The keys a page cites, in reading order, each once."""
        record = self.records.get(src_uri)
        return list(dict.fromkeys(found.key for found in record.cites)) if record else []


def build(session) -> Manifest:
    """Render every page once, collecting; number the notes; find the backlinks."""
    manifest = Manifest()
    pages = session.sources.pages
    manifest.bibliography_page = next((uri for uri, p in pages.items() if p.meta.get("compose") == "bibliography"), None)
    problems = []
    for page in pages.values():
        record = collect(session, page)
        manifest.records[page.src_uri] = record
        problems += record.problems
    raise_all(problems, "the citations have problems; the site was not built")
    from edition.citations.extension import DATE_MARKER, date_checked, locate

    session.manifest = manifest
    for page in pages.values():
        if manifest.records[page.src_uri].dated:
            _, problem = date_checked(session, page)
            if problem:
                file, line = locate(session, page, DATE_MARKER)
                problems.append(Problem(file, line, problem, CITATIONS))
    raise_all(problems, "the citations have problems; the site was not built")
    for page in pages.values():
        if page.kind != "section":
            continue
        for found in manifest.records[page.src_uri].cites:
            if not found.editorial:
                manifest.numbers.setdefault(found.key, len(manifest.numbers) + 1)
    for page in pages.values():
        if page.kind == "essay":
            continue  # the whole essay repeats the sections: the list of sources links to the sections
        seen: dict[str, int] = {}
        markers: dict[str, int] = {}
        for found in manifest.records[page.src_uri].cites:
            seen[found.key] = seen.get(found.key, 0) + 1
            note = page.kind == "section" and not found.editorial
            if note:
                markers[found.key] = markers.get(found.key, 0) + 1
            manifest.backlinks.setdefault(found.key, []).append(
                backlink(page, found.key, seen[found.key], markers.get(found.key, 0) if note else 0, manifest.numbers)
            )
    return manifest


def collect(session, page) -> Record:
    """One page rendered with the site's extensions, the citation extension collecting."""
    names, configs = markdown_extensions(session)
    for name in names:
        if name.startswith("edition."):
            configs[name] = {**configs.get(name, {}), "collect": True}
    md = Markdown(extensions=names, extension_configs=configs)
    md.convert(page.body)
    extension = next(e for e in md.registeredExtensions if isinstance(e, CitationsExtension))
    return extension.record or Record(page.src_uri)


def markdown_extensions(session) -> tuple[list[str], dict[str, dict]]:
    """The site's Markdown extensions and their options, with paths resolved from the project's root."""
    project = session.project
    names, configs = project.markdown_extensions()
    if EXTENSION not in names:
        names.append(EXTENSION)
    snippets = configs.get("pymdownx.snippets")
    if snippets is not None:
        bases = snippets.get("base_path", ["."])
        bases = [bases] if isinstance(bases, str) else bases
        configs["pymdownx.snippets"] = {**snippets, "base_path": [str(project.root / base) for base in bases]}
    for name in names:
        if name.startswith("edition."):
            configs[name] = {**configs.get(name, {}), "session": session}
    return names, configs


def backlink(page, key: str, occurrence: int, note_occurrence: int, numbers: dict[str, int]) -> Backlink:
    """Where a citation lands: its short citation `cite-KEY-N`, or its note's marker (`fnrefN:ref-KEY`)."""
    section = posixpath.basename(page.src_uri)[:2]
    essay = page.kind == "section"
    name = f"section {int(section)}" if essay and section.isdigit() else str(page.meta.get("title") or page.src_uri)
    if not note_occurrence:
        label = f"{name}, editors' note" if essay else name
        return Backlink(page.src_uri, f"cite-{key}-{occurrence}", label)
    suffix = "" if note_occurrence == 1 else str(note_occurrence)
    return Backlink(page.src_uri, f"fnref{suffix}:ref-{key}", f"{name}, note {numbers[key]}")
