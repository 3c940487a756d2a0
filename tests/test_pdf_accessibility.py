"""Both PDFs are tagged PDF/UA-1 that a screen reader can follow: read with pikepdf.

The checkpoints of the Matterhorn Protocol that a program can check: the
document is tagged and says so, has its language and a title that the viewer
shows, XMP metadata that declares PDF/UA-1, a description on every link,
a text alternative on every figure, headings whose levels never skip, fonts
embedded. Beyond that, the structure carries the essay: its parts and
sections as headings in order, its eleven notes as a list numbered as on the
web, the sources as a list. (veraPDF's full PDF/UA-1 profile runs in the GitHub
workflow, where it can be downloaded.) The PDFs are `make site`'s (edition/book/pdf.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf
import pytest
from conftest import front_matter, page_url, read_page, section_files
from pypdf import PdfReader
from test_pdf import LETTER, PDF, tight, web_notes

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


@dataclass
class Element:
    """A structure element: its type, its text (from its marked content) and its children."""

    tag: str
    text: str = ""
    kids: list[Element] = field(default_factory=list)
    alt: str | None = None

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.walk() if element.tag == tag]


def marked_texts(path) -> list[dict[int, str]]:
    """For each page, the text of each marked-content sequence (MCID), read with pypdf."""
    pages = []
    for page in PdfReader(path).pages:
        stack: list = []
        texts: dict[int, str] = {}

        def before(operator, operands, cm, tm, stack=stack):
            if operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else {}
                stack.append(properties.get("/MCID") if hasattr(properties, "get") else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, *_, stack=stack, texts=texts):
            if value and stack and stack[-1] is not None:
                texts[stack[-1]] = texts.get(stack[-1], "") + value

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        pages.append(texts)
    return pages


class Tagged:
    """A PDF's structure tree, with the text of each element."""

    def __init__(self, path):
        self.path = path
        self.pdf = pikepdf.open(path)
        self.texts = marked_texts(path)
        self.page_index = {page.objgen: index for index, page in enumerate(self.pdf.pages)}
        root = self.pdf.Root.get("/StructTreeRoot")
        self.root = self.element(root.K[0], None) if root is not None else None

    def element(self, node, page) -> Element:
        page = self.page_index.get(node.Pg.objgen, page) if "/Pg" in node else page
        element = Element(str(node.get("/S", "")), alt=str(node.Alt) if "/Alt" in node else None)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
            if isinstance(kid, int):
                element.text += self.texts[page].get(kid, "")
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                kid_page = self.page_index.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                element.text += self.texts[kid_page].get(int(kid.MCID), "")
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                child = self.element(kid, page)
                element.kids.append(child)
                element.text += child.text
        return element

    def headings(self) -> list[tuple[int, str]]:
        return [(int(e.tag[2]), words(e.text)) for e in self.root.walk() if e.tag in HEADINGS]


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=[PDF, LETTER], ids=["A4", "Letter"])
def tagged(request, production) -> Tagged:
    return Tagged(production.download(request.param))


def test_tagged_and_declared_pdf_ua_1(tagged):
    pdf = tagged.pdf
    assert tagged.root is not None and tagged.root.tag == "/Document", "a structure tree"
    assert pdf.Root.MarkInfo.Marked is True
    assert pdf.pdf_version == "1.7"
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1", "the XMP metadata declares PDF/UA-1"


def test_language_is_set(tagged, config):
    assert str(tagged.pdf.Root.Lang) == config["theme"]["language"]


def test_the_title_is_the_documents_and_shown(tagged, config):
    pdf = tagged.pdf
    assert str(pdf.docinfo.Title) == config["site_name"]
    with pdf.open_metadata() as meta:
        assert meta.get("dc:title") == config["site_name"]
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True


def link_elements(tagged) -> dict[tuple[int, int], Element]:
    """Each link annotation (by object) and the Link element that holds it, through the ParentTree.

    A link's generated text (the contents list's dot leaders and page number)
    is a Link inside the link: the outermost Link is the link a reader hears.
    """
    parent_tree = tagged.pdf.Root.StructTreeRoot.ParentTree.Nums
    by_key = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}
    elements = {}
    for page in tagged.pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") == "/Link":
                node = by_key.get(int(annotation.get("/StructParent", -1)))
                while node is not None and node.get("/S") == "/Link" and node.P.get("/S") == "/Link":
                    node = node.P
                elements[annotation.objgen] = node and tagged.element(node, None)
    return elements


