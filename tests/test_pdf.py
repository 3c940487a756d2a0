"""The PDF has the whole essay, in order, with its notes and sources, made for print.

Judged against the essay as it came (`source/essay.txt`), the front matter of
the section pages and mkdocs.yml; the notes against the website's notes, since
the promise is "numbered as on the web". The PDF is the one `make site` makes
(edition/book/pdf.py, through the `production` fixture): its words, outline,
contents, notes, links, fonts, metadata, running heads and page breaks (no
heading left at the foot of a page, each chart on one page with its table).
"""

from __future__ import annotations

import copy
import functools
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import ROOT, page_url, parts_and_sections, read_page, section_files
from pypdf import PdfReader
from pypdf.generic import Destination

PDF = "protecting-children-from-trafficking.pdf"
LETTER = "protecting-children-from-trafficking-letter.pdf"
A4_POINTS = (595.3, 841.9)
LETTER_POINTS = (612.0, 792.0)
BODY = 10.5  # the running text's size in points; notes are smaller
NOTE = 8.5
BOTTOM_MARGIN = 60  # points: the page number lives below this
HYPHENS = "-\u2010\u2011\u00ad"
WEB_INTERFACE = [
    "Edit this page",
    "Skip to content",
    "Link to this heading",
    "Jump back",
    "Back to top",
    "Initializing search",
    "Type to start searching",
    "Material for MkDocs",
    "Made with",
    "Read offline",
    "Offline copy",
    "offline copy (zip)",
    "Switch to dark mode",
    "\u00b6",  # pilcrow of the permalinks
    "\u21a9",  # the backlink arrow of the notes
]


@dataclass
class Chunk:
    text: str
    size: float  # points
    y: float  # points from the bottom of the page
    font: str


def chunks(page) -> list[Chunk]:
    found: list[Chunk] = []

    def visit(text, cm, tm, font, font_size):
        if not text.strip():
            return
        scale = tm[0] * cm[0] + tm[1] * cm[2]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        name = str(font.get("/BaseFont", "")) if font else ""
        found.append(Chunk(text, round(font_size * abs(scale), 2), y, name.split("+")[-1]))

    page.extract_text(visitor_text=visit)
    return found


def lines(found: list[Chunk]) -> str:
    """The chunks' text, with a line break where a chunk starts a new line."""
    text = ""
    last_y = None
    for chunk in found:
        if last_y is not None and abs(chunk.y - last_y) > 3 and not text[-1:].isspace():
            text += "\n"
        text += chunk.text
        last_y = chunk.y
    return text


def canon(text: str) -> str:
    """Compare words, not typesetting: ligatures, line-end hyphenation, hyphens, bullets, spacing."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(f"[{HYPHENS}]\\s*\\n\\s*", "", text)
    text = re.sub(f"[{HYPHENS}•]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([.,;:])", r"\1", text)


def tight(text: str) -> str:
    """Notes break long addresses anywhere: compare them without any white space."""
    return re.sub(r"\s+", "", canon(text))


class Pdf:
    def __init__(self, path: Path):
        self.path = path
        self.reader = PdfReader(path)
        self.pages = [chunks(page) for page in self.reader.pages]

    def body(self, index: int | None = None) -> str:
        """The running text and headings (no notes, running heads or page numbers)."""
        pages = self.pages if index is None else [self.pages[index]]
        return "\n".join(lines([c for c in page if c.size >= BODY - 0.2]) for page in pages)

    def all_text(self) -> str:
        return "\n".join("".join(c.text for c in page) for page in self.pages)

    def notes(self) -> str:
        return "".join(c.text for page in self.pages for c in page if abs(c.size - NOTE) < 0.2 and "Serif" in c.font)


@functools.lru_cache(maxsize=None)
def read_pdf(path: Path) -> Pdf:
    """Each PDF's text read once per worker (it takes seconds) and shared: read it, never change it."""
    return Pdf(path)


@pytest.fixture(scope="module")
def pdf(production) -> Pdf:
    return read_pdf(production.download(PDF))


@pytest.fixture(scope="module")
def letter(production) -> Pdf:
    return read_pdf(production.download(LETTER))


@pytest.mark.parametrize("number", range(1, 19))
def test_every_section_is_in_the_pdf_word_for_word(number, essay, pdf):
    assert canon(essay.sections[number - 1].words) in canon(pdf.body())


