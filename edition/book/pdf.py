"""The PDF, A4 and US Letter: the book's trees set for print and rendered by WeasyPrint, tagged PDF/UA-1.

From the assembly (edition/book/assembly.py) this renderer makes one HTML
document, as an ElementTree of the same namespaced elements, serialised by
`edition.finish.html.serialize` (the HTML standard's algorithm), which
WeasyPrint parses back with tinyhtml5, the parser that built the pages the
guard judged: what the guard read is what WeasyPrint lays out. The
print-specific changes are made here:

- the cover (`article#doc-cover`): title, author, the essay's date, and the
  colophon: the edition's line with the commit's month, its note, the
  licence (mkdocs.yml's `copyright`) and the website's address;
- the contents (`article#doc-toc`): the parts with their sections, then the
  pages after the essay, each with its page number (CSS `target-counter`);
- one `article` per part, its title an `h1`, each section a `section`; then
  one `article` per page after the essay;
- running heads and the outline from each heading's words without its note
  (`data-running`, read by print/pdf.css's `string-set` and `bookmark-label`);
- the notes as footnotes (CSS `float: footnote`), numbered as on the
  website, placed at their first call; a later call of the same note is its
  number, linking to it;
- each chart kept on one page with its table (`div.chart-with-table`,
  `break-inside: avoid`), and no heading or editors' line left at the foot of
  a page (`break-after: avoid`, print/pdf.css);
- the typefaces from the font packages, by the fetcher's addresses, in the
  drawings too (an SVG's `font-family`, which WeasyPrint reads instead of CSS).

WeasyPrint renders it with `pdf_variant="pdf/ua-1"` (structure tree,
MarkInfo, /Lang, DisplayDocTitle, XMP with the `pdfuaid` declaration),
`base_url` on the fetcher's host that never resolves and the edition's
`url_fetcher` (edition/book/fetcher.py); every link is described for a
screen reader (`/Contents`: its words, or "Note 5"); pikepdf then tags each
page's notes as a list (L, LI, Lbl, LBody), writes the XMP producer as the
document information has it, and saves with an /ID computed from the content.
Dates are the commit's (`dcterms.created`/`modified`), never the clock, so one
commit gives the same bytes anywhere. Each paper is rendered in a child
process of its own (forked: the trees are not copied), both at once on two
cores, each with `time_limit` seconds before it is killed and the build
stopped with a message naming the PDF.

WeasyPrint's internals touched: `Page.links` boxes' `link_annotation`, and
the shape of its tagged footnote areas: tests/test_upstream_pdf.py names both.
Tests: tests/test_pdf.py, tests/test_pdf_accessibility.py (the real PDF),
tests/test_book.py (small books: refusals, time limit, reproducibility).
"""

from __future__ import annotations

import copy
import logging
import multiprocessing
import os
import re
import time
import traceback
from pathlib import Path

from edition.book import assembly
from edition.book.assembly import Book, running_text
from edition.errors import BOOK, Problem, raise_all
from edition.finish import html

log = logging.getLogger("mkdocs.plugins.edition.book")

VARIANT = "pdf/ua-1"
PAPERS = {"A4": None, "letter": "@page { size: letter; }"}
STYLESHEET = "print/pdf.css"
DISTRIBUTION = "protecting-children-essay"


def write(book: Book, site: Path, stylesheet: str, jobs: list[tuple[str, str]], time_limit: float) -> list[Path]:
    """Render each (download, paper) of `jobs` into the site, at once; the partial files written, in order.

    Each is written beside its download (`NAME.partial`): the caller checks it,
    then puts it in place. A refusal, an error or the time limit stops with a Refusal.
    """
    context = multiprocessing.get_context("fork")
    running = []
    for download, paper in jobs:
        text = document(book, stylesheet, paper)
        target = site / download
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(text, site, book.requests, download, partial, send), daemon=True)
        process.start()
        send.close()
        running.append((download, partial, process, receive))
    problems: list[Problem] = []
    deadline = time.monotonic() + time_limit
    for download, partial, process, receive in running:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
            partial.unlink(missing_ok=True)
            problems.append(Problem(download, None, f"rendering took longer than {time_limit:g} s, the limit "
                                    "(plugins.edition.pdf.time_limit in mkdocs.yml), and was stopped: is a page far "
                                    "longer than it should be? If the essay has grown, raise the limit", BOOK))
            continue
        outcome = receive.recv() if receive.poll() else ("error", f"WeasyPrint stopped (exit code {process.exitcode})")
        kind, detail = outcome
        if kind == "refused":
            problems += [Problem(*fields) for fields in detail]
        elif kind == "error":
            problems.append(Problem(download, None, f"the PDF could not be rendered: {detail}", BOOK))
        if kind != "ok":
            partial.unlink(missing_ok=True)
    raise_all(problems, "the PDF was not made")
    return [partial for _, partial, _, _ in running]


