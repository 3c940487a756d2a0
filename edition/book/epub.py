"""Write the EPUB 3 of the essay from the built website (hook epub_export.py, `make site`).

What a reader gets: a cover, a title page, the essay in its parts (one file
per part, each section a `<section>` in it), then the sources, the
abbreviations, where to report a suspected case and the notes on the edition;
the same pages as the PDF. Navigation by parts and sections; the author's
eleven notes numbered 1 to 11 as on the website and marked as EPUB footnotes
(`epub:type="noteref"` / `"footnote"`), so that reading systems show them as
pop-ups; each of the editors' boxes headed "Editors' note"; no embedded
fonts (a reader's own typeface wins); the accessibility metadata of EPUB
Accessibility 1.1.

The text comes from the built pages, never from the Markdown: the note numbers,
the citations, the charts and the abbreviations are what the website shows.
Links between pages become links inside the book; links to pages the book
leaves out (the home page, the contributors' guide) go to the website.

Why this tool: ebooklib (a kept library) writes the package: the OPF with its
metadata, the manifest and spine, the navigation document and the NCX. The
pages themselves are written here as XHTML from the website's HTML, because
the tools that convert HTML would lose what matters: pandoc reads the
website's notes as plain links (its own notes come only from its own Markdown),
renumbers what it does recognise and drops the classes and roles that mark
the editors' words; ebooklib's own `EpubHtml` re-parses pages with an HTML
parser that lowercases SVG's `viewBox`, so the pages are handed to it as
finished XHTML items. Every page is checked to be well-formed XML before it is
packed. Judged by tests/test_epub.py (EPUBCheck and the book's contents).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from edition.pages import sources_as_list

XHTML = "application/xhtml+xml"
STYLESHEET = "edition.css"
COVER_IMAGE = "cover.png"
COVER_SIZE = (1000, 1500)

# The website's widgets, which are not part of a page's text.
WIDGETS = ".md-content__button, a.headerlink, #cite-this-section, .edition-downloads"
# The editors' boxes on the essay's pages (admonitions of these types).
EDITORS_BOXES = ("update", "chart", "editors")
# The link schemes a reading system is expected to know; any other link keeps its words only.
SCHEMES = ("https", "http", "tel", "mailto")
# SVG attributes that an HTML parser lowercases and XHTML needs as written.
SVG_ATTRIBUTES = {"viewbox": "viewBox", "preserveaspectratio": "preserveAspectRatio"}

ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "longDescription"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    (
        "schema:accessibilitySummary",
        "The essay's text, with headings for its parts and sections and a table of contents. "
        "The author's notes are footnotes linked from the text; the charts have a text alternative "
        "and their figures are also given in a table. No typefaces are embedded, so a reader's own "
        "settings apply. Nothing flashes, moves or plays sound.",
    ),
]


@dataclass
class Page:
    """A page of the website that goes into the book."""

    url: str  # as MkDocs has it, e.g. "essay/14-opsc/"
    path: Path  # the built HTML file
    title: str
    part: str | None = None  # for the essay's sections
    number: int | None = None


@dataclass
class Document:
    """One XHTML file of the book."""

    file: str
    title: str
    body: Tag
    kind: str  # epub:type of the body: frontmatter, bodymatter, backmatter
    svg: bool = False
    entries: list = field(default_factory=list)  # (title, fragment) for the navigation


class Book:
    """The book's pages as they are made from the website's, and where each of the website's anchors went."""

    def __init__(self, site_url: str):
        self.site_url = site_url
        self.soup = BeautifulSoup("", "html.parser")
        self.targets: dict[tuple[str, str], str] = {}  # (page url, id or "") -> href in the book
        self.links: list[tuple[Tag, str]] = []  # (link, page url it was on)

    # Reading the website's pages

    def article(self, page: Page) -> Tag:
        """The page's article without the website's widgets, its ids renamed for the book."""
        html = page.path.read_text(encoding="utf-8")
        start, end = html.find("<article"), html.rfind("</article>")
        if start < 0 or end < 0:
            raise EpubError(f"{page.path}: no <article> in the built page")
        # Only the article is parsed, with lxml (a dependency of ebooklib): the rest of a page
        # (navigation, search) is most of it, and html.parser takes five times as long.
        article = BeautifulSoup(html[start : end + len("</article>")], "lxml").article
        for widget in article.select(WIDGETS):
            widget.decompose()
        for svg in article.find_all("svg"):
            for element in [svg, *svg.find_all(True)]:
                for lower, proper in SVG_ATTRIBUTES.items():
                    if lower in element.attrs:
                        element.attrs[proper] = element.attrs.pop(lower)
        return article

    def rename_ids(self, article: Tag, page: Page, file: str, prefix: str, keep: set[str] = frozenset()) -> None:
        """Every id made unique in the book (a part's file holds several pages) and remembered."""
        renamed = {}
        for element in article.find_all(id=True):
            if element["id"] in keep:
                continue
            new = prefix + re.sub(r"[^A-Za-z0-9_-]", "-", element["id"])
            renamed[element["id"]] = new
            self.targets[(page.url, element["id"])] = f"{file}#{new}"
            element["id"] = new
        for element in article.find_all(attrs={"aria-labelledby": True}):
            element["aria-labelledby"] = " ".join(renamed.get(i, i) for i in element["aria-labelledby"].split())
        for link in article.find_all("a", href=True):
            if link.get("epub:type") != "noteref":
                self.links.append((link, page.url))

    # The essay

    def section(self, page: Page, file: str) -> Tag:
        article = self.article(page)
        notes, kept = self.notes(article, page, file)
        self.rename_ids(article, page, file, f"s{page.number}-", kept)
        for note in notes:
            self.rename_ids(note, page, file, f"s{page.number}-", kept)
        heading = article.find("h1")
        heading.name = "h2"
        section = self.soup.new_tag(
            "section",
            attrs={"id": f"s{page.number}", "epub:type": "chapter", "role": "doc-chapter", "aria-labelledby": heading["id"]},
        )
        self.targets[(page.url, "")] = f"{file}#s{page.number}"
        for box in article.select("div.admonition"):
            self.editors_box(box)
        for line in article.select("p.editors-title"):
            line["class"] = ["editorial", "editors-title"]
        for child in list(article.children):
            section.append(child.extract())
        section.extend(notes)
        return section

    def notes(self, article: Tag, page: Page, file: str) -> tuple[list[Tag], set[str]]:
        """The author's notes as EPUB footnotes, numbered as on the website; their calls as noterefs.

        Returns the notes (to go at the end of the section) and the ids given to them and their calls.
        """
        block = article.select_one("div.footnote")
        if block is None:
            return [], set()
        notes: dict[str, tuple[str, Tag]] = {}
        for item in block.select("li[id]"):
            number = item.get("value") or ""
            if not number.isdigit():
                raise EpubError(f"{page.url}: a note without its number: {item.get_text()[:60]!r}")
            for backref in item.select("a.footnote-backref"):
                backref.decompose()
            aside = self.soup.new_tag("aside", attrs={"id": f"note-{number}", "epub:type": "footnote", "role": "doc-footnote"})
            for index, paragraph in enumerate(item.find_all("p", recursive=False) or [item]):
                new = self.soup.new_tag("p")
                if index == 0:
                    label = self.soup.new_tag("span", attrs={"class": "note-number"})
                    label.string = f"{number}."
                    new.extend([label, " "])
                new.extend(list(paragraph.contents))
                _strip_end(new)
                aside.append(new)
            notes[item["id"]] = (number, aside)
            self.targets[(page.url, item["id"])] = f"{file}#note-{number}"
        kept = {f"note-{number}" for number, _ in notes.values()}
        calls: dict[str, int] = {}
        for marker in article.select("sup[id]"):
            link = marker.find("a", class_="footnote-ref")
            if link is None:
                continue
            note_id = link["href"].removeprefix("#")
            if note_id not in notes:
                raise EpubError(f"{page.url}: the note call {link.get_text()!r} has no note")
            number = notes[note_id][0]
            calls[note_id] = calls.get(note_id, 0) + 1
            ref_id = f"noteref-{number}" + (f"-{calls[note_id]}" if calls[note_id] > 1 else "")
            self.targets[(page.url, marker["id"])] = f"{file}#{ref_id}"
            kept.add(ref_id)
            call = self.soup.new_tag(
                "a", attrs={"href": f"#note-{number}", "id": ref_id, "epub:type": "noteref", "role": "doc-noteref"}
            )
            call.string = number
            sup = self.soup.new_tag("sup")
            sup.append(call)
            marker.replace_with(sup)
        block.decompose()
        return [aside for _, aside in notes.values()], kept

    def editors_box(self, box: Tag) -> None:
        """An editors' box keeps its title, headed "Editors' note" so that no reader takes it for the author's."""
        kinds = [kind for kind in EDITORS_BOXES if kind in box.get("class", [])]
        if not kinds:
            raise EpubError(f"an admonition of unknown type {box.get('class')}: only the editors' boxes are expected")
        box["class"] = ["editorial", kinds[0]]
        box["role"] = "note"
        title = box.select_one("p.admonition-title")
        if title is not None:
            title["class"] = ["editorial-title"]
            label = self.soup.new_tag("span", attrs={"class": "editorial-label"})
            label.string = "Editors\u2019 note: "
            title.insert(0, label)

    def part_document(self, number: int, part: str, pages: list[Page]) -> Document:
        file = f"part-{number:02d}.xhtml"
        body = self.soup.new_tag("section", attrs={"id": f"part-{number}", "epub:type": "part", "role": "doc-part"})
        heading = self.soup.new_tag("h1", attrs={"id": f"part-{number}-title"})
        heading.string = part
        body["aria-labelledby"] = heading["id"]
        body.append(heading)
        document = Document(file, part, body, "bodymatter")
        for page in pages:
            section = self.section(page, file)
            body.append(section)
            document.entries.append((page.title, section["id"]))
            document.svg = document.svg or section.find("svg") is not None
        return document

    # The pages after the essay: sources, abbreviations, reporting, about

    def back_page(self, page: Page, file: str, role: str | None = None) -> Document:
        article = self.article(page)
        self.rename_ids(article, page, file, "")
        self.targets[(page.url, "")] = file
        body = self.soup.new_tag("section", attrs={"id": file.removesuffix(".xhtml")})
        if role:
            body["epub:type"] = role
            body["role"] = f"doc-{role}"
        heading = article.find("h1")
        body["aria-labelledby"] = heading["id"]
        sources_as_list(self.soup, article)
        for child in list(article.children):
            body.append(child.extract())
        return Document(file, page.title, body, "backmatter", svg=body.find("svg") is not None)

    # Links

    def resolve_links(self) -> None:
        """Links between pages point into the book; links to pages it leaves out, to the website."""
        for link, page_url in self.links:
            href = link["href"]
            scheme = re.match(r"^([a-z][a-z0-9+.-]*):", href)
            if scheme and scheme.group(1) in SCHEMES:
                continue
            if scheme:
                # EPUBCheck warns of schemes it does not know (sms:): the words stay, without the link.
                link.unwrap()
                continue
            absolute = urljoin(f"https://book.invalid/{page_url}", href)
            parts = urlsplit(absolute)
            path = parts.path.removeprefix("/")
            target = self.targets.get((path, parts.fragment)) or (
                self.targets.get((path, "")) if not parts.fragment else None
            )
            if target is None and (path, "") in self.targets:
                raise EpubError(f"{page_url}: the link {href!r} points to an anchor the book does not have")
            link["href"] = target or urljoin(self.site_url, path) + (f"#{parts.fragment}" if parts.fragment else "")

    # Writing

    def xhtml(self, document: Document, language: str) -> str:
        body = str(document.body)
        text = (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{language}" xml:lang="{language}">\n'
            f"<head>\n<meta charset=\"utf-8\"/>\n<title>{_escape(document.title)}</title>\n"
            f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>\n</head>\n'
            f'<body epub:type="{document.kind}">\n{body}\n</body>\n</html>\n'
        )
        _check_well_formed(text, document.file)
        return text