def test_sections_follow_one_another_in_order(essay, pdf):
    text = canon(pdf.body())
    positions = [text.find(canon(section.words)) for section in essay.sections]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)


def test_the_pdf_has_no_home_page_and_no_repeated_essay(essay, pdf):
    text = canon(pdf.body())
    for section in essay.sections:
        assert text.count(canon(section.words)) == 1, f"section {section.number} appears more than once"


def outline_tree(reader: PdfReader, items=None) -> list[tuple[str, int, list]]:
    items = reader.outline if items is None else items
    tree: list[tuple[str, int, list]] = []
    for item in items:
        if isinstance(item, list):
            title, page, _ = tree[-1]
            tree[-1] = (title, page, outline_tree(reader, item))
        else:
            tree.append((item.title, reader.get_destination_page_number(item), []))
    return tree


def test_outline_holds_the_eighteen_sections_in_their_parts_in_order(pdf):
    tree = outline_tree(pdf.reader)
    top = [title for title, _, _ in tree]
    expected = parts_and_sections()
    assert [title for title in top if title in dict(expected)] == [part for part, _ in expected]
    for part, sections in expected:
        children = next(children for title, _, children in tree if title == part)
        assert [title for title, _, _ in children] == sections, part
    assert "Sources" in top and "About this edition" in top
    assert top.index("Sources") > top.index(expected[-1][0])


def test_outline_entries_open_their_sections(pdf):
    for _, _, children in outline_tree(pdf.reader):
        for title, page, _ in children:
            assert canon(title) in canon(pdf.body(page)), f"{title!r} is not on page {page + 1}"


def test_cover_names_title_author_and_date(pdf, essay, config):
    cover = canon("".join(c.text + " " for c in pdf.pages[0]))
    assert canon(config["site_name"]) in cover
    assert essay.author in cover
    assert "2010" in cover
    assert "Edition" in cover or "edition" in cover


def web_notes(production) -> dict[int, str]:
    notes: dict[int, str] = {}
    for path in section_files():
        soup = read_page(production.site / page_url(path))
        for item in soup.select("div.footnote li[value]"):
            item = copy.copy(item)  # the page is shared: change a copy
            for backref in item.select(".footnote-backref"):
                backref.decompose()
            notes[int(item["value"])] = item.get_text(" ")
    return notes


def pdf_notes(pdf: Pdf) -> list[tuple[int, str]]:
    parts = re.split(r"(?:^|(?<=\s)|(?<=\.))(\d{1,2})\.\u00a0+", pdf.notes())
    return [(int(number), text) for number, text in zip(parts[1::2], parts[2::2])]


def test_all_eleven_notes_are_footnotes_numbered_as_on_the_web(pdf, production, essay):
    web = web_notes(production)
    assert sorted(web) == sorted(essay.notes) == list(range(1, 12))
    found = pdf_notes(pdf)
    assert [number for number, _ in found] == list(range(1, 12)), "each note once, in order"
    for number, text in found:
        assert tight(text) == tight(web[number]), f"note {number}"


def test_note_calls_in_the_text_carry_the_web_numbers(pdf, essay):
    calls = [
        int(c.text)
        for page in pdf.pages[1:]
        for c in page
        if c.text.strip().isdigit() and c.size < NOTE - 0.5 and c.y > BOTTOM_MARGIN
    ]
    first = list(dict.fromkeys(calls))
    assert first == [n for section in essay.sections for n in section.notes if n in essay.notes][: len(first)]
    assert sorted(first) == list(range(1, 12))


def test_page_numbers_on_every_page_after_the_cover(pdf):
    assert not [c for c in pdf.pages[0] if c.y < BOTTOM_MARGIN], "the cover has no page number"
    for index, page in enumerate(pdf.pages[1:], start=2):
        footer = [c.text.strip() for c in page if c.y < BOTTOM_MARGIN]
        assert footer == [str(index)], f"page {index}: {footer}"