def _child(text: str, site: Path, requests: dict, download: str, partial: Path, send) -> None:
    """In the forked process: render, finish, write the partial file; say how it went, then exit at once."""
    errors: list[str] = []
    handler = logging.Handler(level=logging.ERROR)
    handler.emit = lambda record: errors.append(record.getMessage())
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        from edition.book.fetcher import fetcher

        fetch = fetcher(site, requests, download)
        try:
            data = render(text, fetch)
        except BaseException:
            if fetch.refused:
                send.send(("refused", [(p.file, p.line, p.message, p.guard) for p in fetch.refused]))
                return
            raise
        if fetch.refused:
            send.send(("refused", [(p.file, p.line, p.message, p.guard) for p in fetch.refused]))
        elif errors:
            send.send(("error", "WeasyPrint: " + "; ".join(errors[:5])))
        else:
            partial.write_bytes(data)
            send.send(("ok", None))
    except BaseException as error:  # everything, so that the parent always hears why
        send.send(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"))
    finally:
        send.close()
        os._exit(0)


def render(text: str, url_fetcher) -> bytes:
    """One PDF/UA-1 file from the document: WeasyPrint, then pikepdf's finishing."""
    import io

    import pikepdf
    from weasyprint import HTML

    written = HTML(string=text, base_url=assembly.BASE_URL, url_fetcher=url_fetcher).write_pdf(
        pdf_variant=VARIANT, finisher=describe_links
    )
    with pikepdf.open(io.BytesIO(written)) as pdf:
        notes = tag_notes_as_lists(pdf)
        if 'class="print-note"' in text and not notes:
            raise RuntimeError("the notes were not found in the structure tree (has WeasyPrint changed?)")
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdf:Producer"] = str(pdf.docinfo["/Producer"])
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
    return output.getvalue()


# The document


def document(book: Book, stylesheet: str, paper: str = "A4") -> str:
    """The whole book as one HTML document, for WeasyPrint."""
    from edition.book.fetcher import font_faces

    root = html.element("html", {"lang": book.language})
    head = html.element("head")
    root.append(head)
    date = book.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    head.append(html.element("meta", {"charset": "utf-8"}))
    head.append(html.element("title", None, book.title))
    for name, content in (("author", book.author), ("description", book.description), ("generator", generator()),
                          ("dcterms.created", date), ("dcterms.modified", date)):
        head.append(html.element("meta", {"name": name, "content": content}))
    head.append(html.element("style", None, font_faces()))
    head.append(html.element("style", None, stylesheet))
    if PAPERS.get(paper):
        head.append(html.element("style", None, PAPERS[paper]))  # last, so that it wins over the A4 of pdf.css
    body = html.element("body")
    root.append(body)
    body.append(cover(book))
    body.append(contents(book))
    for part in book.parts:
        article = html.element("article", {"id": part.id, "class": "part"})
        heading = html.element("h1", {"id": f"{part.id}-title"}, part.title)
        article.append(heading)
        for chapter in part.chapters:
            section = html.element("section", {"id": chapter.id, "class": "chapter"})
            _move_children(chapter_body(chapter), section)
            article.append(section)
        body.append(article)
    for chapter in book.back:
        article = html.element("article", {"id": chapter.id, "class": "back"})
        _move_children(chapter_body(chapter), article)
        body.append(article)
    for heading in root.iter():
        if html.local(heading.tag) in ("h1", "h2", "h3", "h4") and heading.get("data-running") is None:
            heading.set("data-running", running_text(heading))
    for drawing in root.iter(f"{html.SVG}svg"):
        # WeasyPrint sets a drawing's text in its `font-family` (default: the machine's sans-serif), never the CSS's.
        drawing.set("font-family", "Source Sans Pro")
    for link in list(root.iter(f"{html.HTML}a")):
        parents = assembly._parents(link)
        for abbr in [node for node in link.iter(f"{html.HTML}abbr")]:
            # An abbreviation inside a link is tagged outside the link's Link element; on paper it shows nothing more.
            assembly._unwrap(abbr, parents[abbr])
    return "<!DOCTYPE html>\n" + html.serialize(root)


def _move_children(source, target) -> None:
    target.text = (target.text or "") + (source.text or "")
    target.extend(list(source))


def generator() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{DISTRIBUTION} {version(DISTRIBUTION)}"
    except PackageNotFoundError:
        return DISTRIBUTION


def cover(book: Book):
    article = html.element("article", {"id": "doc-cover"})
    title = html.element("div", {"class": "cover-title"})
    title.append(html.element("h1", None, book.title))
    article.append(title)
    author = html.element("div", {"class": "cover-author"})
    author.append(html.element("p", {"class": "cover-by"}, "An essay by"))
    author.append(html.element("p", {"id": "author"}, book.author))
    author.append(html.element("p", {"class": "cover-date"}, book.cover_date))
    article.append(author)
    colophon = html.element("div", {"class": "cover-edition"})
    colophon.append(html.element("p", {"class": "cover-edition-line"}, book.edition_line))
    if book.edition_note:
        colophon.append(html.element("p", None, book.edition_note))
    if book.licence:
        colophon.append(licence_line(book.licence))
    if book.site_url:
        address = html.element("p")
        address.append(html.element("a", {"href": book.site_url}, book.site_url))
        colophon.append(address)
    article.append(colophon)
    return article


def licence_line(licence: str):
    """The licence, a licence's name never broken over two lines ("CC BY 4.0": print/pdf.css's `.nowrap`)."""
    line = html.element("p", {"class": "cover-licence"})
    pieces = re.split(r"(CC BY(?:-[A-Z]{2})* \d\.\d)", licence)
    line.text = pieces[0]
    for name, after in zip(pieces[1::2], pieces[2::2], strict=True):
        span = html.element("span", {"class": "nowrap"}, name)
        span.tail = after
        line.append(span)
    return line


def contents(book: Book):
    """The parts with their sections, then the pages after the essay; page numbers come from the CSS."""
    article = html.element("article", {"id": "doc-toc"})
    article.append(html.element("h1", None, book.toc_title))
    top = html.element("ul")
    article.append(top)
    for part in book.parts:
        item = html.element("li")
        item.append(html.element("a", {"href": f"#{part.id}-title"}, part.title))
        sections = html.element("ul")
        for chapter in part.chapters:
            entry = html.element("li")
            entry.append(html.element("a", {"href": f"#{chapter.heading.get('id')}"}, running_text(chapter.heading)))
            sections.append(entry)
        item.append(sections)
        top.append(item)
    for chapter in book.back:
        item = html.element("li")
        item.append(html.element("a", {"href": f"#{chapter.heading.get('id')}"}, running_text(chapter.heading)))
        top.append(item)
    return article


def chapter_body(chapter):
    """A copy of the chapter's content with its notes as footnotes and its charts kept with their tables."""
    body = copy.deepcopy(chapter.body)
    body.tag = f"{html.HTML}div"
    body.set("class", "chapter-body")
    notes = {note.id: note for note in chapter.notes}
    placed: set[str] = set()
    parents = assembly._parents(body)
    for sup in list(body.iter(f"{html.HTML}sup")):
        call = next((a for a in sup if "noteref" in html.classes(a)), None)
        if call is None:
            continue
        note = notes[call.get("href").removeprefix("#")]
        if note.id in placed:
            again = html.element("sup", {"class": "note-again"})
            again.append(html.element("a", {"href": f"#{note.id}", "id": call.get("id")}, str(note.number)))
            replacement = again
        else:
            placed.add(note.id)
            replacement = html.element("span", {"class": "note-call", "id": call.get("id")})
            replacement.append(footnote(note))
        replacement.tail = sup.tail
        parent = parents[sup]
        parent[list(parent).index(sup)] = replacement
    keep_charts_with_tables(body)
    return body


def footnote(note):
    """A note as WeasyPrint's footnote: its paragraphs' words in one span, no space at either end."""
    span = html.element("span", {"class": "print-note", "id": note.id, "data-note": str(note.number)})
    for index, paragraph in enumerate(copy.deepcopy(note.paragraphs)):
        text = paragraph.text or ""
        if index:
            text = " " + text
        children = list(span)
        if children:
            children[-1].tail = (children[-1].tail or "") + text
        else:
            span.text = (span.text or "") + text
        span.extend(list(paragraph))
    span.text = (span.text or "").lstrip(" \n\t\u00a0")  # a leading space would break the line after the number
    children = list(span)
    if children:
        children[-1].tail = (children[-1].tail or "").rstrip(" \n\t\u00a0")
    else:
        span.text = span.text.rstrip(" \n\t\u00a0")
    return span


def keep_charts_with_tables(body) -> None:
    """Each chart and the table that follows it in one block that does not break (print/pdf.css)."""
    for holder in list(body.iter()):
        children = list(holder)
        for index, child in enumerate(children):
            if html.local(child.tag) != "figure" or "chart" not in html.classes(child):
                continue
            following = children[index + 1] if index + 1 < len(children) else None
            if following is None or "chart-data" not in html.classes(following):
                continue
            wrapper = html.element("div", {"class": "chart-with-table"})
            wrapper.tail = following.tail
            following.tail = None
            at = list(holder).index(child)
            holder.remove(child)
            holder.remove(following)
            wrapper.extend([child, following])
            holder.insert(at, wrapper)


# Finishing


def describe_links(document, pdf) -> None:
    """WeasyPrint's finisher: each link annotation's `/Contents` is what the link says, so that a reader hears it.

    WeasyPrint (tagged output) writes the bare target there, such as `noteref-4`.
    """
    import pydyf

    for page in document.pages:
        for link_type, target, _, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is None or link_type not in ("internal", "external"):
                continue
            annotation["Contents"] = pydyf.String(describe(box.element, link_type, target))


def describe(element, link_type: str, target: str) -> str:
    """A link's description: its words; a note's number says which note it is."""
    words = " ".join("".join(element.itertext()).split()) if element is not None else ""
    if link_type == "internal" and re.fullmatch(r"\d{1,2}", words):
        return f"Note {words}"
    if re.search(r"\w", words):
        return words
    if element is not None and element.get("title"):
        return element.get("title")
    return target


def tag_notes_as_lists(pdf) -> int:
    """The notes at the foot of each page, tagged as a list: L, LI, Lbl (the number), LBody.

    WeasyPrint tags a page's footnote area as a NonStruct at the top of the
    structure tree holding one Span per note, whose first child (a NonStruct)
    is the note's number, `::footnote-marker`. Returns how many notes it tagged.
    """
    import pikepdf

    document = pdf.Root.StructTreeRoot.K[0]
    count = 0
    for area in document.K:
        if not isinstance(area, pikepdf.Dictionary) or area.get("/S") != "/NonStruct":
            continue
        notes = list(area.K) if isinstance(area.get("/K"), pikepdf.Array) else []
        if not notes or not all(_is_note(note) for note in notes):
            continue
        area.S = pikepdf.Name.L
        area.A = pikepdf.Dictionary(O=pikepdf.Name.List, ListNumbering=pikepdf.Name.Decimal)
        for note in notes:
            number, *body = list(note.K)
            note.S = pikepdf.Name.LI
            number.S = pikepdf.Name.Lbl
            lbody = pdf.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=note, K=pikepdf.Array(body))
            )
            for kid in body:
                if isinstance(kid, pikepdf.Dictionary):
                    kid.P = lbody
            note.K = pikepdf.Array([number, lbody])
            count += 1
    return count


def _is_note(element) -> bool:
    import pikepdf

    if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != "/Span":
        return False
    kids = element.get("/K")
    return (
        isinstance(kids, pikepdf.Array)
        and len(kids) > 1
        and all(isinstance(kid, pikepdf.Dictionary) for kid in kids)
        and kids[0].get("/S") == "/NonStruct"
    )


def read_stylesheet(root: Path) -> str:
    """print/pdf.css, through the repository's one reader (edition/files.py)."""
    from edition import files

    return files.read_text(root, STYLESHEET, "print")

