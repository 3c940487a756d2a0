"""The EPUB 3 of the essay: the book's trees written as XHTML, packaged by ebooklib.

What a reader gets: a cover, a title page (with the edition's line, its
month and the licence), the essay in its parts (one file per part, each
section a `<section>` in it), then the pages after the essay (sources,
abbreviations, where to report a suspected case, the notes on the edition);
the same pages as the PDF. Navigation by parts and sections; the author's
eleven notes numbered 1 to 11 as on the website and marked as EPUB footnotes
(`epub:type="noteref"` / `"footnote"` with the DPUB-ARIA roles
`doc-noteref` / `doc-footnote`), so that reading systems show them as
pop-ups; each of the editors' boxes headed "Editors' note"; no embedded fonts
(a reader's own typeface wins); the accessibility metadata of EPUB
Accessibility 1.1; `dc:rights` the licence.

The pages come from the assembly (edition/book/assembly.py): the finished
trees the content guard judged, never re-parsed. They are written here as
XHTML with ElementTree: each element under its local name, the namespaces
declared where they begin (`xmlns` on `<html>` and on each `<svg>`,
`xmlns:epub` on `<html>`), every text escaped by ElementTree, and each file
parsed back to prove it well-formed XML with its elements in the right
namespaces before it is packed. Reading systems parse EPUB's XHTML as XML,
so an empty element is written `<a id="x" />`.

Why this tool: ebooklib (a kept library) writes the package: the OPF with
its metadata, manifest and spine, the navigation document and the NCX, given
the finished XHTML items (its own `EpubHtml` would re-parse them with an HTML
parser, which lowercases SVG's `viewBox`). The zip is then written again by
edition/book/archive.py, entries in a fixed order and with the build's date
(`mimetype` first and stored), and the package document gets its own
`xml:lang` (Ace asks for it; ebooklib writes only `dc:language`); the
modification date is the build's (`dcterms:modified`), never the clock.

Tests: tests/test_epub.py (EPUBCheck and Ace, the book against the website),
tests/test_book.py (small books: reproducible, the editors' boxes, the checks).
"""

from __future__ import annotations

import copy
import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from edition.book.assembly import Book, Chapter
from edition.errors import BOOK, Refusal
from edition.finish import html

XHTML_NS = "http://www.w3.org/1999/xhtml"
SVG_NS = "http://www.w3.org/2000/svg"
OPS_NS = "http://www.idpf.org/2007/ops"
XLINK_NS = "http://www.w3.org/1999/xlink"
XHTML = "application/xhtml+xml"
STYLESHEET = "edition.css"
STYLESHEET_SOURCE = "print/epub.css"
COVER_IMAGE = "cover.png"
COVER_SIZE = (1000, 1500)
FOLDER = "EPUB"
# The files ebooklib writes besides the edition's items.
PACKAGE_FILES = ("mimetype", "META-INF/container.xml", f"{FOLDER}/content.opf", f"{FOLDER}/nav.xhtml", f"{FOLDER}/toc.ncx")
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
               ".gif": "image/gif", ".svg": "image/svg+xml"}  # fmt: skip

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
class Document:
    """One XHTML file of the book."""

    file: str
    title: str
    body: object  # an element: the content of <body>
    kind: str  # epub:type of the body: cover, frontmatter, bodymatter, backmatter
    entries: list = field(default_factory=list)  # (title, fragment) for the navigation
    pages: list = field(default_factory=list)  # the src_uri of each page it holds, for the messages

    @property
    def shown(self) -> str:
        """Where a problem of this file is to be found: its page, or its pages."""
        if not self.pages:
            return self.file
        return f"docs/{self.pages[0]}" + (f" (and the other pages of {self.file})" if len(self.pages) > 1 else "")

    @property
    def svg(self) -> bool:
        return any(node.tag == f"{{{SVG_NS}}}svg" for node in self.body.iter())


