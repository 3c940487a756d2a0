"""What a pull request changes for readers: two built sites compared, as Markdown.

Usage:
    python -m scripts.review BASE_SITE HEAD_SITE --base-tree DIR --head-tree DIR
        [--changed-files FILE] [--screenshots] [--out FILE] [--pages-out FILE]

A reviewer reads a diff of Markdown, BibTeX and YAML, but what matters on this
site is what readers get: a number on the reporting page, a new outside address,
a note that now points at another source, a changed word in the author's text.
This compares the two BUILT sites (the pull request's base and head) and the
plain source files they were built from (`source/essay.txt`, `references.bib`,
`data/figures.yml`, and which files changed), and prints what changed for readers,
in this order:

1. in bold, whether anything that runs changed (build code, theme, mkdocs.yml,
   Makefile, workflows, the lock, tools, scripts): then the builds themselves
   are the pull request's, and a maintainer must read those files;
2. pages added, removed and moved (a moved page is one whose text is the same or
   very similar at a new address), and whether the old address now answers 404;
3. for each changed page, the words added and removed, as readers read them
   (the text of the `<article>`), and the outside links and images it gained or lost;
4. the author's words: a change to the essay's own text on a section page, in
   bold, by section, with the line of `source/essay.txt` it differs from, and
   whether `source/essay.txt` changed too;
5. phone numbers, tel:/sms:/mailto: links and reporting addresses, by page;
6. every outside host the head links to (or loads from) and the base did not;
7. notes added, removed, renumbered, or pointing at another source;
8. sources added or removed in `references.bib`, and their changed fields;
9. chart figures changed in `data/figures.yml`, old and new values;
10. the downloads (PDFs, EPUB, offline zip): pages and sizes before and after;
11. the first-visit weight of each changed page;
12. with --screenshots, the names of the changed pages' screenshots in the
    workflow's artifact; each starts at the heading or figure of the page's first
    changed word (--pages-out lists those places for scripts/screenshots.py).

A pull request that changes nothing of 2 to 9 prints "No change for readers."
(after the bold line, if code that runs changed).

Why it reads only built files and plain sources, never the `edition` package:
the comparison must not trust the code it is judging, and the build code is
rewritten often. The CI job and `make review` run the BASE's copy of this file,
so a pull request cannot change what judges it; it imports nothing from the
project, so that copy runs on its own (`python /tmp/review.py ...`). Pages are
read with tinyhtml5, the WHATWG parser browsers follow, so a page is read as a
browser would show it, however the head's build wrote it.

Tests: tests/test_review.py (a pull request of each kind made on a copy of the
project and built; the hostile one through `make review`; the downloads on small
fixture folders; the workflow read as GitHub reads it).
"""

from __future__ import annotations

import argparse
import difflib
import functools
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

import tinyhtml5
import yaml

# --- What runs -------------------------------------------------------------

# Files whose change changes what runs: in the build, in the reader's browser, in CI.
RUNS_PREFIXES = ("edition/", "overrides/", ".github/", "tools/", "scripts/", "print/", ".ci/")
RUNS_NAMES = ("mkdocs.yml", "Makefile", "pyproject.toml")
RUNS_PATTERN = re.compile(r"requirements[^/]*\.txt")

# Not the project's files, when a tree is not a git checkout: build output and caches at its top.
NOT_SOURCE = {".git", ".venv", ".cache", "site", "site.new", "build", "screenshots", "node_modules", "review"}


def runs_code(path: str) -> bool:
    """Whether a changed file is code that runs (tests/test_review.py::test_code_that_runs_is_named_first_in_bold)."""
    return path.startswith(RUNS_PREFIXES) or path in RUNS_NAMES or bool(RUNS_PATTERN.fullmatch(path))


def tree_files(tree: Path) -> dict[str, Path]:
    """The project's files in a checkout: what git tracks (and new files it does not ignore)
    in a git checkout's top folder; every file but build output elsewhere (a test's copy)."""
    try:
        top = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if Path(top).resolve() == tree.resolve():
            listed = subprocess.run(
                ["git", "-C", str(tree), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                capture_output=True, text=True, check=True,
            ).stdout.split("\0")  # fmt: skip
            return {name: tree / name for name in listed if name and os.path.lexists(tree / name)}
    except (OSError, subprocess.CalledProcessError):
        pass
    files = {}
    for folder, dirs, names in os.walk(tree):
        top = Path(folder) == tree
        dirs[:] = sorted(
            d for d in dirs if not (top and d in NOT_SOURCE) and d != "__pycache__" and not os.path.islink(os.path.join(folder, d))
        )
        for name in names:
            path = Path(folder, name)
            files[path.relative_to(tree).as_posix()] = path
    return files


def _same_file(a: Path, b: Path) -> bool:
    if a.is_symlink() or b.is_symlink():
        return a.is_symlink() and b.is_symlink() and os.readlink(a) == os.readlink(b)
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def changed_files(base: Path, head: Path) -> list[str]:
    """The files that differ between two checkouts, as `git diff --name-only base head` lists them."""
    old, new = tree_files(base), tree_files(head)
    return sorted(name for name in old.keys() | new.keys() if name not in old or name not in new or not _same_file(old[name], new[name]))


# --- Reading a built page --------------------------------------------------

HTML = "{http://www.w3.org/1999/xhtml}"
# Elements that end a line of text: their words never run into their neighbours'.
BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
# Never shown as text: scripts, styles, and drawings (an SVG's <title> is a tooltip).
UNSEEN = {"script", "style", "template", "noscript", "head"}
REPLACED = {"svg", "math", "img", "iframe", "video", "audio", "canvas", "object", "embed"}
# Where a screenshot may start: a section heading or a figure (a chart), by its id.
PLACES = {"h2", "h3", "h4", "h5", "h6", "figure"}
# The theme's furniture inside the article: the edit button and the heading's permalink.
# The page's furniture, and what it repeats only for paper (the editors' sources printed after
# a page, hidden on screens): neither is news in a page's words.
FURNITURE = {"headerlink", "md-content__button", "edition-print-sources"}
# What, in the article of a section page, is not the author's running text: the editors'
# boxes and statements, the notes, and the "Cite this section" box (as tests/reading.py reads it).
EDITORS = {"admonition", "editorial", "editors-title", "footnote"}
TEXT_TYPES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}
MAX_PAGE = 8 * 1024 * 1024  # a page larger than this is reported, not read
MAX_WORDS = 20_000  # a longer text is counted, not compared word by word (the whole essay has under 3,000)