class EpubError(Exception):
    """The built pages are not what the book expects: the message says where."""


def write(
    target: Path,
    *,
    sections: list[Page],
    back: list[Page],
    title: str,
    author: str,
    description: str,
    language: str,
    site_url: str,
    cover_date: str,
    edition: str,
    edition_note: str,
    stylesheet: str,
) -> None:
    from ebooklib import epub

    book = Book(site_url)
    parts: list[tuple[str, list[Page]]] = []
    for page in sections:
        if not parts or parts[-1][0] != page.part:
            parts.append((page.part, []))
        parts[-1][1].append(page)
    documents = [book.part_document(number, part, pages) for number, (part, pages) in enumerate(parts, start=1)]
    roles = {"bibliography/": "bibliography", "glossary/": "glossary"}
    for page in back:
        name = page.url.strip("/").replace("/", "-") or "index"
        documents.append(book.back_page(page, f"{name}.xhtml", roles.get(page.url)))
    book.resolve_links()

    package = epub.EpubBook()
    package.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, site_url + '#epub')}")
    package.set_title(title)
    package.set_language(language)
    package.add_author(author)
    package.add_metadata("DC", "description", description)
    package.add_metadata("DC", "publisher", edition)
    package.add_metadata("DC", "source", site_url)
    for name, value in ACCESSIBILITY:
        package.add_metadata(None, "meta", value, {"property": name})

    css = epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css", content=stylesheet.encode())
    package.add_item(css)
    cover_image = epub.EpubImage(uid="cover-image", file_name=COVER_IMAGE, media_type="image/png", content=draw_cover(title, author, cover_date))
    cover_image.properties = ["cover-image"]
    package.add_item(cover_image)
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    front = [
        Document("cover.xhtml", "Cover", cover_body(book, title, author, cover_date), "cover"),
        Document("title-page.xhtml", title, title_page(book, title, author, cover_date, edition, edition_note, site_url), "frontmatter"),
    ]
    items = {}
    for document in front + documents:
        item = epub.EpubItem(
            uid=document.file.removesuffix(".xhtml"),
            file_name=document.file,
            media_type=XHTML,
            content=book.xhtml(document, language).encode("utf-8"),
        )
        if document.svg:
            item.properties = ["svg"]
        package.add_item(item)
        items[document.file] = item

    toc = []
    for document in documents:
        if document.entries:
            toc.append(
                (
                    epub.Section(document.title, href=document.file),
                    [epub.Link(f"{document.file}#{fragment}", name, fragment) for name, fragment in document.entries],
                )
            )
        else:
            toc.append(epub.Link(document.file, document.title, document.file.removesuffix(".xhtml")))
    package.toc = toc
    package.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
        {"type": "text", "href": documents[0].file, "title": "The essay"},
        {"type": "bibliography", "href": "bibliography.xhtml", "title": "Sources"},
    ]
    nav = epub.EpubNav(title="Contents")
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    package.spine = [items["cover.xhtml"], items["title-page.xhtml"], nav, *(items[d.file] for d in documents)]
    target.parent.mkdir(parents=True, exist_ok=True)
    epub.write_epub(str(target), package, {"epub2_guide": False, "epub3_landmark": True, "epub3_pages": False})
    set_package_language(target, language)


