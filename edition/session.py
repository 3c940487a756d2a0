"""One build's view of the project: its sources checked once, its citations numbered once.

The edition's Markdown extensions (edition/citations, edition/pages) run inside
whatever generator renders the pages, one page at a time and with no word of
the others; the note numbers, the list of sources with its backlinks and the
"checked on" dates need all of them. So a build prepares, once:

1. the project (edition/project.py) and its sources, read and checked by the
   source guard (edition/guard/sources.py);
2. the registry of references.bib (edition/citations/registry.py);
3. the manifest (edition/citations/manifest.py): every page rendered once by
   Python-Markdown with the site's own extensions, in reading order, recording
   where each citation is; from it the note numbers and backlinks.

The MkDocs plugin prepares it in `on_config`; a generator that runs no plugins
(Zensical) gets it from the extension itself, the first time a page is
rendered. Either way it is kept for as long as no file it read has changed (a
fingerprint of their sizes and times), so `mkdocs serve` prepares it again
after every save, and two pages of one build never see two versions.

Tests: tests/test_sources.py, tests/test_citations.py.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from edition.project import Project

_lock = threading.Lock()
_current: dict[str, Session] = {}


@dataclass
class Session:
    project: Project
    sources: object  # edition.guard.sources.Sources
    registry: object  # edition.citations.registry.Registry
    manifest: object = None  # edition.citations.manifest.Manifest
    stamp: tuple = ()  # the fingerprint of what it read, when it read it

    def page_by_body(self, body: str):
        """The page whose rendered text this is (the generator hands Markdown the body alone)."""
        if not hasattr(self, "_by_body"):
            self._by_body = {}
            for page in self.sources.pages.values():
                self._by_body.setdefault(page.body.strip(), page)
        return self._by_body.get(body.strip())


def prepare(config_file: str | os.PathLike, environ: dict | None = None) -> Session:
    """Check the sources and number the notes: a fresh session, remembered for `current`."""
    from edition.citations import manifest as manifests
    from edition.citations.registry import registry_of
    from edition.guard import sources as guard

    project = Project.load(config_file, environ)
    sources = guard.check(project)
    session = Session(project, sources, registry_of(sources.bibliography))
    session.manifest = manifests.build(session)
    session.stamp = fingerprint(project, sources.read)
    with _lock:
        _current[str(Path(config_file).absolute())] = session
    return session


def current(config_file: str | os.PathLike) -> Session:
    """The prepared session of this project, or a new one if any file it read has changed."""
    with _lock:
        session = _current.get(str(Path(config_file).absolute()))
    if session is not None and fingerprint(session.project, session.sources.read) == session.stamp:
        return session
    return prepare(config_file)


def fingerprint(project: Project, read) -> tuple:
    """(path, mtime, size) of every file a session read, and of every file now under the folders it reads."""
    from edition import files
    from edition.guard.sources import include_files

    root = project.root
    paths = set(read) | set(files.listing(root, project.docs_dir)) | set(include_files(root))
    found = []
    for path in sorted(paths):
        try:
            info = os.lstat(root / path)
            found.append((path, info.st_mtime_ns, info.st_size))
        except OSError:
            found.append((path, None, None))
    return tuple(found)