def write(book: Book, target: Path, site: Path, stylesheet: str, download: str = "the EPUB") -> list[str]:
    """Write the EPUB at `target` (`download` in the site); the names of the files it holds, as the edition wrote them."""
    from ebooklib import epub

    documents = [cover_document(book), title_document(book)]
    body_documents = [part_document(part) for part in book.parts]
    body_documents += [back_document(chapter) for chapter in book.back]
    documents += body_documents
    resolve_links(documents)

    package = epub.EpubBook()
    package.FOLDER_NAME = FOLDER
    package.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, book.site_url + '#epub')}")
    package.set_title(book.title)
    package.set_language(book.language)
    package.add_author(book.author)
    package.add_metadata("DC", "description", book.description)
    package.add_metadata("DC", "publisher", book.edition)
    package.add_metadata("DC", "source", book.site_url)
    if book.licence:
        package.add_metadata("DC", "rights", book.licence)
    for name, value in ACCESSIBILITY:
        package.add_metadata(None, "meta", value, {"property": name})

    written = []
    package.add_item(epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css", content=stylesheet.encode()))
    cover_image = epub.EpubImage(uid="cover-image", file_name=COVER_IMAGE, media_type="image/png", content=draw_cover(book))
    cover_image.properties = ["cover-image"]
    package.add_item(cover_image)
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    written += [STYLESHEET, COVER_IMAGE]
    for number, path in enumerate(sorted(images(documents)), start=1):
        from edition.book.fetcher import SiteFiles

        suffix = Path(path).suffix.lower()
        data = SiteFiles(site).read(path)
        package.add_item(epub.EpubItem(uid=f"image-{number}", file_name=path, media_type=MEDIA_TYPES[suffix], content=data))
        written.append(path)

    items = {}
    for document in documents:
        item = epub.EpubItem(uid=document.file.removesuffix(".xhtml"), file_name=document.file, media_type=XHTML,
                             content=xhtml(document, book.language).encode("utf-8"))
        if document.svg:
            item.properties = ["svg"]
        package.add_item(item)
        items[document.file] = item
        written.append(document.file)

    toc = []
    for document in body_documents:
        if document.entries:
            toc.append((epub.Section(document.title, href=document.file),
                        [epub.Link(f"{document.file}#{fragment}", name, fragment) for name, fragment in document.entries]))
        else:
            toc.append(epub.Link(document.file, document.title, document.file.removesuffix(".xhtml")))
    package.toc = toc
    bibliography = next((d.file for d in body_documents if d.file == "bibliography.xhtml"), None)
    package.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
        {"type": "text", "href": body_documents[0].file, "title": "The essay"},
        *([{"type": "bibliography", "href": bibliography, "title": "Sources"}] if bibliography else []),
    ]
    nav = epub.EpubNav(title="Contents")
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    package.add_item(nav)
    package.add_item(epub.EpubNcx())
    package.spine = [items["cover.xhtml"], items["title-page.xhtml"], nav, *(items[d.file] for d in body_documents)]
    packed = io.BytesIO()
    epub.write_epub(packed, package, {"epub2_guide": False, "epub3_landmark": True, "epub3_pages": False,
                                      "mtime": book.date.replace(tzinfo=None), "raise_exceptions": True})
    names = repack(packed.getvalue(), target, book)
    expected = sorted(PACKAGE_FILES + tuple(f"{FOLDER}/{name}" for name in written))
    if sorted(names) != expected:
        raise Refusal(download, None, f"the EPUB holds {sorted(set(names) ^ set(expected))} beyond or short of "
                      "what the edition wrote", BOOK)
    return expected


def repack(data: bytes, target: Path, book: Book) -> list[str]:
    """ebooklib's zip written again: mimetype first and stored, then sorted; the build's date; the package's xml:lang."""
    from edition.book.archive import write_entries

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    opf = f"{FOLDER}/content.opf"
    entries[opf] = entries[opf].replace(b"<package ", f'<package xml:lang="{book.language}" '.encode(), 1)
    names = ["mimetype", *sorted(name for name in entries if name != "mimetype")]
    target.parent.mkdir(parents=True, exist_ok=True)
    write_entries(target, [(name, entries[name]) for name in names], book.date, stored=("mimetype",))
    return names


# The documents


def part_document(part) -> Document:
    file = f"part-{part.number:02d}.xhtml"
    body = _element("section", {"id": part.id, "epub:type": "part", "role": "doc-part", "aria-labelledby": f"{part.id}-title"})
    body.append(_element("h1", {"id": f"{part.id}-title"}, part.title))
    document = Document(file, part.title, body, "bodymatter")
    for chapter in part.chapters:
        section = chapter_section(chapter, {"epub:type": "chapter", "role": "doc-chapter"})
        body.append(section)
        document.entries.append((chapter.title, chapter.id))
        document.pages.append(chapter.src_uri)
    return document