def set_package_language(target: Path, language: str) -> None:
    """The package document's own `xml:lang` (Ace asks for it; ebooklib writes only dc:language)."""
    import zipfile

    with zipfile.ZipFile(target) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w") as archive:
        for info, data in entries:
            if info.filename.endswith(".opf"):
                data = data.replace(b"<package ", f'<package xml:lang="{language}" '.encode(), 1)
            # mimetype first and stored, as it came; everything else compressed
            archive.writestr(info, data, compress_type=info.compress_type, compresslevel=9)


def cover_body(book: Book, title: str, author: str, date: str) -> Tag:
    body = book.soup.new_tag("section", attrs={"epub:type": "cover", "class": "cover"})
    image = book.soup.new_tag(
        "img", attrs={"src": COVER_IMAGE, "alt": f"{title}. An essay by {author}. {date}.", "role": "doc-cover"}
    )
    body.append(image)
    return body


def title_page(book: Book, title: str, author: str, date: str, edition: str, note: str, site_url: str) -> Tag:
    body = book.soup.new_tag("section", attrs={"epub:type": "titlepage", "class": "title-page", "aria-labelledby": "book-title"})
    html = (
        f'<h1 id="book-title">{_escape(title)}</h1>'
        f'<p class="by">An essay by</p><p class="author">{_escape(author)}</p><p class="date">{_escape(date)}</p>'
        f'<div class="edition editorial"><p><strong>{_escape(edition)}, '
        f"{datetime.now(timezone.utc).strftime('%B %Y')}</strong></p><p>{_escape(note)}</p>"
        f'<p><a href="{_escape(site_url)}">{_escape(site_url)}</a></p></div>'
    )
    body.extend(list(BeautifulSoup(html, "html.parser").contents))
    return body


