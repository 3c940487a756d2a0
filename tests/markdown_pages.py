"""Pages rendered in-process with the edition's Markdown, as the build renders them, with no project on disk.

The project's own configuration, includes, CITATION.cff and figures; the pages and
references.bib given by the test. The pages are checked by the source guard's page
check, the manifest is built from them (edition/citations/manifest.py), and each is
rendered by Python-Markdown with the site's extensions: what a generator would render.
"""

from __future__ import annotations

import functools
import posixpath

from markdown import Markdown

from conftest import ROOT
from edition import files
from edition.citations import manifest
from edition.citations.registry import Registry
from edition.errors import Refusal, Refusals, raise_all
from edition.guard import sources as guard
from edition.metadata import citation_file
from edition.pages import charts
from edition.project import Project
from edition.session import Session

BIB = (ROOT / "references.bib").read_text(encoding="utf-8")


def front(src_uri: str, text: str) -> str:
    """A page with front matter of its kind, if the test wrote none."""
    if text.startswith("---"):
        return text
    if src_uri.startswith("essay/"):
        number = int(posixpath.basename(src_uri)[:2])
        meta = f'title: "{number}. A section"\ndescription: "A section."\nsection: {number}\npart: The law\nheading: author\n'
    else:
        meta = 'title: "A page"\ndescription: "A page of the editors."\n'
        if "<!-- bibliography -->" in text:
            meta += "compose: bibliography\n"
    return f"---\n{meta}---\n\n{text}"


@functools.lru_cache(maxsize=1)
def _project() -> tuple:
    """What every test session shares with the real project: read once (the tests never change it)."""
    project = Project(root=ROOT, config=Project.load(ROOT / "mkdocs.yml", environ={}).config)
    includes = {relative: files.read_text(ROOT, relative, "include") for relative in guard.include_files(ROOT)}
    return project, includes, citation_file.read(ROOT), charts.read(ROOT)


@functools.lru_cache(maxsize=8)
def registry(bib: str) -> Registry:
    return Registry(bib)


def session(pages: dict[str, str], bib: str = BIB) -> Session:
    """A session of these pages (in this reading order) and this bibliography; Refusals as the build gives them."""
    project, includes, cff, figures = _project()
    sources = guard.Sources(project)
    sources.includes = dict(includes)
    sources.bibliography = bib
    sources.citation_file = cff
    sources.figures = figures
    problems = []
    for src_uri, text in pages.items():
        try:
            sources.pages[src_uri] = guard.check_page(front(src_uri, text), src_uri, sources)
        except (Refusal, Refusals) as error:
            problems += [error.problem] if isinstance(error, Refusal) else error.problems
    raise_all(problems)
    prepared = Session(project, sources, registry(bib))
    prepared.manifest = manifest.build(prepared)
    return prepared


def render(prepared: Session, src_uri: str) -> str:
    names, configs = manifest.markdown_extensions(prepared)
    return Markdown(extensions=names, extension_configs=configs).convert(prepared.sources.pages[src_uri].body)


def rendered(pages: dict[str, str], bib: str = BIB) -> dict[str, str]:
    prepared = session(pages, bib)
    return {src_uri: render(prepared, src_uri) for src_uri in pages}
