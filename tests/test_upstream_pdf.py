"""The WeasyPrint internals and interfaces the PDF leans on are still there, and still behave as the book expects.

WeasyPrint offers no documented way to describe a link for a screen reader or
to tag footnotes as a list (edition/book/pdf.py), and its URL fetcher is a class
the edition subclasses (edition/book/fetcher.py). Each one is named here, so
that an upgrade fails these fast tests first, with a clear message, rather than
the production build or a reader. Each test renders a two-line document in the
test's own process.
"""

from __future__ import annotations

import inspect
import io

import pikepdf
import pytest

from edition.book import pdf as renderer
from edition.book.fetcher import fetcher

UNOG = "http://www.unog.ch/80256EDD006B9C2E/%28httpNewsByYear_en%29/C6DA638F52C5F142C12576A400334D88?OpenDocument"
DOCUMENT = (
    '<html lang="en"><head><title>T</title><meta name="dcterms.created" content="2026-11-28T00:00:00Z">'
    '<meta name="dcterms.modified" content="2026-11-28T00:00:00Z"><style>.n { float: footnote }</style></head><body>'
    f'<h1>Title</h1><p>Text<span class="print-note n">A note with <a href="{UNOG}">an address</a>.</span> '
    'and <a href="#x">3</a>.</p><p id="x">End.</p></body></html>'
)


def rendered(tmp_path) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(renderer.render(DOCUMENT, fetcher(tmp_path, {}, "t.pdf"))))


@pytest.mark.slow  # renders a PDF
def test_weasyprint_links_notes_and_tags_as_the_renderer_expects(tmp_path):
    """Page.links boxes carry their annotation (described: "Note 3", the words); footnote areas are
    NonStruct > Span > marker, which the renderer tags as a list."""
    with rendered(tmp_path) as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert sorted(str(a.Contents) for a in links) == ["Note 3", "an address"]
        assert [str(a.A.URI) for a in links if "/A" in a] == [UNOG], "the address exactly as the page gave it"
        areas = [kid for kid in pdf.Root.StructTreeRoot.K[0].K if kid.get("/S") == "/L"]
        assert len(areas) == 1, "the footnote area became a list"
        assert [str(kid.S) for kid in areas[0].K[0].K] == ["/Lbl", "/LBody"]


@pytest.mark.slow  # renders a PDF
def test_weasyprint_takes_the_dates_from_the_document_and_writes_no_clock(tmp_path):
    """`dcterms.created`/`modified` become CreationDate/ModDate and the XMP dates; nothing else carries a date."""
    with rendered(tmp_path) as pdf:
        assert str(pdf.docinfo.CreationDate) == str(pdf.docinfo.ModDate) == "D:20261128000000Z"
        assert str(pdf.docinfo.Producer).startswith("WeasyPrint ")
        with pdf.open_metadata() as meta:
            assert meta.get("xmp:CreateDate") == "2026-11-28T00:00:00Z"
            assert meta.get("pdf:Producer") == str(pdf.docinfo.Producer)
            assert meta.get("pdfuaid:part") == "1"


def test_weasyprint_fetcher_interface_is_the_one_subclassed():
    """URLFetcher.fetch(url, headers) returns a URLFetcherResponse; a FatalURLFetchingError (a BaseException)
    passes WeasyPrint's own handling and stops the render, where any Exception would only be logged."""
    from weasyprint import urls

    assert list(inspect.signature(urls.URLFetcher.fetch).parameters) == ["self", "url", "headers"]
    assert list(inspect.signature(urls.URLFetcherResponse.__init__).parameters)[:5] == [
        "self", "url", "body", "headers", "status"]  # fmt: skip
    assert issubclass(urls.FatalURLFetchingError, BaseException) and not issubclass(urls.FatalURLFetchingError, Exception)
    assert "except Exception" in inspect.getsource(urls.fetch)


def test_the_box_of_a_link_holds_its_annotation():
    """describe_links reads `box.link_annotation` on the boxes of `Page.links` (weasyprint.pdf.anchors)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import anchors

    assert hasattr(boxes.Box, "link_annotation")
    assert "box.link_annotation = pydyf.Dictionary" in inspect.getsource(anchors)
