"""The upstream internals the PDF build leans on are still there, and still need us.

mkdocs-to-pdf and WeasyPrint offer no documented way to do a few things the
edition needs (edition/pdf_export.py, edition/pdf_render.py). Each internal we
touch is named here, so that an upgrade fails these fast tests first, with a
clear message, rather than the production build or a reader.
"""

from __future__ import annotations

import inspect
import io
from types import SimpleNamespace

import pikepdf
from bs4 import BeautifulSoup

from edition import pdf_render

UNOG = "http://www.unog.ch/80256EDD006B9C2E/%28httpNewsByYear_en%29/C6DA638F52C5F142C12576A400334D88?OpenDocument"


def assembled() -> BeautifulSoup:
    return BeautifulSoup(
        f'<p id="a%C3%A9"><a href="#a%C3%A9">in-page</a> <a href="{UNOG}">UNOG</a> <a href="tel:116000">116 000</a></p>',
        "html.parser",
    )


def generator() -> SimpleNamespace:
    """Just what `_normalize_link_anchors` reads of its generator: no strict checks, no logging."""
    options = SimpleNamespace(debug_html=False, show_anchors=False, strict=False, verbose=False)
    return SimpleNamespace(_options=options, _normalize_link_anchors=None)


# mkdocs-to-pdf is imported in the tests that read it: importing it loads WeasyPrint,
# a second for every worker that collects this module.


def test_mkdocs_to_pdf_still_rewrites_external_addresses():
    """Generator._normalize_link_anchors(soup) turns every % into -: when upstream fixes it, drop our wrapper."""
    from mkdocs_to_pdf.generator import Generator

    soup = assembled()
    Generator._normalize_link_anchors(generator(), soup)
    assert soup.find("a", string="UNOG")["href"] == UNOG.replace("%", "-"), "upstream changed: is the wrapper still needed?"


def test_the_wrapper_keeps_addresses_and_lets_upstream_normalise_anchors():
    from mkdocs_to_pdf.generator import Generator

    soup = assembled()
    target = generator()
    target._normalize_link_anchors = lambda soup: Generator._normalize_link_anchors(target, soup)
    pdf_render.keep_external_links(target)
    target._normalize_link_anchors(soup)
    assert soup.find("a", string="UNOG")["href"] == UNOG
    assert soup.find("a", string="116 000")["href"] == "tel:116000"
    # In-page anchors as upstream makes them, on both ends.
    assert soup.find("a", string="in-page")["href"] == "#a-C3-A9"
    assert soup.p["id"] == "a-C3-A9"


def test_mkdocs_to_pdf_renders_through_its_relaxed_js_slot():
    """Generator.on_post_build hands the finished HTML to `options.relaxed_js.write_pdf(html, path)` when set."""
    from mkdocs_to_pdf.generator import Generator
    from mkdocs_to_pdf.options import Options

    source = inspect.getsource(Generator.on_post_build)
    assert "self._options.relaxed_js.write_pdf(html_string, str(abs_pdf_path))" in source
    assert "str(soup) if self._options.relaxed_js" in source
    assert "relaxed_js" in inspect.getsource(Options.__init__)


def test_mkdocs_to_pdf_imports_its_event_hook_module_by_this_name():
    from mkdocs_to_pdf.drivers.event_hook import EventHookHandler

    assert EventHookHandler._module_name == "pdf_event_hook"


def test_mkdocs_to_pdf_producer_finisher_is_where_we_import_it():
    from mkdocs_to_pdf.utils.metadata_util import prepend_producer

    assert list(inspect.signature(prepend_producer).parameters) == ["document", "pdf"]


def test_weasyprint_links_notes_and_tags_as_the_renderer_expects(tmp_path):
    """Page.links boxes carry their annotation; footnote areas are NonStruct > Span > marker.

    Renders a two-line document with a link and a footnote the way the edition
    renders its PDF, and reads the result with pikepdf.
    """
    html = (
        '<html lang="en"><head><title>T</title><style>.n { float: footnote }</style></head><body>'
        f'<h1>Title</h1><p>Text<span class="print-note n">A note with <a href="{UNOG}">an address</a>.</span> '
        'and <a href="#x">3</a>.</p><p id="x">End.</p></body></html>'
    )
    path = tmp_path / "t.pdf"
    pdf_render.render(html, path)
    with pikepdf.open(io.BytesIO(path.read_bytes())) as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        described = sorted(str(a.Contents) for a in links)
        assert described == ["Note 3", "an address"]
        assert [str(a.A.URI) for a in links if "/A" in a] == [UNOG]
        areas = [kid for kid in pdf.Root.StructTreeRoot.K[0].K if kid.get("/S") == "/L"]
        assert len(areas) == 1, "the footnote area became a list"
        item = areas[0].K[0]
        assert [str(kid.S) for kid in item.K] == ["/Lbl", "/LBody"]
        assert str(pdf.docinfo.Producer).startswith("mkdocs-to-pdf ")