def test_contents_page_numbers_and_links_land(pdf):
    """Every entry of the contents links to the page its number names, where its heading is."""
    reader = pdf.reader
    contents = next(i for i, page in enumerate(pdf.pages) if any(c.text.strip() == "Contents" for c in page))
    names = reader.named_destinations
    entries = set()
    for annotation in reader.pages[contents].get("/Annots", []):
        link = annotation.get_object()
        destination = internal_destination(link)
        if destination is None:
            continue
        _, y0, _, y1 = [float(v) for v in link["/Rect"]]
        y0, y1 = min(y0, y1), max(y0, y1)
        text = "".join(c.text for c in pdf.pages[contents] if y0 - 1 <= c.y <= y1 + 1).strip()
        match = re.match(r"^(.*?)[ .]*(\d+)$", text, re.DOTALL)
        assert match, text
        title, number = match.group(1), int(match.group(2))
        page = reader.get_destination_page_number(names[destination])
        assert page + 1 == number, f"{title!r} says page {number}, lands on {page + 1}"
        # (part titles are set in capitals)
        assert canon(title).casefold() in canon(pdf.body(page)).casefold(), f"{title!r} is not on page {page + 1}"
        entries.add(destination)
    assert len(entries) >= 18 + 7


def internal_destination(link) -> str | None:
    if link.get("/Subtype") != "/Link":
        return None
    if "/Dest" in link:
        return str(link["/Dest"])
    action = link.get("/A")
    if action is not None and action.get("/S") == "/GoTo":
        return str(action["/D"])
    return None


def test_every_internal_link_has_a_destination(pdf):
    names = pdf.reader.named_destinations
    internal = external = 0
    for page in pdf.reader.pages:
        for annotation in page.get("/Annots", []):
            link = annotation.get_object()
            destination = internal_destination(link)
            if destination is not None:
                assert destination in names, destination
                assert isinstance(names[destination], Destination)
                internal += 1
            elif "/A" in link and "/URI" in link["/A"]:
                # Web addresses, and the hotlines' phone numbers (tel:); a text number (sms:) keeps its words only.
                assert str(link["/A"]["/URI"]).startswith(("https://", "http://", "tel:", "mailto:")), link["/A"]["/URI"]
                external += 1
    # the contents, the notes' links back from the sources, the sources' addresses
    assert internal >= 18 + 11
    assert external >= 11


def bib_addresses() -> set[str]:
    """Every address references.bib gives (url, archived, current), as a reader types it."""
    from pybtex.database import parse_file

    addresses = set()
    for entry in parse_file(str(ROOT / "references.bib")).entries.values():
        for key in ("url", "archived", "current"):
            if key in entry.fields:
                addresses.add(entry.fields[key].replace("\\%", "%"))
    return addresses


def page_addresses(site: Path) -> set[str]:
    """Every link to elsewhere in the pages the PDF is made of (not the home page nor the whole essay).

    Only the schemes the book keeps (edition/book/assembly.py): an sms: link keeps its words only.
    """
    addresses = set()
    for html in sorted(site.rglob("index.html")):
        where = html.parent.relative_to(site).as_posix()
        if where in (".", "whole-essay", "contributing"):
            continue
        article = copy.copy(read_page(html).find("article"))  # the page is shared: change a copy
        # The website's own: the edit button, the "Cite this section" box, the downloads.
        for widget in article.select(".md-content__button, #cite-this-section, .edition-downloads"):
            widget.decompose()
        addresses |= {a["href"] for a in article.find_all("a", href=True) if re.match(r"^(https?|tel|mailto):", a["href"])}
    return addresses


def external_links(reader: PdfReader) -> list[str]:
    return [
        str(link["/A"]["/URI"])
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in (link := annotation.get_object()) and "/URI" in link["/A"]
    ]


@pytest.mark.parametrize("paper", [PDF, LETTER])
def test_every_external_link_goes_exactly_where_the_source_or_the_page_says(paper, production, config):
    """The UNOG press release's %28/%29 stay as they are (mkdocs-to-pdf 0.12.1, the old renderer, turned them into -28/-29)."""
    links = external_links(PdfReader(production.download(paper)))
    bib, pages = bib_addresses(), page_addresses(production.site)
    allowed = bib | pages | {config["site_url"]}
    assert len(links) >= len(bib | pages) > 25
    assert [link for link in links if link not in allowed] == []
    # Every address of every source is in the PDF, and so is every link of its pages.
    assert bib - set(links) == set()
    assert pages - set(links) == set()
    assert any("%28httpNewsByYear_en%29" in link for link in links)