def back_document(chapter: Chapter) -> Document:
    roles = {"epub:type": chapter.role, "role": f"doc-{chapter.role}"} if chapter.role else {}
    return Document(f"{chapter.id}.xhtml", chapter.title, chapter_section(chapter, roles), "backmatter",
                    pages=[chapter.src_uri])


def chapter_section(chapter: Chapter, attributes: dict):
    """A chapter's content in its <section>: note calls as noterefs, its notes as footnotes at its end, a
    table column's alignment as a class."""
    section = _element("section", {"id": chapter.id, **attributes, "aria-labelledby": chapter.heading.get("id")})
    content = copy.deepcopy(chapter.body)
    section.text = content.text
    section.extend(list(content))
    for cell in section.iter():
        align = cell.attrib.pop("align", None) if html.local(cell.tag) in ("td", "th") else None
        if align:  # XHTML 5 has no `align`: a class, styled by print/epub.css
            cell.set("class", " ".join([*html.classes(cell), f"align-{align}"]))
    for call in section.iter(f"{html.HTML}a"):
        if "noteref" in html.classes(call):
            call.attrib.pop("data-note", None)
            call.attrib.pop("class", None)
            call.set("epub:type", "noteref")
            call.set("role", "doc-noteref")
    for note in chapter.notes:
        aside = _element("aside", {"id": note.id, "epub:type": "footnote", "role": "doc-footnote"})
        for index, paragraph in enumerate(copy.deepcopy(note.paragraphs)):
            if index == 0:
                label = _element("span", {"class": "note-number"}, f"{note.number}.")
                label.tail = " " + (paragraph.text or "").lstrip()
                paragraph.text = None
                paragraph.insert(0, label)
            aside.append(paragraph)
        section.append(aside)
    return section


def cover_document(book: Book) -> Document:
    body = _element("section", {"epub:type": "cover", "class": "cover"})
    body.append(_element("img", {"src": COVER_IMAGE, "alt": f"{book.title}. An essay by {book.author}. {book.cover_date}.",
                                 "role": "doc-cover"}))
    return Document("cover.xhtml", "Cover", body, "cover")


def title_document(book: Book) -> Document:
    body = _element("section", {"epub:type": "titlepage", "class": "title-page", "aria-labelledby": "book-title"})
    body.append(_element("h1", {"id": "book-title"}, book.title))
    body.append(_element("p", {"class": "by"}, "An essay by"))
    body.append(_element("p", {"class": "author"}, book.author))
    body.append(_element("p", {"class": "date"}, book.cover_date))
    edition = _element("div", {"class": "edition editorial"})
    line = _element("p")
    line.append(_element("strong", None, book.edition_line))
    edition.append(line)
    if book.edition_note:
        edition.append(_element("p", None, book.edition_note))
    if book.licence:
        edition.append(_element("p", {"class": "licence"}, book.licence))
    if book.site_url:
        address = _element("p")
        address.append(_element("a", {"href": book.site_url}, book.site_url))
        edition.append(address)
    body.append(edition)
    return Document("title-page.xhtml", book.title, body, "frontmatter")


def images(documents: list[Document]) -> set[str]:
    """The site's images the pages show (their src is their path in the site, and in the book)."""
    return {node.get("src") for document in documents[2:] for node in document.body.iter(f"{html.HTML}img")}


def resolve_links(documents: list[Document]) -> None:
    """A link to an anchor of the book (`#id`) points into the file that holds it."""
    where = {}
    for document in documents:
        for node in document.body.iter():
            if isinstance(node.tag, str) and node.get("id"):
                where.setdefault(node.get("id"), document.file)
    for document in documents:
        for link in document.body.iter(f"{html.HTML}a"):
            href = link.get("href") or ""
            if href.startswith("#"):
                file = where.get(href[1:])
                if file is None:
                    raise Refusal(document.shown, None, f"the link {href!r} points to an anchor the book does not have", BOOK)
                if file != document.file:
                    link.set("href", f"{file}{href}")


# Writing XHTML


def xhtml(document: Document, language: str) -> str:
    """The document as XHTML: ElementTree writes it, ElementTree reads it back (well-formed, namespaces right)."""
    root = ET.Element("html", {"xmlns": XHTML_NS, "xmlns:epub": OPS_NS, "lang": language, "xml:lang": language})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(head, "title").text = document.title
    ET.SubElement(head, "link", {"rel": "stylesheet", "type": "text/css", "href": STYLESHEET})
    body = ET.SubElement(root, "body", {"epub:type": document.kind})
    body.append(_plain(document.body, XHTML_NS))
    uses_xlink = any(name.startswith("xlink:") for node in root.iter() for name in node.attrib)
    if uses_xlink:
        root.set("xmlns:xlink", XLINK_NS)
    text = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + ET.tostring(root, encoding="unicode") + "\n"
    check_well_formed(text, document.shown)
    return text