def draw_cover(title: str, author: str, date: str) -> bytes:
    """The cover as a PNG, drawn like the share images (edition/social_cards.py): no network, a packaged font."""
    import io

    from PIL import Image, ImageDraw

    from edition.social_cards import BACKGROUND, FOREGROUND, MUTED, font, wrap

    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 90
    draw.rectangle([0, 0, 24, height], fill=MUTED)
    face = font("Bold", 104)
    y = 260
    for line in wrap(title, face, width - 2 * margin):
        draw.text((margin, y), line, font=face, fill=FOREGROUND)
        y += 128
    draw.text((margin, height - 330), "An essay by", font=font("Regular", 44), fill=MUTED)
    draw.text((margin, height - 270), author, font=font("Semibold", 72), fill=FOREGROUND)
    draw.text((margin, height - 170), date, font=font("Regular", 44), fill=MUTED)
    output = io.BytesIO()
    image.quantize(colors=32).save(output, "PNG", optimize=True)
    return output.getvalue()


def _strip_end(tag: Tag) -> None:
    from bs4 import NavigableString

    if tag.contents and isinstance(tag.contents[-1], NavigableString):
        tag.contents[-1].replace_with(tag.contents[-1].rstrip(" \n\t\u00a0"))


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _check_well_formed(text: str, name: str) -> None:
    from xml.etree import ElementTree

    try:
        ElementTree.fromstring(text.split("\n", 2)[2])
    except ElementTree.ParseError as error:
        raise EpubError(f"{name} is not well-formed XHTML: {error}") from None