def test_sources_link_back_to_the_notes(pdf):
    """Each note's call is a destination, and the sources' "Cited in" links land on the page of the call."""
    names = pdf.reader.named_destinations
    calls = {name for name in names if re.fullmatch(r"noteref-\d+(-\d+)?", name)}
    assert {f"noteref-{number}" for number in range(1, 12)} <= calls
    sources = [i for i, page in enumerate(pdf.pages) if any(c.text.strip() == "SOURCES" or c.text.strip() == "Sources"
                                                            for c in page)]
    landed = 0
    for index in range(sources[0], len(pdf.pages)):
        for annotation in pdf.reader.pages[index].get("/Annots", []):
            destination = internal_destination(annotation.get_object())
            if destination in calls:
                number = destination.split("-")[1]
                page = pdf.reader.get_destination_page_number(names[destination])
                assert any(c.text.strip() == number and c.size < NOTE - 0.5 for c in pdf.pages[page]), destination
                landed += 1
    assert landed >= 11


def test_every_font_is_embedded_and_from_the_font_packages(pdf):
    fonts = {}
    for page in pdf.reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font).get(
                "/FontDescriptor"
            )
            name = str(font["/BaseFont"]).split("+")[-1]
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[name] = embedded
    assert fonts, "no fonts found"
    assert all(fonts.values()), f"not embedded: {[n for n, e in fonts.items() if not e]}"
    assert all(name.startswith(("Source-Serif-Pro", "Source-Sans-Pro")) for name in fonts), sorted(fonts)


# The licence as the owner states it (issue "Tested as people use it", point 3).
LICENCE = (
    "Essay © Johanna Wester, all rights reserved; quote it with attribution. "
    "Editors' notes, translations, data and charts: CC BY 4.0. Code: MIT."
)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def commit_date():
    """The date `make site` gives the downloads: SOURCE_DATE_EPOCH, which the Makefile takes from the last commit."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    return datetime.fromtimestamp(int(epoch), timezone.utc)


def test_the_colophon_states_the_licence_and_the_commits_month(pdf, options):
    """The cover's foot: the edition with the month of its commit (never of the build), and the licence."""
    cover = canon("".join(c.text + " " for c in pdf.pages[0]))
    date = commit_date()
    assert canon(f"{options.pdf.edition}, {MONTHS[date.month - 1]} {date.year}") in cover
    assert tight(LICENCE) in tight(cover)


def test_the_pdf_is_dated_by_the_commit(pdf):
    date = commit_date().strftime("D:%Y%m%d%H%M%S")
    assert str(pdf.reader.metadata["/CreationDate"]).startswith(date)
    assert str(pdf.reader.metadata["/ModDate"]).startswith(date)


def test_metadata(pdf, essay, config):
    info = pdf.reader.metadata
    assert info.title == config["site_name"]
    assert info.author == essay.author
    assert info.subject == config["site_description"]
    assert pdf.reader.trailer["/Root"]["/Lang"] == config["theme"]["language"]


def test_no_web_interface_text(pdf):
    text = pdf.all_text()
    for label in WEB_INTERFACE:
        assert label not in text, label
    assert not re.search(r"\bSearch\b", text)


def test_paper_sizes(pdf, letter):
    for reader, (width, height) in ((pdf.reader, A4_POINTS), (letter.reader, LETTER_POINTS)):
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - width) < 1 and abs(float(page.mediabox.height) - height) < 1


def test_letter_variant_has_the_same_essay(pdf, letter, essay):
    assert [t for t, _, _ in outline_tree(letter.reader)] == [t for t, _, _ in outline_tree(pdf.reader)]
    text = canon(letter.body())
    for section in essay.sections:
        assert canon(section.words) in text, f"section {section.number}"


HEAD_ZONE = 60  # points from the top of the page: the running head lives above this


def is_note(chunk: Chunk) -> bool:
    return abs(chunk.size - NOTE) < 0.2 and "Serif" in chunk.font


def starts(reader: PdfReader) -> list[tuple[str, int, float, bool]]:
    """What sets the running head, in order: parts and pages (h1), and the sections of parts (h2).

    Each with the page and the height where it starts (the outline's
    destinations), and whether it is a part or page (which starts a new page).
    """
    parts = dict(parts_and_sections())
    found = []
    previous = None
    for item in reader.outline:
        if isinstance(item, list):
            if previous in parts:
                found += [
                    (child.title, reader.get_destination_page_number(child), float(child.top), False)
                    for child in item
                    if not isinstance(child, list) and child.title in parts[previous]
                ]
            continue
        found.append((item.title, reader.get_destination_page_number(item), float(item.top), True))
        previous = item.title
    return found