def local(tag) -> str:
    """An HTML element's name without its namespace; "svg" and "math" for those elements, "~" and
    the whole name for the other elements of their namespaces, "" for comments."""
    if not isinstance(tag, str):
        return ""
    if tag.startswith(HTML):
        return tag[len(HTML) :]
    if tag.endswith(("}svg", "}math")):
        return tag.rsplit("}", 1)[1]
    return "~" + tag


def classes(element) -> set[str]:
    return set(element.get("class", "").split())


def text_of(element, skip, places: list[tuple[int, str]] | None = None) -> str:
    """An element's text as a browser lays it out, whitespace collapsed; subtrees `skip` names left out.
    Into `places`, (the number of words before it, its id) of each place a screenshot may start (PLACES).

    Iterative, so that no nesting depth, however hostile, can stop it.
    """
    out: list[str] = []
    stack: list[tuple[object, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        name = local(node.tag)
        if closing:
            if name in BLOCKS:
                out.append(" ")
            if node is not element and node.tail:
                out.append(node.tail)
            continue
        if not name or name in UNSEEN or name in REPLACED or name.startswith("~") or skip(node) or node.get("hidden") is not None:
            if name in REPLACED:
                out.append(" ")  # a drawing or an image between two words keeps them apart
            if node is not element and node.tail:
                out.append(node.tail)
            continue
        if name in BLOCKS:
            out.append(" ")
        if places is not None and name in PLACES and node.get("id"):
            places.append((len("".join(out).split()), node.get("id", "")))
        if node.text:
            out.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node)))
    return " ".join("".join(out).split())


def reader_skip(node) -> bool:
    """What readers of the article do not read as its words: furniture, note markers and the notes
    (the notes are compared as notes)."""
    names = classes(node)
    return bool(names & FURNITURE) or "footnote" in names or (local(node.tag) == "sup" and node.get("id", "").startswith("fnref"))


def author_skip(node) -> bool:
    return reader_skip(node) or bool(classes(node) & EDITORS) or local(node.tag) == "details"


def punctuated(text: str) -> str:
    """Text without the space the essay's export puts before punctuation ("states ." is "states.")."""
    return re.sub(r" ([.,;:])", r"\1", text)


def descendants(element, name: str):
    return (node for node in element.iter() if local(node.tag) == name)


def visible(element, skip):
    """The elements under `element` that are not inside a subtree `skip` names, in document order."""
    stack = [element]
    while stack:
        node = stack.pop()
        if node is not element and skip(node):
            continue
        yield node
        stack.extend(reversed(list(node)))


@dataclass(frozen=True)
class Note:
    """One of a page's notes: its number, the source it cites (mkdocs-bibtex's footnote id names
    the key: fn:ref-KEY) and its text."""

    number: int
    key: str
    text: str


@dataclass(frozen=True)
class Contact:
    """A way to reach someone that a page gives: a tel:, sms: or mailto: link, a phone number or an
    e-mail address in its text, or (on a page that gives one of those) a web address to report to."""

    kind: str  # "tel:", "sms:", "mailto:", "phone number", "e-mail address", "web address"
    value: str
    shown: str = ""

    def __str__(self) -> str:
        if self.shown and self.shown != self.value:
            return f"{self.kind} {code(self.shown)} ({code(self.value)})"
        return f"{self.kind} {code(self.value)}"


@dataclass
class Page:
    """What a reader gets from one built page."""

    address: str  # "essay/04-status-of-legislation/", "" for the home page
    words: list[str] = field(default_factory=list)
    author: list[str] | None = None  # the author's words, on a section page
    section: int | None = None
    notes: list[Note] = field(default_factory=list)
    outside_links: list[tuple[str, str]] = field(default_factory=list)  # (href, text) in the article
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt) in the article
    contacts: list[Contact] = field(default_factory=list)
    linked_hosts: set[str] = field(default_factory=set)
    loaded_hosts: set[str] = field(default_factory=set)
    loads: list[str] = field(default_factory=list)  # what a first visit fetches, as addresses from the page
    places: list[tuple[int, str]] = field(default_factory=list)  # where a screenshot may start: (words before it, id)
    redirect: str | None = None
    unreadable: str | None = None

    @property
    def reader_facts(self):
        return (self.words, self.notes, self.outside_links, self.images, self.contacts)


def outside_host(href: str) -> str | None:
    """The host of an address on another site (http, https or protocol-relative), else None."""
    try:
        parts = urlsplit(href.strip())
        if parts.scheme.lower() in ("http", "https") or (not parts.scheme and href.strip().startswith("//")):
            return (parts.hostname or "").lower() or None
    except ValueError:
        return "(an address that does not parse)"
    return None


