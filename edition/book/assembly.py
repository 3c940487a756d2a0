"""The book's structure, assembled once from the finished pages' trees, for the PDF and the EPUB alike.

The content guard judged every finished page as tinyhtml5 (a WHATWG parser)
built it (edition/finish); the book is made from those very trees, copied,
never from the files read again and never by another parser, so markup that
was inert for the guard (a comment, CDATA, text inside foreign content) stays
inert in both downloads. What the two formats share is done here, once:

- the cover's data (title, author, date, the edition's line and note, the
  licence, from mkdocs.yml's `copyright`, where the rights are said once), with the date from the commit (`SOURCE_DATE_EPOCH`, else
  CITATION.cff's `date-released`: edition/book/archive.py), never the clock;
- the parts, from the sections' `part` front matter in reading order, each
  with its sections, then `book.back_pages` (mkdocs.yml) in their order;
- each page's article without the website's widgets (the edit button, the
  permalinks, "Cite this section", the links to the downloads, the sources a
  browser prints under a page) and without comments; only the elements and attributes the content guard allows are
  taken (`content.ELEMENTS`): whatever the guard would refuse stops the book
  too, naming the page, so the book never renders more than the guard judged;
- the author's notes (`Note`), numbered as on the website, and their calls, as
  neutral markup (`a.noteref`) each renderer dresses in its own way
  (footnotes on paper, EPUB noterefs and footnotes);
- the sources as the website lists them (`ul.sources`, an item per source
  with its "Cited in" line, whose links land on the notes' calls in the book);
- the editors' boxes (admonitions) marked as theirs, whatever their type
  (note, update, chart, editors);
- every id made unique in the book (a prefix per page), every link resolved:
  to an anchor of the book, to the website (`site_url` + path) for a page or
  an anchor the book leaves out, or left as it is for http, https, mailto and
  tel; any other scheme (sms:) keeps its words only, since the book's checks
  allow no other link (edition/book/checks.py);
- every image a file of the built site, by resolved path (no scheme, never
  above the site's root), and the pixels the book shows bounded
  (`MAX_BOOK_PIXELS`, counted per occurrence: the renderers decode each one).

The renderers take a `Book` and change copies of nothing: edition/book/pdf.py
(WeasyPrint) and edition/book/epub.py (ebooklib). Every problem names the page
and the guard "book".

Tests: tests/test_book.py (refusals, links, the property that a page's words are
the downloads' words), tests/test_pdf.py and tests/test_epub.py (the real book).
"""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urljoin, urlsplit

from edition.book.fetcher import SITE
from edition.errors import BOOK, Problem, Refusal, raise_all
from edition.finish import html