def body_chunks(page: list[Chunk], height: float) -> list[Chunk]:
    return [c for c in page if BOTTOM_MARGIN < c.y < height - HEAD_ZONE and not is_note(c)]


@pytest.mark.parametrize("paper", [PDF, LETTER])
def test_running_heads_name_the_section_at_the_top_of_the_page(paper, production):
    """A page that goes on with a section names it, even if the next section starts lower down."""
    document = read_pdf(production.download(paper))
    entries = starts(document.reader)
    for index in range(entries[0][1], len(document.pages)):
        height = float(document.reader.pages[index].mediabox.height)
        page = document.pages[index]
        head = canon("".join(c.text for c in page if c.y > height - HEAD_ZONE))
        here = [(title, top) for title, number, top, _ in entries if number == index]
        if here and not [c for c in body_chunks(page, height) if c.y > here[0][1] + 1]:
            expected = here[0][0]  # the page opens with it
        else:
            expected = [title for title, number, _, _ in entries if number < index][-1]
        assert head.casefold() == canon(expected).casefold(), f"page {index + 1}: {head!r}, not {expected!r}"


@pytest.mark.parametrize("paper", [PDF, LETTER])
def test_no_page_is_left_a_quarter_blank_before_its_part_goes_on(paper, production):
    """A chart keeps its table and its words beside its bars; only a part's (or a page's) last page may end early."""
    document = read_pdf(production.download(paper))
    entries = starts(document.reader)
    new_pages = {number for _, number, _, top_level in entries if top_level}
    for index in range(entries[0][1], len(document.pages) - 1):
        if index + 1 in new_pages:
            continue
        height = float(document.reader.pages[index].mediabox.height)
        body = body_chunks(document.pages[index], height)
        notes = [c.y + NOTE for c in document.pages[index] if is_note(c) and c.y > BOTTOM_MARGIN]
        floor = max(notes) if notes else BOTTOM_MARGIN + 14
        blank = min(c.y for c in body) - floor
        assert blank < height / 4, f"page {index + 1}: {blank:.0f} pt blank at the foot"


def test_plain_build_does_not_load_the_pdf_machinery(build):
    """Without ENABLE_PDF_EXPORT=1 neither WeasyPrint nor the book is imported: `make serve` stays fast.
    (The session's build, as `mkdocs build` runs it, with Python's record of every import.)"""
    # Modules the build itself imports (under MkDocs or ProperDocs): the record is of the build.
    assert {"edition.finish", "edition.guard.content"} <= build.imported, "no record of the imports"
    heavy = ("weasyprint", "pydyf", "pikepdf", "ebooklib")
    assert sorted(name for name in build.imported if name.split(".")[0] in heavy or name.startswith("edition.book")) == []


def filled_rectangles(reader: PdfReader, page) -> list[tuple[tuple[float, ...], float, float]]:
    """(fill colour, width, height) in points of every rectangle filled on a page, in drawing order.

    A small reader of the content stream (q, Q, cm, rg, re, f): pypdf gives the
    operators, not what they draw, and the charts' bars are drawn as scaled
    rectangles (edition/pages/charts.py).
    """
    from pypdf.generic import ContentStream

    matrix, saved, colour, pending, found = (1.0, 0.0, 0.0, 1.0), [], (0.0, 0.0, 0.0), [], []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        values = [float(value) for value in operands] if operator in (b"cm", b"rg", b"re") else []
        if operator == b"q":
            saved.append(matrix)
        elif operator == b"Q":
            matrix = saved.pop()
        elif operator == b"cm":
            a, b, c, d = values[:4]
            m = matrix
            matrix = (a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3])
        elif operator == b"rg":
            colour = tuple(round(value, 3) for value in values)
        elif operator == b"re":
            width, height = values[2], values[3]
            pending.append((abs(width * matrix[0] + height * matrix[2]), abs(width * matrix[1] + height * matrix[3])))
        elif operator in (b"f", b"F", b"f*"):
            found += [(colour, width, height) for width, height in pending]
            pending = []
        elif operator in (b"n", b"S", b"s", b"B", b"B*", b"b", b"b*"):
            pending = []
    return found