CALLING = {"call", "text", "phone", "telephone", "tel", "dial", "ring", "sms", "whatsapp", "hotline", "helpline", "number", "fax"}
PHONE = re.compile(r"(?<![\w+./:-])\+?(?:\(\d+\)[ .-]?)?\d+(?:[ .-]\d+)*(?![\w/-]|[.,]\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def phone_numbers(text: str) -> list[str]:
    """Phone numbers in running text: 6 to 15 digits, written as numbers are (1-888-373-7888,
    +44 20 1234 5678, (020) 1234), or after a word such as "call" or "text" (08000 121 700);
    dates and a bare year are not numbers to call (tests/test_review.py::test_phone_numbers_in_text)."""
    found = []
    for match in PHONE.finditer(text):
        number = match.group()
        digits = re.sub(r"\D", "", number)
        if not 6 <= len(digits) <= 15 or ISO_DATE.fullmatch(number):
            continue
        before = re.findall(r"[a-z]+", text[max(0, match.start() - 40) : match.start()].lower())[-3:]
        looks_like_one = number.startswith(("+", "(")) or len(re.findall(r"\d[.-]\d", number)) >= 2
        if looks_like_one or CALLING & set(before):
            found.append(number)
    return found


def own_address(root, address: str) -> str | None:
    """The site's own published address, from the page's canonical address ("https://host/essay/"
    for a page whose canonical address is "https://host/essay/about/" at "about/")."""
    for link in descendants(root, "link"):
        if "canonical" in link.get("rel", "").lower().split():
            canonical = link.get("href", "")
            if canonical.endswith("/" + address) and outside_host(canonical):
                return canonical[: len(canonical) - len(address)]
    return None


def read_page(address: str, html: str) -> Page:
    """Everything the summary compares, read from one page's HTML. An address under the site's own
    (a "Cite this section" link) is the site, not another host."""
    page = Page(address=address)
    root = tinyhtml5.parse(html)
    for meta in descendants(root, "meta"):
        target = re.search(r"url\s*=\s*(.+)", meta.get("content", ""), flags=re.IGNORECASE)
        if meta.get("http-equiv", "").lower() == "refresh" and target:
            page.redirect = urljoin("/" + address, target.group(1).strip("'\" "))
    own = own_address(root, address)

    def elsewhere(href: str) -> str | None:
        return None if own and href.strip().startswith(own) else outside_host(href)

    for link in descendants(root, "a"):
        host = elsewhere(link.get("href") or "")
        if host:
            page.linked_hosts.add(host)
    page.loads = loaded(root)
    page.loaded_hosts = {host for host in map(elsewhere, page.loads) if host}
    article = next(descendants(root, "article"), None)
    if article is None:
        return page
    page.words = text_of(article, reader_skip, page.places).split()
    # A section of the essay: a page under essay/ whose heading starts with its number ("4. ").
    heading = next(descendants(article, "h1"), None)
    number = re.match(r"(\d+)\.\s", text_of(heading, reader_skip) + " ") if heading is not None else None
    if address.startswith("essay/") and number:
        page.section = int(number.group(1))
        page.author = author_words(article, heading)
    for footnote in (node for node in article.iter() if "footnote" in classes(node)):
        for index, item in enumerate(descendants(footnote, "li"), start=1):
            key = item.get("id", "").removeprefix("fn:").removeprefix("ref-")
            value = item.get("value", "")
            text = text_of(item, lambda node: "footnote-backref" in classes(node))
            page.notes.append(Note(int(value) if value.isdigit() else index, key, text))
    for node in visible(article, reader_skip):
        if local(node.tag) == "img":
            page.images.append((node.get("src", ""), node.get("alt", "")))
        if local(node.tag) != "a" or not node.get("href"):
            continue
        href = node.get("href", "").strip()
        scheme = href.split(":", 1)[0].lower() + ":" if ":" in href else ""
        if scheme in ("tel:", "sms:", "mailto:"):
            page.contacts.append(Contact(scheme, href, text_of(node, reader_skip)))
        elif elsewhere(href):
            page.outside_links.append((href, text_of(node, reader_skip)))
    text = " ".join(page.words)
    linked_digits = {re.sub(r"\D", "", c.value) for c in page.contacts if c.kind in ("tel:", "sms:")}
    for number in phone_numbers(text):
        if re.sub(r"\D", "", number) not in linked_digits:
            page.contacts.append(Contact("phone number", number))
    linked_mail = {c.value.split(":", 1)[1].split("?")[0].lower() for c in page.contacts if c.kind == "mailto:"}
    for address_ in EMAIL.findall(text):
        if address_.lower() not in linked_mail:
            page.contacts.append(Contact("e-mail address", address_))
    if page.contacts:
        page.contacts += [Contact("web address", href, shown) for href, shown in page.outside_links]
    return page


def author_words(article, heading) -> list[str]:
    """The author's words on a section page: the article without what the editors add, and its
    heading without the edition's number ("4. "), or without the heading where the editors wrote it."""
    editors_heading = any("editors-title" in classes(node) for node in article.iter())
    heading_text = "" if editors_heading else re.sub(r"^\d+\.\s*", "", text_of(heading, author_skip))
    body = text_of(article, lambda node: author_skip(node) or node is heading)
    return punctuated(f"{heading_text} {body}".strip()).split()


def loaded(root) -> list[str]:
    """What a first visit to the page fetches, as the page names it: stylesheets, scripts, icons,
    images and media, and Material's search worker and index (named in the page's `__config`).
    What a stylesheet imports is not followed; `make bench` weighs pages in a browser."""
    found = []
    for node in root.iter():
        name = local(node.tag)
        if name == "link" and {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(node.get("rel", "").lower().split()):
            found.append(node.get("href", ""))
        elif name in ("script", "img", "iframe", "audio", "video", "source", "embed", "track") and node.get("src"):
            found.append(node.get("src", ""))
        elif name == "object" and node.get("data"):
            found.append(node.get("data", ""))
        if name in ("img", "source") and node.get("srcset"):
            found += [candidate.split()[0] for candidate in node.get("srcset", "").split(",") if candidate.split()]
        if name == "video" and node.get("poster"):
            found.append(node.get("poster", ""))
        if name == "script" and node.get("id") == "__config":
            try:
                config = json.loads(node.text or "{}")
            except ValueError:
                continue
            if isinstance(config, dict) and isinstance(config.get("search"), str):
                found.append(config["search"])
                found.append(f"{str(config.get('base', '.')).rstrip('/')}/search/search_index.json")
    return [address for address in found if address.strip()]


# --- Reading a built site --------------------------------------------------


# Pages already read, by address and content: a page both sites have alike is read once.
_read: dict[tuple[str, str], Page] = {}


class Site:
    """A built site: its pages and redirects, each page read once."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.pages: dict[str, Page] = {}
        self.redirects: dict[str, str] = {}
        for path in self.files(".html"):
            relative = path.relative_to(self.root).as_posix()
            address = relative.removesuffix("index.html")
            page = self._page(address, path)
            if page.redirect is not None:
                self.redirects[address] = page.redirect
            else:
                self.pages[address] = page

    def files(self, suffix: str = ""):
        """The site's files (never a link: nothing outside the site is read)."""
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
            for name in sorted(names):
                path = Path(folder, name)
                if name.endswith(suffix) and path.is_file() and not path.is_symlink():
                    yield path

    def _page(self, address: str, path: Path) -> Page:
        if path.stat().st_size > MAX_PAGE:
            return Page(address=address, unreadable=f"{path.stat().st_size} bytes, not read")
        data = path.read_bytes()
        key = (address, hashlib.sha256(data).hexdigest())
        if key not in _read:
            _read[key] = read_page(address, data.decode("utf-8", errors="replace"))
        return _read[key]

    def file(self, address: str) -> Path | None:
        """The file that serves a site address (a page's folder serves its index.html), if it is the site's."""
        path = PurePosixPath(unquote(address.split("#")[0].split("?")[0]).lstrip("/"))
        if any(part == ".." for part in path.parts):
            return None
        candidate = self.root.joinpath(*path.parts) if path.parts else self.root
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.is_file() and not candidate.is_symlink() and candidate.resolve().is_relative_to(self.root):
            return candidate
        return None

    def weight(self, address: str) -> tuple[int, int] | None:
        """(bytes, files) of a first visit to a page, compressed as GitHub Pages serves it (gzip)."""
        page = self.pages.get(address)
        if page is None:
            return None
        origin = "https://site.invalid/"
        seen = {f"/{address}"}
        total = compressed(self.file(address))
        for href in page.loads:
            if outside_host(href):
                continue
            target = urlsplit(urljoin(origin + address, href.strip())).path
            if target not in seen and (path := self.file(target)):
                seen.add(target)
                total += compressed(path)
        return total, len(seen)


_compressed: dict[tuple[Path, int, int], int] = {}


def compressed(path: Path | None) -> int:
    """A file's size as GitHub Pages sends it: text gzip-compressed (level 6), the rest as it is."""
    if path is None:
        return 0
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _compressed:
        data = path.read_bytes()
        _compressed[key] = len(gzip.compress(data, 6, mtime=0)) if path.suffix in TEXT_TYPES else len(data)
    return _compressed[key]


# --- Writing Markdown ------------------------------------------------------


def code(text: str) -> str:
    """Text from a page or a file, quoted as inline code: never read as Markdown, HTML or a link
    (tests/test_review.py::test_what_a_page_says_is_quoted_never_rendered)."""
    text = " ".join(str(text).split())
    if not text:
        return "(nothing)"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def clip(words: list[str], limit: int = 16) -> str:
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + f" … ({len(words)} words)"


def url(address: str) -> str:
    return code("/" + address)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def word_changes(old: list[str], new: list[str], limit: int = 12) -> list[str]:
    """The word-level changes between two texts, each with the words just before it."""
    if max(len(old), len(new)) > MAX_WORDS:
        return [f"too long to compare word by word: {plural(len(old), 'word')} → {plural(len(new), 'word')}"]
    lines = []
    opcodes = [op for op in _ops(old, new) if op[0] != "equal"]
    for tag, i1, i2, j1, j2 in opcodes[:limit]:
        before = old[max(0, i1 - 5) : i1]
        where = f", after {code(' '.join(before))}" if before else ", at the start"
        if tag == "replace":
            lines.append(f"{code(clip(old[i1:i2]))} → {code(clip(new[j1:j2]))}{where}")
        elif tag == "delete":
            lines.append(f"removed {code(clip(old[i1:i2]))}{where}")
        else:
            lines.append(f"added {code(clip(new[j1:j2]))}{where}")
    if len(opcodes) > limit:
        lines.append(f"… and {len(opcodes) - limit} more changes")
    return lines


def counted(old: list[str], new: list[str]) -> str:
    """How many words a change adds and removes: "+2 words, −1 word"."""
    if max(len(old), len(new)) > MAX_WORDS:
        return f"{plural(len(old), 'word')} → {plural(len(new), 'word')}"
    opcodes = _ops(old, new)
    gained = sum(j2 - j1 for tag, _, _, j1, j2 in opcodes if tag in ("insert", "replace"))
    lost = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag in ("delete", "replace"))
    return f"+{plural(gained, 'word')}, −{plural(lost, 'word')}"


@functools.lru_cache(maxsize=256)
def _cached_ops(old: tuple[str, ...], new: tuple[str, ...]):
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def _ops(old: list[str], new: list[str]):
    """difflib's opcodes from one text's words to another's (each pair compared once)."""
    return _cached_ops(tuple(old), tuple(new))


def size(count: int) -> str:
    return f"{count / 1024:.1f} KiB" if count >= 1024 else f"{count} B"


def before_after(old: int, new: int) -> str:
    if old == new:
        return f"{size(new)} (unchanged)"
    sign = "+" if new > old else "−"
    return f"{size(old)} → {size(new)} ({sign}{size(abs(new - old))})"


# --- The parts of the summary ----------------------------------------------


@dataclass
class Trees:
    """The two checkouts' plain source files, read as text."""

    base: Path
    head: Path

    def read(self, side: str, name: str) -> str | None:
        path = (self.base if side == "base" else self.head) / name
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() and not path.is_symlink() else None


def pages_part(base: Site, head: Site) -> tuple[list[str], dict[str, str]]:
    """Pages added, removed and moved; and which head page each moved page became."""
    removed = [a for a in base.pages if a not in head.pages]
    added = [a for a in head.pages if a not in base.pages]
    moved: dict[str, str] = {}
    for old in removed:
        best, ratio = None, 0.0
        for new in added:
            if new in moved.values():
                continue
            matcher = difflib.SequenceMatcher(None, base.pages[old].words, head.pages[new].words, autojunk=False)
            if matcher.quick_ratio() >= 0.8 and (score := matcher.ratio()) >= 0.8 and score > ratio:
                best, ratio = new, score
        if best is not None:
            moved[old] = best
    lines = []
    for old, new in moved.items():
        same = "the same text" if base.pages[old].words == head.pages[new].words else "very similar text"
        lines.append(f"- moved: {url(old)} → {url(new)} ({same}); {gone(head, old)}")
    lines += [f"- added: {url(a)}" for a in added if a not in moved.values()]
    lines += [f"- removed: {url(a)}; {gone(head, a)}" for a in removed if a not in moved]
    for address, target in sorted(head.redirects.items()):
        if base.redirects.get(address) != target:
            lines.append(f"- {url(address)} now redirects to {code(target)}")
    return lines, moved


def gone(head: Site, address: str) -> str:
    if address in head.redirects:
        return f"the old address redirects to {code(head.redirects[address])}"
    return "**the old address now answers 404**: links and bookmarks to it break"


def words_part(base: Site, head: Site, moved: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Each changed page's words, outside links and images; and the changed pages, each with the
    place its screenshot shows: the heading or figure of its first changed word ("" for the top)."""
    origin = {new: old for old, new in moved.items()}
    lines, changed = [], {}
    for address, page in head.pages.items():
        before = base.pages.get(origin.get(address, address))
        if before is None:
            changed[address] = ""
            continue
        if before.reader_facts == page.reader_facts:
            continue
        changed[address] = first_change(before, page)
        entries = word_changes(before.words, page.words)
        for kind, old, new in (("outside link", before.outside_links, page.outside_links), ("image", before.images, page.images)):
            for href, text in sorted((Counter(new) - Counter(old)).elements()):
                entries.append(f"{kind} added: {code(href)}" + (f" ({code(text)})" if text else ""))
            for href, text in sorted((Counter(old) - Counter(new)).elements()):
                entries.append(f"{kind} removed: {code(href)}" + (f" ({code(text)})" if text else ""))
        if entries:
            lines.append(f"- {url(address)}: {counted(before.words, page.words)}")
            lines += [f"    - {entry}" for entry in entries]
    return lines, changed


def first_change(before: Page, page: Page) -> str:
    """The id of the place (a heading, a figure) where the first word that changed on a page is, or ""."""
    if before.words == page.words or max(len(before.words), len(page.words)) > MAX_WORDS:
        return ""
    first = next(j1 for tag, _, _, j1, _ in _ops(before.words, page.words) if tag != "equal")
    return next((ident for position, ident in reversed(page.places) if position <= first), "")


SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SECTION_START = re.compile(r"^(\d{1,2})[\t ]+(.*)$")


def essay_words(text: str | None) -> dict[int, list[tuple[str, int]]]:
    """source/essay.txt as each section's words, each with its line number.

    The format (source/README.md): a header line, then sections that start with their
    number and a tab, wrapped over lines; lines that start with a superscript figure are
    the original's footnotes; the last line is the author's name.
    """
    if text is None:
        return {}
    lines = text.splitlines()
    last = max((n for n, line in enumerate(lines) if line.strip()), default=0)
    sections: dict[int, list[tuple[str, int]]] = {}
    for index, line in enumerate(lines[1:last], start=2):
        line = line.strip()
        if not line or line[0] in SUPERSCRIPTS:
            continue
        start = SECTION_START.match(line)
        if start and int(start.group(1)) == len(sections) + 1:
            sections[len(sections) + 1] = []
            line = start.group(2)
        if not sections:
            continue
        words = sections[len(sections)]
        for word in re.sub(f"[{SUPERSCRIPTS}]+", " ", line).split():
            if re.fullmatch(r"[.,;:]+", word) and words:
                words[-1] = (words[-1][0] + word, words[-1][1])
            else:
                words.append((word, index))
    return sections


def source_line(page_words: list[str], source: list[tuple[str, int]], index: int) -> int | None:
    """The line of source/essay.txt that the page's word at `index` stands for: the page's words
    are aligned with the source's, and a word the source does not have stands where the source's
    next word is."""
    if not source:
        return None
    words = [word for word, _ in source]
    position = None
    for a, b, length in difflib.SequenceMatcher(None, page_words, words, autojunk=False).get_matching_blocks():
        if length == 0 or a > index:
            if position is None:  # before the first matching words
                position = max(0, b - (a - index))
            break
        position = b + (index - a) if index < a + length else b + length
    return source[min(position or 0, len(source) - 1)][1]


def author_part(base: Site, head: Site, trees: Trees) -> list[str]:
    """Changes to the author's own words on the section pages, by section, with their line of the source."""
    old_text, new_text = trees.read("base", "source/essay.txt"), trees.read("head", "source/essay.txt")
    source = essay_words(old_text)
    old_lines, new_lines = (old_text or "").splitlines(), (new_text or "").splitlines()
    changed_lines: dict[int, str] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag != "equal":
            new = " ".join(line.strip() for line in new_lines[j1:j2])
            for number in range(i1 + 1, max(i2, i1 + 1) + 1):
                changed_lines[number] = new
    old_sections = {p.section: p for p in base.pages.values() if p.section is not None}
    new_sections = {p.section: p for p in head.pages.values() if p.section is not None}
    lines, named = [], set()
    for number in sorted(old_sections.keys() | new_sections.keys()):
        old, new = old_sections.get(number), new_sections.get(number)
        if old is None or new is None:
            lines.append(f"- **Section {number}: its page is {'new' if old is None else 'gone'}**")
            continue
        if old.author == new.author:
            continue
        for tag, i1, i2, j1, j2 in _ops(old.author, new.author):
            if tag == "equal":
                continue
            at = source_line(old.author, source.get(number, []), i1 if i1 < i2 or i1 == 0 else i1 - 1)
            what = {
                "replace": f"{code(clip(old.author[i1:i2]))} → {code(clip(new.author[j1:j2]))}",
                "delete": f"removed {code(clip(old.author[i1:i2]))}",
                "insert": f"added {code(clip(new.author[j1:j2]))}",
            }[tag]
            if at is None:
                lines.append(f"- **Section {number}** ({url(new.address)}): {what}; source/essay.txt has no such section")
                continue
            named.add(at)
            original = code(old_lines[at - 1].strip()) if at <= len(old_lines) else "(no line)"
            if at in changed_lines:
                also = f"source/essay.txt changes this line too, to {code(changed_lines[at])}"
            else:
                also = "**source/essay.txt is unchanged: the page no longer gives the author's text**"
            lines.append(f"- **Section {number}** ({url(new.address)}): {what}, differs from line {at} of source/essay.txt ({original}); {also}")
    for number, new in sorted(changed_lines.items()):
        if number not in named:
            old = code(old_lines[number - 1].strip()) if number <= len(old_lines) else "(a new line)"
            lines.append(f"- **source/essay.txt changes line {number}** ({old} → {code(new)}), and no section page's text changes with it")
    return lines


def contacts_part(base: Site, head: Site, moved: dict[str, str]) -> list[str]:
    """Phone numbers, tel:/sms:/mailto: links and reporting addresses added, removed or changed, by page."""
    origin = {new: old for old, new in moved.items()}
    lines = []
    for address in sorted(head.pages.keys() | (base.pages.keys() - set(moved))):
        new_page, old_page = head.pages.get(address), base.pages.get(origin.get(address, address))
        old = Counter(old_page.contacts if old_page else [])
        new = Counter(new_page.contacts if new_page else [])
        gained, lost = list((new - old).elements()), list((old - new).elements())
        for kind in dict.fromkeys(c.kind for c in lost + gained):
            was = [c for c in lost if c.kind == kind]
            now = [c for c in gained if c.kind == kind]
            for before, after in zip(was, now):
                lines.append(f"- {url(address)}: changed {before} → {after}")
            lines += [f"- {url(address)}: removed {c}" for c in was[len(now):]]
            lines += [f"- {url(address)}: added {c}" for c in now[len(was):]]
    return lines


def hosts_part(base: Site, head: Site) -> list[str]:
    """Every outside host the head links to, or loads from, that the base did not."""
    lines = []
    for kind, attribute in (("loads from", "loaded_hosts"), ("links to", "linked_hosts")):
        old = set().union(*(getattr(p, attribute) for p in base.pages.values()))
        where: dict[str, list[str]] = {}
        for page in head.pages.values():
            for host in getattr(page, attribute) - old:
                where.setdefault(host, []).append(page.address)
        for host, pages in sorted(where.items()):
            shown = ", ".join(url(a) for a in sorted(pages)[:5]) + (f" and {len(pages) - 5} more pages" if len(pages) > 5 else "")
            line = f"{code(host)}, {'loaded' if kind == 'loads from' else 'linked'} from {shown}"
            lines.append(f"- **a page {kind} another host: {line}**" if kind == "loads from" else f"- {line}")
    return lines


def site_notes(site: Site) -> list[tuple[int, str, str, list[str]]]:
    """The site's notes in number order: (number, source key, text, the pages that give it)."""
    notes: dict[tuple[int, str], tuple[str, list[str]]] = {}
    for page in site.pages.values():
        for note in page.notes:
            notes.setdefault((note.number, note.key), (note.text, []))[1].append(page.address)
    return [(number, key, text, pages) for (number, key), (text, pages) in sorted(notes.items())]


def notes_part(base: Site, head: Site) -> list[str]:
    """Notes added, removed, renumbered, citing another source, or whose text changed.

    A note is known by the source it cites (the k-th note citing a source is the same
    note in both sites), so a moved citation reads as renumbered notes, not as
    notes removed and added.
    """

    def identified(notes):
        seen: Counter = Counter()
        out = {}
        for number, key, text, pages in notes:
            out[(key, seen[key])] = (number, text, pages)
            seen[key] += 1
        return out

    old, new = identified(site_notes(base)), identified(site_notes(head))

    def where(pages: list[str]) -> str:
        return ", ".join(url(a) for a in sorted(pages))

    lines = []
    for ident in sorted(old.keys() & new.keys(), key=lambda i: old[i][0]):
        (was, old_text, _), (now, new_text, pages) = old[ident], new[ident]
        if was != now:
            lines.append(f"- renumbered: note {was} is now note {now} ({code(ident[0])}, on {where(pages)})")
        if old_text != new_text:
            changes = "; ".join(word_changes(old_text.split(), new_text.split(), limit=4))
            lines.append(f"- note {now} ({code(ident[0])}) reads differently: {changes}")
    # Notes one site has and the other has not, by number: (source, text, pages).
    gone = {old[i][0]: (i[0], *old[i][1:]) for i in old.keys() - new.keys()}
    came = {new[i][0]: (i[0], *new[i][1:]) for i in new.keys() - old.keys()}
    for number in sorted(gone.keys() & came.keys()):
        (was, _, _), (key, text, pages) = gone.pop(number), came.pop(number)
        lines.append(
            f"- **note {number} now cites another source**: {code(key)} instead of {code(was)} "
            f"(on {where(pages)}): {code(clip(text.split(), 24))}"
        )
    for number, (key, text, pages) in sorted(came.items()):
        lines.append(f"- added: note {number} ({code(key)}, on {where(pages)}): {code(clip(text.split(), 24))}")
    for number, (key, _, pages) in sorted(gone.items()):
        lines.append(f"- removed: note {number} ({code(key)}, was on {where(pages)})")
    return lines


def bib_entries(text: str | None) -> dict[str, dict[str, str]] | str:
    """references.bib's entries as {key: {field: value}} (people as "Last, First and ..."), read by
    pybtex; or what stopped it reading, as text."""
    if text is None:
        return {}
    import pybtex.errors
    from pybtex.database import parse_string

    pybtex.errors.set_strict_mode(False)
    try:
        data = parse_string(text, "bibtex")
    except Exception as error:  # noqa: BLE001 - any error of a file the build would refuse anyway
        return f"{type(error).__name__}: {error}"
    entries = {}
    for key, entry in data.entries.items():
        fields = {"type": entry.type, **{name.lower(): str(value) for name, value in entry.fields.items()}}
        for role, people in entry.persons.items():
            fields[role.lower()] = " and ".join(str(person) for person in people)
        entries[key] = fields
    return entries


def sources_part(trees: Trees) -> list[str]:
    """Sources added or removed in references.bib, and every field that changed."""
    old, new = bib_entries(trees.read("base", "references.bib")), bib_entries(trees.read("head", "references.bib"))
    if isinstance(old, str) or isinstance(new, str):
        return [f"- references.bib could not be read: {code(old if isinstance(old, str) else new)}"]
    lines = []
    for key in sorted(new.keys() - old.keys()):
        fields = new[key]
        lines.append(f"- added: {code(key)}: {code(fields.get('title', ''))} ({fields.get('year', 'no year')})" + (f", {code(fields['url'])}" if "url" in fields else ""))
    for key in sorted(old.keys() - new.keys()):
        lines.append(f"- removed: {code(key)}: {code(old[key].get('title', ''))}")
    for key in sorted(old.keys() & new.keys()):
        for name in sorted(old[key].keys() | new[key].keys()):
            before, after = old[key].get(name), new[key].get(name)
            if before != after:
                change = f"{code(before)} → {code(after)}" if before is not None and after is not None else (f"added {code(after)}" if before is None else f"removed (was {code(before)})")
                lines.append(f"- {code(key)}: {code(name)} {change}")
    return lines


def figures(text: str | None) -> dict | str:
    if text is None:
        return {}
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        return str(error)
    return data if isinstance(data, dict) else "not a mapping of figures"


def _bars(figure: dict) -> dict[str, object]:
    """A chart's bars, {label: value}, in their order."""
    return {str(bar.get("label")): bar.get("value") for bar in figure.get("bars") or [] if isinstance(bar, dict)}


def _value(value, unit: str) -> str:
    """A figure as the chart writes it: "63 %"."""
    return code(f"{value} {unit}".strip())


def figures_part(trees: Trees) -> list[str]:
    """Chart figures changed in data/figures.yml, with old and new values."""
    old, new = figures(trees.read("base", "data/figures.yml")), figures(trees.read("head", "data/figures.yml"))
    if isinstance(old, str) or isinstance(new, str):
        return [f"- data/figures.yml could not be read: {code(old if isinstance(old, str) else new)}"]
    lines = []
    for name in sorted(map(str, new.keys() - old.keys())):
        lines.append(f"- added chart {code(name)}: {code(json.dumps(new[name], ensure_ascii=False))}")
    for name in sorted(map(str, old.keys() - new.keys())):
        lines.append(f"- removed chart {code(name)}")
    for name in sorted(old.keys() & new.keys(), key=str):
        before, after = old[name], new[name]
        if before == after:
            continue
        if not (isinstance(before, dict) and isinstance(after, dict)):
            lines.append(f"- {code(name)}: {code(json.dumps(before, ensure_ascii=False))} → {code(json.dumps(after, ensure_ascii=False))}")
            continue
        unit = after.get("unit") or ""
        for key in sorted(before.keys() | after.keys(), key=str):
            if key != "bars" and before.get(key) != after.get(key):
                lines.append(f"- {code(name)}: {code(key)} {code(json.dumps(before.get(key), ensure_ascii=False))} → {code(json.dumps(after.get(key), ensure_ascii=False))}")
        old_bars, new_bars = _bars(before), _bars(after)
        for label in list(old_bars) + [label for label in new_bars if label not in old_bars]:
            was, now = old_bars.get(label), new_bars.get(label)
            if label not in new_bars:
                lines.append(f"- {code(name)}: bar {code(label)} removed (was {_value(was, unit)})")
            elif label not in old_bars:
                lines.append(f"- {code(name)}: bar {code(label)} added: {_value(now, unit)}")
            elif was != now:
                lines.append(f"- {code(name)}: {code(label)} {_value(was, unit)} → {_value(now, unit)}")
        if list(old_bars) != list(new_bars) and set(old_bars) == set(new_bars):
            lines.append(f"- {code(name)}: the bars are in another order")
    return lines


def describe_download(path: Path) -> str:
    """A download's pages (a PDF's), documents in reading order (an EPUB's) or files (a zip's)."""
    try:
        if path.suffix == ".pdf":
            try:
                import pikepdf

                with pikepdf.open(path) as pdf:
                    return plural(len(pdf.pages), "page")
            except ImportError:
                from pypdf import PdfReader

                return plural(len(PdfReader(path).pages), "page")
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                container = ElementTree.fromstring(book.read("META-INF/container.xml"))
                opf_path = next(e.get("full-path") for e in container.iter() if e.tag.endswith("rootfile"))
                opf = ElementTree.fromstring(book.read(opf_path))
                return plural(sum(1 for e in opf.iter() if e.tag.endswith("itemref")), "document") + " in reading order"
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                return plural(sum(1 for info in archive.infolist() if not info.is_dir()), "file")
    except Exception as error:  # noqa: BLE001 - a download that does not open is news, not a crash
        return f"does not open ({type(error).__name__})"
    return ""


def downloads_part(base: Site, head: Site) -> tuple[list[str], bool]:
    """The downloads' pages and sizes before and after; and whether what they hold changed
    (the files, a page count, downloads that only one side has). A size alone is no change:
    it can move with the build's date."""
    folders = [site.root / "downloads" for site in (base, head)]
    missing = [side for side, folder in zip(("base", "head"), folders) if not (folder.is_dir() and any(folder.iterdir()))]
    if missing:
        return [f"- not built (no downloads in the {' and the '.join(missing)} site)"], len(missing) == 1
    old = {p.name: p for p in base.files() if p.parent == folders[0]}
    new = {p.name: p for p in head.files() if p.parent == folders[1]}
    lines, changed = [], old.keys() != new.keys()
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            lines.append(f"- {code(name)}: removed (was {describe_download(old[name])}, {size(old[name].stat().st_size)})")
        elif name not in old:
            lines.append(f"- {code(name)}: new, {describe_download(new[name])}, {size(new[name].stat().st_size)}")
        else:
            was, now = describe_download(old[name]), describe_download(new[name])
            changed = changed or was != now
            held = now if was == now else f"{was} → {now}"
            lines.append(f"- {code(name)}: {held}, " + before_after(old[name].stat().st_size, new[name].stat().st_size))
    return lines, changed


def weight_part(base: Site, head: Site, changed: list[str], moved: dict[str, str]) -> list[str]:
    """What a first visit to each changed page transfers, before and after."""
    origin = {new: old for old, new in moved.items()}
    lines = []
    for address in changed:
        now = head.weight(address)
        was = base.weight(origin.get(address, address))
        if now is None:
            continue
        if was is None:
            lines.append(f"- {url(address)}: {size(now[0])} in {plural(now[1], 'file')} (a new page)")
        else:
            lines.append(f"- {url(address)}: {before_after(was[0], now[0])}, {plural(now[1], 'file')}")
    return lines


def screenshot_name(place: str, view: str, scheme: str = "light") -> str:
    """The file scripts/screenshots.py writes for a place ("take-action/#canada-…")
    (tests/test_review.py::test_screenshot_names_are_the_screenshot_scripts)."""
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", place.strip("/#")).strip("-") or "home") + f"-{view}-{scheme}.png"


def screenshots_part(places: list[str]) -> list[str]:
    return [f"- {url(place)}: {code(screenshot_name(place, 'phone'))}, {code(screenshot_name(place, 'desktop'))}" for place in places]


def summary(base_site: Path, head_site: Path, trees: Trees, changed: list[str], screenshots: bool = False) -> tuple[str, list[str]]:
    """The Markdown summary, and the places of the head's changed pages to screenshot."""
    base, head = Site(base_site), Site(head_site)
    out = []
    running = [name for name in changed if runs_code(name)]
    if running:
        names = ", ".join(code(name) for name in running[:20]) + (f" and {len(running) - 20} more" if len(running) > 20 else "")
        out.append(
            f"**This pull request changes code that runs: {names}. "
            "Its site was built by that code, so this summary cannot vouch for the build: a maintainer must read those files.**"
        )
    pages, moved = pages_part(base, head)
    words, changed_pages = words_part(base, head, moved)
    places = [address + (f"#{anchor}" if anchor else "") for address, anchor in changed_pages.items()]
    parts = [
        ("Pages added, removed or moved", pages),
        ("Words, page by page", words),
        ("The author's words", author_part(base, head, trees)),
        ("Phone numbers and reporting addresses", contacts_part(base, head, moved)),
        ("Outside hosts new in this pull request", hosts_part(base, head)),
        ("Notes", notes_part(base, head)),
        ("Sources (references.bib)", sources_part(trees)),
        ("Chart figures (data/figures.yml)", figures_part(trees)),
    ]
    unreadable = [f"- {url(p.address)}: {p.unreadable}" for p in head.pages.values() if p.unreadable]
    parts.insert(0, ("Pages that could not be read", unreadable))
    downloads, downloads_changed = downloads_part(base, head)
    if not any(lines for _, lines in parts) and not downloads_changed:
        out.append("No change for readers.")
        return "\n\n".join(out) + "\n", []
    parts.append(("Downloads", downloads))
    parts.append(("First visit (compressed, the page and what it loads)", weight_part(base, head, list(changed_pages), moved)))
    if screenshots and places:
        title = "Screenshots (artifact `review-screenshots`: phone 360 px and desktop, light palette, at the first change)"
        parts.append((title, screenshots_part(places)))
    for title, lines in parts:
        if lines:
            out.append(f"### {title}\n\n" + "\n".join(lines))
    return "\n\n".join(out) + "\n", places


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_site", type=Path)
    parser.add_argument("head_site", type=Path)
    parser.add_argument("--base-tree", type=Path, required=True, help="the checkout the base site was built from")
    parser.add_argument("--head-tree", type=Path, required=True, help="the checkout the head site was built from")
    parser.add_argument("--changed-files", type=Path, help="the changed files, one a line (git diff --name-only); else the trees are compared")
    parser.add_argument("--screenshots", action="store_true", help="name the changed pages' screenshots (the workflow takes them)")
    parser.add_argument("--out", type=Path, help="also write the summary to this file")
    parser.add_argument("--pages-out", type=Path, help="write the head's changed pages to this file, one a line")
    args = parser.parse_args(argv)
    for site in (args.base_site, args.head_site):
        if not (site / "index.html").is_file():
            sys.exit(f"{site} is not a built site (it has no index.html)")
    if args.changed_files:
        changed = sorted({line.strip() for line in args.changed_files.read_text(encoding="utf-8").splitlines() if line.strip()})
    else:
        changed = changed_files(args.base_tree, args.head_tree)
    text, pages = summary(args.base_site, args.head_site, Trees(args.base_tree, args.head_tree), changed, args.screenshots)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    if args.pages_out:
        args.pages_out.parent.mkdir(parents=True, exist_ok=True)
        args.pages_out.write_text("".join(f"{page}\n" for page in pages), encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
