"""Finish the built site: every page parsed once, completed, judged, and written; then the book.

Whatever generator rendered the pages (MkDocs, ProperDocs, Zensical), the
edition's promises that live in the finished HTML are kept here, over the
output folder: `python -m edition finish site/`, which the MkDocs plugin also
calls at `on_post_build` (so `mkdocs build`, `mkdocs serve` and `make site` are
complete). In this order, written in code:

1. every HTML file of the site is one of the project's pages or the "not
   found" page, and is parsed once, with the WHATWG parser (edition/finish/html.py);
2. each page's head gets its character set first, the policy's place, the
   referrer rule, its share card and Open Graph tags, its Highwire and Dublin
   Core tags and its JSON-LD (edition/metadata/); its article the "Cite this
   section" box and the links to the downloads; the edit button the file the
   page is written in; the theme's widgets their accessible names; search its
   lazy loader (edition/finish/pages.py);
3. the Content-Security-Policy is computed from the theme's templates for
   every depth of page (edition/guard/policy.py) and written into each head;
4. the content guard judges every finished tree (edition/guard/content.py), and
   every citation the manifest found in a page's Markdown is rendered in it (a
   generator that skipped the citation extension leaves them raw, `[@key]`);
   any problem stops here, before anything is written;
5. each tree is written back (`html.serialize`), and the PDF and the EPUB are
   made from the same trees (edition/book/), never from a second reading;
6. the site's other files are finished: the search index split for lazy
   loading, the offline copy's leftovers removed, robots.txt where it is read;
7. `edition-stamp.json` records the policy, every page's digest and its number
   of citations, which `python -m edition verify` checks (edition/finish/verify.py).

Tests: tests/test_finish.py (the order, the stamp, a generator that ran none
of the edition's plugins), and the tests of each step named in its module.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from edition.errors import CONTENT_GUARD, Problem, raise_all
from edition.finish import html

STAMP = "edition-stamp.json"
NOT_FOUND = "404.html"


@dataclass
class Page:
    """A finished page: where it is written, its tree, and the source it was made from (None for 404.html)."""

    dest: str
    document: object
    source: object = None  # edition.guard.sources.PageSource

    @cached_property
    def root(self):
        return html.document_element(self.document)

    @cached_property
    def head(self):
        return self.root.find(f"{html.HTML}head")

    @cached_property
    def body(self):
        return self.root.find(f"{html.HTML}body")

    @cached_property
    def article(self):
        for node in self.body.iter(f"{html.HTML}article"):
            if "md-content__inner" in html.classes(node):
                return node
        return None

    @property
    def depth(self) -> str:
        """The page's way back to the site's root, as Material writes `base_url` ("..", "../.." or ".")."""
        parts = self.dest.split("/")[:-1]
        return "/".join([".."] * len(parts)) or "."


@dataclass
class Finished:
    pages: list[Page] = field(default_factory=list)
    policy: object = None
    book: list[str] = field(default_factory=list)  # the downloads made, as paths in the site


def finish(site: Path, session, options, *, offline: bool) -> Finished:
    """Finish the site built from `session`'s sources, with the plugin's `options` (edition/config.py)."""
    from edition.finish import pages as steps
    from edition.guard import content, policy as policies

    site = Path(site)
    result = Finished()
    result.pages = read_pages(site, session)
    references = steps.sources_of(result.pages)
    for page in result.pages:
        steps.head(page, session, options, site, offline)
        steps.article(page, session, options, offline, references)
        steps.chrome(page, session, offline)
    result.policy = policies.theme_policy(session.project, {page.depth for page in result.pages}, offline)
    from edition.finish.verify import rendered_citations

    problems: list[Problem] = []
    cited: dict[str, int] = {}
    for page in result.pages:
        steps.write_policy(page, result.policy)
        found = content.judge(page.document, result.policy)
        src_uri = page.source.src_uri if page.source else None
        if found:
            problems += content.refusals(found, session, src_uri, f"{page.dest} (overrides/ or Material's template)")
        if page.source is not None:
            record = session.manifest.records.get(page.source.src_uri)
            expected, found = (len(record.cites) if record else 0), rendered_citations(page.document)
            cited[page.dest] = found
            if found != expected:
                problems.append(Problem(page.source.path, None,
                                        f"{expected} citations were found in its Markdown, {found} rendered in the page: "
                                        "does mkdocs.yml list edition.citations under markdown_extensions?", CONTENT_GUARD))
    raise_all(problems, "the finished pages hold what the edition does not publish; the site was not built")
    written = {}
    for page in result.pages:
        text = html.serialize(page.document)
        (site / page.dest).write_text(text, encoding="utf-8")
        written[page.dest] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    steps.site_files(site, session, options, offline)
    if options.pdf.enabled or options.epub.enabled:
        from edition import book

        result.book = book.make(result.pages, site, session, options, result.policy)
    stamp = {"policy": result.policy.text(), "pages": dict(sorted(written.items())), "citations": cited,
             "offline": offline}
    (site / STAMP).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return result


def read_pages(site: Path, session) -> list[Page]:
    """Every HTML file of the site, parsed; one that is neither a page of the project nor 404.html stops the build."""
    project = session.project
    sources = {project.dest_of(uri): page for uri, page in session.sources.pages.items()}
    pages, problems = [], []
    for path in sorted(site.rglob("*.html")):
        dest = path.relative_to(site).as_posix()
        if path.is_symlink() or not path.is_file():
            problems.append(Problem(dest, None, "is not a file the build wrote", CONTENT_GUARD))
            continue
        source = sources.get(dest)
        if source is None and dest != NOT_FOUND:
            problems.append(Problem(dest, None, "an HTML file that is not one of the project's pages; "
                                    "the site publishes only the pages of docs/", CONTENT_GUARD))
            continue
        pages.append(Page(dest, html.parse(path.read_text(encoding="utf-8")), source))
    raise_all(problems)
    return pages
