"""Compose the whole essay on one page from the section pages.

A page whose front matter says `compose: essay` gets, in place of the line
`<!-- essay -->`, every section page in navigation order, its headings one
level down and its relative links rewritten to work from the new place.
Runs before mkdocs-bibtex so that the citations are resolved as on the
section pages.
"""

from __future__ import annotations

import logging
import posixpath
import re

from mkdocs.plugins import event_priority

from edition.pages import composes, essay_pages, read_source

log = logging.getLogger("mkdocs.hooks.whole_essay")

PLACEHOLDER = "<!-- essay -->"
HEADING = re.compile(r"^(#{1,5}) ", re.MULTILINE)
LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)\s]+)\)")
H1 = re.compile(r"^# (.*)$", re.MULTILINE)

_nav = None


def on_nav(nav, config, files):
    global _nav
    _nav = nav
    return nav


@event_priority(110)
def on_page_markdown(markdown, page, config, files):
    if not composes(page, markdown, "essay", PLACEHOLDER, log):
        return markdown
    parts = []
    for section in essay_pages(_nav):
        number = int(posixpath.basename(section.file.src_uri)[:2])
        body = read_source(section)
        body = _demote(body, anchor=f"section-{number}")
        body = _rebase_links(body, section.file.src_uri, page.file.src_uri)
        parts.append(body.strip())
    return markdown.replace(PLACEHOLDER, "\n\n".join(parts))


def _demote(body: str, anchor: str) -> str:
    """Headings one level down; the section's title gets a stable anchor."""
    body = HEADING.sub(lambda m: "#" + m.group(1) + " ", body)
    return re.sub(r"^## (.*)$", rf"## \1 {{ #{anchor} }}", body, count=1, flags=re.MULTILINE)


def _rebase_links(body: str, source: str, target: str) -> str:
    def rebase(match: re.Match) -> str:
        link = match.group(1)
        path, _, fragment = link.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        relative = posixpath.relpath(resolved, posixpath.dirname(target) or ".")
        return "](" + relative + ("#" + fragment if fragment else "") + ")"

    return LINK.sub(rebase, body)