# The admonition types the edition writes (CONTRIBUTING.md teaches `!!! note "Editors' note"`);
# every admonition on a page is the editors' words, whatever its type.
EDITORS_BOXES = ("note", "update", "chart", "editors")
EDITORS_LABEL = "Editors\u2019 note: "
# The schemes a link in the book may keep (edition/book/checks.py allows no other).
LINK_SCHEMES = ("http", "https", "mailto", "tel")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Decoded pixels of every image the book shows, each occurrence counted (a renderer
# decodes each one): four photographs at the source guard's largest (MAX_IMAGE_PIXELS).
MAX_BOOK_PIXELS = 48_000_000
RASTER = (".png", ".jpg", ".jpeg", ".webp", ".gif")
# Where the book's resources are addressed: a host that never resolves (RFC 6761), so that
# no path of the build machine is ever written into a download (edition/book/fetcher.py).
BASE_URL = SITE
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ROLES = {"bibliography": "bibliography", "glossary": "glossary"}  # DPUB-ARIA roles by compose:


@dataclass
class Note:
    """One of the author's notes: its number (as on the website) and its paragraphs."""

    number: int
    id: str  # "note-4"
    paragraphs: list  # elements (the note's <p>), its "jump back" link removed
    src_uri: str


@dataclass
class Chapter:
    """A page of the book: an essay section (in a part) or a page after the essay."""

    src_uri: str
    title: str
    id: str  # its anchor in the book ("s14", "bibliography")
    body: object  # a <div> holding the article's content, its heading first
    heading: object  # the page's heading element, inside `body`
    notes: list[Note] = field(default_factory=list)
    number: int | None = None  # the section's number
    part: str | None = None
    role: str | None = None  # bibliography, glossary: the EPUB's epub:type and role
    title_by: str | None = None  # "author" or "editors" (sections' front matter `heading`)

    @property
    def is_section(self) -> bool:
        return self.number is not None


@dataclass
class Part:
    number: int
    title: str
    id: str  # "part-1"
    chapters: list[Chapter] = field(default_factory=list)


@dataclass
class Book:
    title: str
    author: str
    description: str
    language: str
    site_url: str
    date: datetime  # the commit's (or CITATION.cff's) date, never the clock
    cover_date: str  # "Written about 2010"
    edition: str  # "Edition with verified sources"
    edition_line: str  # the edition and its month: "Edition with verified sources, November 2026"
    edition_note: str
    licence: str
    toc_title: str
    version: str  # the edition's version (CITATION.cff)
    parts: list[Part] = field(default_factory=list)
    back: list[Chapter] = field(default_factory=list)
    # Raster images the book shows: site path -> (width, height), and the page each came from.
    images: dict[str, tuple[int, int]] = field(default_factory=dict)
    requests: dict[str, str] = field(default_factory=dict)  # resource URL (from BASE_URL) -> src_uri

    def chapters(self) -> list[Chapter]:
        return [chapter for part in self.parts for chapter in part.chapters] + self.back

    def notes(self) -> list[Note]:
        return [note for chapter in self.chapters() for note in chapter.notes]


def assemble(pages, session, options, site) -> Book:
    """The book from the finished pages (edition.finish.Page), in reading order; Refusals name the page."""
    from edition.book.archive import build_date

    project = session.project
    config = project.config
    cff = session.sources.citation_file
    date = build_date(project.environ, cff.date_released if cff else None)
    by_source = {page.source.src_uri: page for page in pages if page.source is not None}
    sections = [uri for uri, source in session.sources.pages.items() if source.kind == "section"]
    missing = [uri for uri in options.book.back_pages if uri not in by_source]
    if missing:
        raise Refusal("mkdocs.yml", None, f"plugins.edition.book.back_pages: {missing[0]!r} is not a page of docs/", BOOK)
    edition = options.pdf.edition
    book = Book(
        title=str(config.get("site_name") or ""),
        author=str(config.get("site_author") or ""),
        description=str(config.get("site_description") or ""),
        language=project.language,
        site_url=project.site_url,
        date=date,
        cover_date=options.pdf.cover_date,
        edition=edition,
        edition_line=f"{edition}, {month(date)}" if edition else month(date),
        edition_note=options.pdf.edition_note,
        # The rights, said once, in mkdocs.yml's `copyright` (the footer and the pages' metadata read it too).
        licence=" ".join(str(config.get("copyright") or "").split()),
        toc_title=options.pdf.toc_title,
        version=cff.version if cff else "",
    )
    reader = _Reader(book, project, site)
    for uri in sections:
        page = by_source.get(uri)
        if page is None:
            raise Refusal(f"docs/{uri}", None, "the section was not built: the book has no page for it", BOOK)
        meta = page.source.meta
        chapter = reader.chapter(page, f"s{meta['section']}", in_part=True)
        chapter.number, chapter.part, chapter.title_by = meta["section"], meta["part"], meta.get("heading")
        if not book.parts or book.parts[-1].title != chapter.part:
            number = len(book.parts) + 1
            book.parts.append(Part(number, chapter.part, f"part-{number}"))
        book.parts[-1].chapters.append(chapter)
    for uri in options.book.back_pages:
        page = by_source[uri]
        name = project.url_of(uri).strip("/").replace("/", "-") or "index"
        chapter = reader.chapter(page, name, in_part=False)
        chapter.role = ROLES.get(page.source.meta.get("compose") or "")
        book.back.append(chapter)
    reader.resolve_links()
    raise_all(reader.problems, "the book cannot be made from these pages")
    return book


class _Reader:
    """Reads each page's article into a Chapter, remembering every anchor and link for the book."""

    def __init__(self, book: Book, project, site):
        from edition.guard import content

        self.book = book
        self.project = project
        self.site = site
        self.allowed = content.ELEMENTS
        self.chrome = content.CHROME_ONLY
        self.global_attributes = content.GLOBAL
        self.name_of = content._name  # the guard's own names ("svg:title", "math (MathML)")
        # (the page's file in the site, id or "") -> id in the book: "essay/14-opsc/index.html" as built,
        # whatever the generator's URLs (the offline copy's are essay/14-opsc.html).
        self.targets: dict[tuple[str, str], str] = {}
        self.links: list[tuple[object, object, str]] = []  # (link, its parent, the page's file)
        self.problems: list[Problem] = []
        self.pixels = 0

    def refuse(self, src_uri: str, message: str) -> None:
        self.problems.append(Problem(f"docs/{src_uri}", None, message, BOOK))

    def chapter(self, page, ident: str, in_part: bool) -> Chapter:
        source = page.source
        src_uri = source.src_uri
        url = page.dest  # where the page is in the site: its links are relative to it
        if page.article is None:
            raise Refusal(f"docs/{src_uri}", None, f"{page.dest} has no article (article.md-content__inner)", BOOK)
        body = html.element("div")
        article = copy.deepcopy(page.article)
        body.text = article.text
        body.extend(list(article))
        _clean(body)
        self.check_elements(body, src_uri)
        heading = next((node for node in body.iter(f"{html.HTML}h1")), None)
        if heading is None:
            raise Refusal(f"docs/{src_uri}", None, "the page has no heading (# Title) for the book to show", BOOK)
        chapter = Chapter(src_uri, str(source.meta.get("title") or html.text_of(heading)), ident, body, heading)
        chapter.notes = self.notes(body, chapter, url)
        kept = {note.id for note in chapter.notes} | {
            node.get("id") for node in body.iter(f"{html.HTML}a") if "noteref" in html.classes(node)
        }
        self.rename_ids(body, url, f"{ident}-", kept)
        for note in chapter.notes:
            for paragraph in note.paragraphs:
                self.rename_ids(paragraph, url, f"{ident}-", kept)
        self.targets[(url, "")] = ident
        editors_boxes(body)
        if in_part:  # a section's headings one level below its part's title
            for node in body.iter():
                name = html.local(node.tag)
                if name in HEADINGS[:-1] and node.tag.startswith(html.HTML):
                    node.tag = f"{html.HTML}h{int(name[1]) + 1}"
        for holder in [body, *(p for note in chapter.notes for p in note.paragraphs)]:
            self.collect(holder, url, src_uri)
        return chapter

    def check_elements(self, body, src_uri: str) -> None:
        """Only what the content guard allows inside an article: the book renders nothing it did not judge."""
        for node in body.iter():
            if not isinstance(node.tag, str):
                continue
            name = self.name_of(node.tag)
            if name not in self.allowed or name in self.chrome:
                self.refuse(src_uri, f"<{name.replace('svg:', '')}> is not allowed in a page the book shows")
                continue
            allowed = self.allowed[name] | self.global_attributes
            for attribute in node.attrib:
                if attribute not in allowed:
                    self.refuse(src_uri, f"the attribute {attribute.split('}')[-1]} on <{name}> is not allowed in the book")

    def notes(self, body, chapter: Chapter, url: str) -> list[Note]:
        """The notes (`div.footnote`) taken out of the page; their calls made `a.noteref`."""
        notes: dict[str, Note] = {}
        parents = _parents(body)
        for block in [node for node in body.iter(f"{html.HTML}div") if "footnote" in html.classes(node)]:
            for item in block.iter(f"{html.HTML}li"):
                value = item.get("value") or ""
                if not item.get("id") or not value.isdigit():
                    self.refuse(chapter.src_uri, f"a note without its number: {html.text_of(item)[:60]!r}")
                    continue
                for backref in [a for a in item.iter(f"{html.HTML}a") if "footnote-backref" in html.classes(a)]:
                    _remove(backref, _parents(item))
                paragraphs = [child for child in item if html.local(child.tag) == "p"]
                if not paragraphs:
                    paragraph = html.element("p")
                    paragraph.text = item.text
                    paragraph.extend(list(item))
                    paragraphs = [paragraph]
                for paragraph in paragraphs:
                    _strip_end(paragraph)
                note = Note(int(value), f"note-{value}", paragraphs, chapter.src_uri)
                notes[item.get("id")] = note
                self.targets[(url, item.get("id"))] = note.id
            _remove(block, parents)
        calls: dict[str, int] = {}
        parents = _parents(body)
        for marker in list(body.iter(f"{html.HTML}sup")):
            link = next((a for a in marker if html.local(a.tag) == "a" and "footnote-ref" in html.classes(a)), None)
            if link is None:
                continue
            target = (link.get("href") or "").removeprefix("#")
            note = notes.get(target)
            if note is None:
                self.refuse(chapter.src_uri, f"the note call {html.text_of(link)!r} has no note on its page")
                continue
            calls[target] = calls.get(target, 0) + 1
            ident = f"noteref-{note.number}" + (f"-{calls[target]}" if calls[target] > 1 else "")
            if marker.get("id"):
                self.targets[(url, marker.get("id"))] = ident
            call = html.element("a", {"class": "noteref", "href": f"#{note.id}", "id": ident,
                                      "data-note": str(note.number)}, str(note.number))
            sup = html.element("sup")
            sup.append(call)
            sup.tail = marker.tail
            parent = parents[marker]
            parent[list(parent).index(marker)] = sup
        return sorted(notes.values(), key=lambda note: note.number)

    def rename_ids(self, root, url: str, prefix: str, kept: set) -> None:
        renamed = {}
        for node in root.iter():
            ident = node.get("id") if isinstance(node.tag, str) else None
            if not ident or ident in kept:
                continue
            new = prefix + re.sub(r"[^A-Za-z0-9_-]", "-", ident)
            renamed[ident] = new
            self.targets.setdefault((url, ident), new)
            node.set("id", new)
        for node in root.iter():
            for name in ("aria-labelledby", "aria-describedby"):
                if isinstance(node.tag, str) and node.get(name):
                    node.set(name, " ".join(renamed.get(part, part) for part in node.get(name).split()))

    def collect(self, root, url: str, src_uri: str) -> None:
        """Remember the links (resolved once every page is read) and check every image."""
        parents = _parents(root)
        for node in list(root.iter()):
            if not isinstance(node.tag, str):
                continue
            name = html.local(node.tag)
            if name == "a" and node.get("href") is not None and "noteref" not in html.classes(node):
                node.attrib.pop("rel", None)  # no relation reaches a renderer (rel="attachment" embeds a file)
                node.attrib.pop("target", None)
                self.links.append((node, parents.get(node), url))
            elif name == "img":
                self.image(node, url, src_uri)

    def image(self, node, url: str, src_uri: str) -> None:
        from edition.book.fetcher import SiteFiles

        src = (node.get("src") or "").strip()
        path = _site_path(src, url)
        if path is None:
            self.refuse(src_uri, f"the image {src[:60]!r} is not a file of the built site: the book shows only those")
            return
        node.set("src", path)
        self.book.requests[BASE_URL + path] = src_uri
        if not path.lower().endswith(RASTER):
            return
        try:
            data = SiteFiles(self.site).read(path)
        except Refusal as refusal:
            self.refuse(src_uri, f"the image {src[:60]!r}: {refusal.problem.message}")
            return
        size = image_size(data)
        if size is None:
            self.refuse(src_uri, f"the image {src[:60]!r} cannot be read as an image")
            return
        self.book.images[path] = size
        self.pixels += size[0] * size[1]
        if self.pixels > MAX_BOOK_PIXELS:
            self.refuse(src_uri, f"with the image {src[:60]!r} the book shows more than {MAX_BOOK_PIXELS:,} pixels "
                        "of images, which the PDF decodes one by one; show fewer or smaller images")

    def resolve_links(self) -> None:
        """Every link into the book, to the website, or kept; other schemes keep their words only."""
        for link, parent, url in self.links:
            href = (link.get("href") or "").strip()
            scheme = SCHEME.match(href)
            if scheme:
                if scheme.group(1).lower() not in LINK_SCHEMES:
                    _unwrap(link, parent)
                continue
            absolute = urljoin(f"https://site.invalid/{url}", href)
            parts = urlsplit(absolute)
            if parts.netloc != "site.invalid":  # //host/path: another host, by https
                link.set("href", "https:" + href if href.startswith("//") else absolute)
                continue
            path = parts.path.removeprefix("/")
            page = path + "index.html" if not path or path.endswith("/") else path  # a folder's page
            fragment = unquote(parts.fragment)
            target = self.targets.get((page, fragment)) if (page, "") in self.targets else None
            if target is not None:
                link.set("href", f"#{target}")
            elif self.book.site_url:
                query = f"?{parts.query}" if parts.query else ""
                link.set("href", self.book.site_url + path + query + (f"#{parts.fragment}" if parts.fragment else ""))
            else:
                _unwrap(link, parent)


# Shared transforms


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def month(date: datetime) -> str:
    """"November 2026": in English whatever the build machine's locale (strftime's %B follows LC_TIME)."""
    return f"{MONTHS[date.month - 1]} {date.year}"


def editors_boxes(body) -> None:
    """Each admonition marked as the editors' (class `editorial`, role note), its title saying so;
    the editors' line under a title that is theirs (`p.editors-title`) marked too."""
    for line in body.iter(f"{html.HTML}p"):
        if "editors-title" in html.classes(line):
            line.set("class", "editorial editors-title")
    for box in body.iter(f"{html.HTML}div"):
        kinds = html.classes(box)
        if "admonition" not in kinds:
            continue
        kind = next((k for k in kinds if k != "admonition"), "note")
        box.set("class", f"admonition editorial {kind}")
        box.set("role", "note")
        title = next((child for child in box if "admonition-title" in html.classes(child)), None)
        if title is None:
            continue
        title.set("class", "admonition-title editorial-title")
        words = html.text_of(title).casefold().replace("\u2019", "'")
        if not words.startswith("editors' note"):
            label = html.element("span", {"class": "editorial-label"}, EDITORS_LABEL)
            label.tail = title.text
            title.text = None
            title.insert(0, label)


def running_text(heading) -> str:
    """A heading's words without its note calls (running heads, the contents, the outline)."""
    clone = copy.deepcopy(heading)
    parents = _parents(clone)
    calls = [
        node for node in clone.iter()
        if {"note-call", "note-again"} & set(html.classes(node))
        or (html.local(node.tag) == "sup" and any("noteref" in html.classes(a) for a in node))
    ]
    for call in calls:
        _remove(call, parents)
    return html.text_of(clone)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from an image's header, never decoded here."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


# Tree helpers (ElementTree keeps no parents)


def _parents(root) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


def _clean(body) -> None:
    """The website's widgets and every comment taken out (a comment's text is never shown)."""
    parents = _parents(body)
    for node in list(body.iter()):
        if node is body or node not in parents:
            continue
        if not isinstance(node.tag, str) or _is_widget(node):
            _remove(node, parents)


def _is_widget(node) -> bool:
    """The website's own: the edit button, a permalink, "Cite this section", the downloads, and the list of the
    sources a page's editors cite that a browser prints with it (the book has its list of sources)."""
    name = html.local(node.tag)
    kinds = html.classes(node)
    return (
        (name == "a" and ("md-content__button" in kinds or "headerlink" in kinds))
        or node.get("id") == "cite-this-section"
        or (name == "aside" and "edition-downloads" in kinds)
        or (name == "section" and "edition-print-sources" in kinds)
    )


def _remove(node, parents: dict) -> None:
    """Take an element out, keeping the text that follows it."""
    parent = parents.get(node)
    if parent is None:
        return
    children = list(parent)
    index = children.index(node)
    if node.tail:
        if index:
            previous = children[index - 1]
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _unwrap(node, parent) -> None:
    """An element replaced by its words and children (a link a book cannot keep)."""
    if parent is None:
        return
    children = list(parent)
    index = children.index(node)
    inner = list(node)
    text, tail = node.text or "", node.tail or ""
    if index:
        previous = children[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(node)
    for offset, child in enumerate(inner):
        parent.insert(index + offset, child)
    if inner:
        inner[-1].tail = (inner[-1].tail or "") + tail
    elif index:
        previous = list(parent)[index - 1]
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def _strip_end(paragraph) -> None:
    """No space after a note's last word (its "jump back" link was there)."""
    children = list(paragraph)
    if children:
        children[-1].tail = (children[-1].tail or "").rstrip(" \n\t\u00a0") or None
    else:
        paragraph.text = (paragraph.text or "").rstrip(" \n\t\u00a0")


def _site_path(src: str, dest: str) -> str | None:
    """A relative address on the page built as `dest`, as a path in the site; None if it is not one (a scheme, //,
    above the site's root)."""
    if not src or SCHEME.match(src) or src.startswith(("//", "\\")) or "\\" in src:
        return None
    parts = urlsplit(src)
    path = unquote(parts.path)
    if path.startswith("/"):
        return None
    joined = posixpath.join(posixpath.dirname(dest), path)
    depth = 0
    for part in joined.split("/"):
        if part == "..":
            depth -= 1
        elif part not in ("", "."):
            depth += 1
        if depth < 0:
            return None
    normal = posixpath.normpath(joined)
    return None if normal in (".", "") or normal.startswith("../") else normal