def rgb(hex_colour: str) -> tuple[float, ...]:
    return tuple(round(int(hex_colour[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))


def test_the_charts_are_in_the_pdf_drawn_to_scale_with_their_words_and_figures(pdf):
    """Sections 3 and 4 carry the editors' charts: each bar in its track, as long as its figure, its label beside it."""
    import yaml
    from edition.pages.charts import BAR, TRACK

    data = yaml.safe_load((ROOT / "data" / "figures.yml").read_text(encoding="utf-8"))
    figures = sorted(data.values(), key=lambda figure: figure["section"])
    expected = [bar["value"] for figure in figures for bar in figure["bars"]]
    drawn, text = [], ""
    for index, page in enumerate(pdf.reader.pages):
        rectangles = filled_rectangles(pdf.reader, page)
        tracks = [(w, h) for colour, w, h in rectangles if colour == rgb(TRACK)]
        bars = [(w, h) for colour, w, h in rectangles if colour == rgb(BAR)]
        if tracks:
            assert len(bars) == len(tracks), f"page {index + 1}: a bar without its track, or a track without its bar"
            drawn += [bar[0] / track[0] * 100 for bar, track in zip(bars, tracks)]
            # As wide as the column (half of an A4 text block at least), as tall as a line of small text.
            assert all(track[0] > 200 and 5 < track[1] < 12 for track in tracks), tracks
            text += canon("".join(c.text for c in pdf.pages[index]))
    assert [round(value, 1) for value in drawn] == expected
    for figure in figures:
        for bar in figure["bars"]:
            assert canon(str(bar["label"])) in text and canon(f'{bar["value"]} {figure["unit"]}') in text


def heading_starts(reader: PdfReader) -> list[tuple[str, int, float]]:
    """Every heading of the outline below the parts and pages (sections and their headings): title, page, top."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth:
                found.append((item.title, reader.get_destination_page_number(item), float(item.top)))

    walk(reader.outline, 0)
    return found


@pytest.mark.parametrize("paper", [PDF, LETTER])
def test_no_heading_is_left_in_the_last_lines_of_a_page(paper, production):
    """Below every heading, on its own page, comes what it heads: two lines of it at least, or all of it
    (section 6's heading and the editors' line once stood alone at the foot of page 5)."""
    document = read_pdf(production.download(paper))
    reader = document.reader
    headings = heading_starts(reader)
    editors_line = canon("The essay gives this section no heading of its own: the title above is the editors'.")
    for (title, number, top), following in zip(headings, [*headings[1:], None]):
        height = float(reader.pages[number].mediabox.height)
        below = [c for c in body_chunks(document.pages[number], height) if c.y < top - 20]
        below = [c for c in below if canon(c.text) not in editors_line]
        lines_below = {round(c.y) for c in below if following is None or following[1] != number or c.y > following[2]}
        ends_here = following is not None and following[1] == number
        assert ends_here or len(lines_below) >= 2, f"page {number + 1}: {title!r} has {len(lines_below)} line(s) below it"


@pytest.mark.parametrize("paper", [PDF, LETTER])
def test_each_chart_is_on_one_page_with_its_table(paper, production):
    """A chart's bars, its caption and the table of its figures are on one page (the chart on page 4 was
    once split from its table on page 5)."""
    pdf = read_pdf(production.download(paper))
    charts = 0
    for path in section_files():
        soup = read_page(production.site / page_url(path))
        for figure in soup.select("article figure.chart"):
            table = figure.find_next_sibling("table", class_="chart-data")
            # (compared without spaces: a caption or label may wrap)
            caption = tight(table.caption.get_text(" "))
            header = tight(table.thead.get_text(" "))
            rows = [tight(row.get_text(" ")) for row in table.select("tbody tr")]
            labels = [tight(label.get_text(" ")) for label in figure.select(".chart-label")]
            pages = [i for i, page in enumerate(pdf.pages) if caption in tight("".join(c.text for c in page))]
            assert len(pages) == 1, f"{caption!r} on pages {[p + 1 for p in pages]}"
            text = tight("".join(c.text for c in pdf.pages[pages[0]]))
            assert all(label in text for label in labels), f"page {pages[0] + 1}: the bars are not with {caption!r}"
            # The table's own words (its header, then every row after it) are there too, not on the next page.
            table_text = text[text.find(caption) :]
            assert header in table_text, f"page {pages[0] + 1}: the table is split from {caption!r}"
            after = table_text[table_text.find(header) :]
            assert all(row in after for row in rows), f"page {pages[0] + 1}: the table is split from {caption!r}"
            charts += 1
    assert charts == 2