def test_every_link_is_tagged_and_described_by_its_words(tagged):
    elements = link_elements(tagged)
    assert len(elements) > 150  # the contents, the note calls, every address of the sources, the pages' links
    for page in tagged.pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            element = elements[annotation.objgen]
            assert element is not None and element.tag == "/Link", "every link annotation sits in a Link element"
            description = words(str(annotation.get("/Contents", "")))
            said = words(element.text)
            if re.fullmatch(r"Note \d{1,2}", description):
                assert "/Dest" in annotation and said == description.split()[1], description
            else:
                # The words of the whole link: a link broken over two lines is two Link
                # elements, each with part of the words; in the contents, the dot
                # leaders and the page number follow the words.
                assert description and said, (description, said)
                assert tight(said) in tight(description) or tight(description) in tight(said), (description, said)


def test_every_figure_has_a_text_alternative_the_bars_words(tagged, production):
    """The charts' words and figures are text in the PDF; each drawn bar is a Figure whose
    alternative is its bar in words ("No specific legislation: 20 %"), as the page gives it."""
    alternatives = []
    for path in section_files():
        soup = read_page(production.site / page_url(path))
        for plot in soup.select("article figure.chart .chart-plot"):
            rows = plot.select(".chart-row")
            alternatives += [
                f'{row.select_one(".chart-label").get_text()}: {row.select_one(".chart-value").get_text()}'
                for row in rows
            ]
            assert all(a in plot["aria-label"] for a in alternatives[-len(rows) :])
    figures = tagged.root.find("/Figure")
    assert len(alternatives) == 5
    assert [figure.alt for figure in figures] == alternatives


def test_heading_levels_never_skip(tagged):
    levels = [level for level, _ in tagged.headings()]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"H{before} then H{after}"


def test_headings_give_the_parts_and_sections_in_order(tagged):
    headings = tagged.headings()
    parts, sections = [], []
    for path in section_files():
        meta = front_matter(path)
        sections.append(meta["title"])
        if meta["part"] not in parts:
            parts.append(meta["part"])
    found_parts = [text.casefold() for level, text in headings if level == 1 and text.casefold() in map(str.casefold, parts)]
    assert found_parts == [part.casefold() for part in parts]
    # (a section's heading may end in its note's number)
    found_sections = [
        title for level, text in headings if level == 2 for title in sections if re.fullmatch(re.escape(title) + r"\d*", text)
    ]
    assert found_sections == sections


def test_notes_are_a_list_numbered_as_on_the_web(tagged, production):
    web = web_notes(production)
    notes = []
    for listing in tagged.root.find("/L"):
        for item in (kid for kid in listing.kids if kid.tag == "/LI"):
            label = [kid for kid in item.kids if kid.tag == "/Lbl"]
            body = [kid for kid in item.kids if kid.tag == "/LBody"]
            match = label and re.fullmatch(r"(\d+)\.", words(label[0].text))
            if match and len(body) == 1:
                notes.append((int(match.group(1)), body[0].text))
    assert [number for number, _ in notes] == list(range(1, 12))
    for number, text in notes:
        assert tight(text) == tight(web[number]), f"note {number}"


def test_the_sources_are_a_list(tagged, production):
    """One item per source, in the website's order (WeasyPrint makes one list per page it runs over)."""
    soup = read_page(production.site / "bibliography/index.html")
    sources = [tight(p.get_text(" ")) for p in soup.select("article p.reference")]
    assert len(sources) >= 11
    items = [
        tight(item.text)
        for listing in tagged.root.find("/L")
        for item in listing.kids
        if item.tag == "/LI" and any(tight(item.text).startswith(source) for source in sources)
    ]
    assert [next(s for s in sources if item.startswith(s)) for item in items] == sources


def test_every_font_is_embedded(tagged):
    fonts = {}
    for page in tagged.pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            fonts[str(font.BaseFont)] = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts


def test_both_papers_have_the_same_producer_and_metadata(production):
    """WeasyPrint produced both, the edition's package made them, and the XMP says what the document information says."""
    a4, letter = (pikepdf.open(production.download(name)) for name in (PDF, LETTER))
    assert dict(a4.docinfo.items()) == dict(letter.docinfo.items())
    assert str(a4.docinfo.Producer).startswith("WeasyPrint ")
    assert str(a4.docinfo.Creator).startswith("protecting-children-essay ")
    for pdf in (a4, letter):
        with pdf.open_metadata() as meta:
            assert meta.get("pdf:Producer") == str(pdf.docinfo.Producer)
            assert meta.get("xmp:CreatorTool") == str(pdf.docinfo.Creator)
            assert meta.get("xmp:CreateDate") == meta.get("xmp:ModifyDate"), "one date: the commit's"