def _plain(node, parent_namespace: str | None, in_pre: bool = False):
    """A copy of a namespaced tree with local names, its namespaces declared by `xmlns` where they begin."""
    namespace, name = _split(node.tag)
    attributes = {}
    if namespace != parent_namespace and namespace is not None:
        attributes["xmlns"] = namespace
    for key, value in node.attrib.items():
        key_namespace, key_name = _split(key)
        if key_namespace == "http://www.w3.org/2000/xmlns/":
            continue  # ElementTree declares the namespaces itself (above)
        if key_namespace == OPS_NS:
            key_name = f"epub:{key_name}"
        elif key_namespace == XLINK_NS:
            key_name = f"xlink:{key_name}"
        elif key_namespace == "http://www.w3.org/XML/1998/namespace":
            key_name = f"xml:{key_name}"
        attributes[key_name] = value
    copy_ = ET.Element(name, attributes)
    inside = in_pre or name == "pre"
    copy_.text, copy_.tail = _blank(node.text, inside), _blank(node.tail, in_pre)
    for child in node:
        if isinstance(child.tag, str):
            copy_.append(_plain(child, namespace, inside))
        elif copy_.__len__():
            copy_[-1].tail = (copy_[-1].tail or "") + (child.tail or "")
        else:
            copy_.text = (copy_.text or "") + (child.tail or "")
    return copy_


def _blank(text: str | None, in_pre: bool) -> str | None:
    """Runs of blank lines (where the website's widgets were) as one line feed; other text as it is."""
    if text and not in_pre and not text.strip() and "\n" in text:
        return "\n"
    return text


def _split(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return None, tag


def check_well_formed(text: str, name: str) -> None:
    """Well-formed XML whose root is XHTML's <html> and whose drawings are SVG's; a Refusal otherwise."""
    try:
        root = ET.fromstring(text.split("\n", 2)[2])
    except ET.ParseError as error:
        raise Refusal(name, None, f"its XHTML in the EPUB is not well-formed: {error}", BOOK) from None
    if root.tag != f"{{{XHTML_NS}}}html":
        raise Refusal(name, None, "its page in the EPUB is not XHTML (no <html> in XHTML's namespace)", BOOK)
    for node in root.iter():
        namespace, local = _split(node.tag)
        if local == "svg" and namespace != SVG_NS:
            raise Refusal(name, None, "its page in the EPUB holds an <svg> outside SVG's namespace", BOOK)


def _element(name: str, attributes: dict | None = None, text: str | None = None):
    """A new XHTML element of the book; `epub:type` in EPUB's namespace."""
    attributes = {(f"{{{OPS_NS}}}type" if key == "epub:type" else key): value for key, value in (attributes or {}).items()}
    return html.element(name, attributes, text)


# The cover


def draw_cover(book: Book) -> bytes:
    """The cover as a PNG, drawn like the share cards (edition/metadata/cards.py): no network, a packaged font."""
    from PIL import Image, ImageDraw

    from edition.metadata.cards import BACKGROUND, FOREGROUND, MUTED, font, wrap

    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 90
    draw.rectangle([0, 0, 24, height], fill=MUTED)
    face = font("Bold", 104)
    y = 260
    for line in wrap(book.title, face, width - 2 * margin):
        draw.text((margin, y), line, font=face, fill=FOREGROUND)
        y += 128
    draw.text((margin, height - 330), "An essay by", font=font("Regular", 44), fill=MUTED)
    draw.text((margin, height - 270), book.author, font=font("Semibold", 72), fill=FOREGROUND)
    draw.text((margin, height - 170), book.cover_date, font=font("Regular", 44), fill=MUTED)
    output = io.BytesIO()
    image.quantize(colors=32).save(output, "PNG", optimize=True)
    return output.getvalue()


def read_stylesheet(root: Path) -> str:
    """print/epub.css, through the repository's one reader (edition/files.py)."""
    from edition import files

    return files.read_text(root, STYLESHEET_SOURCE, "print")

