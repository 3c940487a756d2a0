"""Render the PDF, A4 and US Letter, as tagged PDF/UA-1, with every link right and described.

mkdocs-to-pdf assembles the document (cover, contents, pages) and would render
it with WeasyPrint's defaults: untagged, no XMP metadata, and only the A4
paper. Hook `pdf_export.py` hands it this module's `Renderer` instead, and
fixes one step of its assembly:

- `keep_external_links`: mkdocs-to-pdf 0.12.1 (`Generator._normalize_link_anchors`)
  replaces every `%` in every `href` with `-`, so that in-page anchors work in
  PDF readers; it also rewrites external addresses, and
  `http://www.unog.ch/.../%28httpNewsByYear_en%29/...` becomes an address that
  does not exist. The wrapper lets the plugin normalise in-page anchors as
  before and puts every other address back as the page gave it. (Fixed upstream
  in an open pull request, domWalters/mkdocs-to-pdf#114, not in a release.)
- `Renderer`: both papers from the same document, in the same way: WeasyPrint's
  `pdf_variant="pdf/ua-1"` (structure tree, MarkInfo, /Lang, DisplayDocTitle,
  XMP with the `pdfuaid` declaration) and the same finisher: mkdocs-to-pdf's
  producer line, and a description of every link (`/Contents`: WeasyPrint
  writes the raw target there; a reader hears the link's words, or
  "Note 5" for a note's number). The Letter variant is laid out in a forked
  process beside the A4 one: on two cores it costs almost nothing.

Both touch mkdocs-to-pdf's internals (the `relaxed_js` renderer slot, the
method `_normalize_link_anchors`, `utils.metadata_util.prepend_producer`) and
WeasyPrint's `Page.links` boxes: tests/test_upstream.py names each one and
fails first when its shape changes. The result is judged by tests/test_pdf.py
and tests/test_pdf_accessibility.py (pikepdf), and by veraPDF in CI.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.pdf_export")

VARIANT = "pdf/ua-1"
LETTER_STYLE = "<style>@page { size: letter; }</style>"


def keep_external_links(generator) -> None:
    """Let mkdocs-to-pdf normalise in-page anchors only; every other address stays as given."""
    normalize = generator._normalize_link_anchors

    def normalize_anchors_only(soup) -> None:
        addresses = [(link, link["href"]) for link in soup.find_all("a", href=True) if not link["href"].startswith("#")]
        normalize(soup)
        for link, href in addresses:
            link["href"] = href

    generator._normalize_link_anchors = normalize_anchors_only


class Renderer:
    """What mkdocs-to-pdf calls to write its PDF (its `relaxed_js` slot): `write_pdf(html, path)`.

    Writes the A4 file where the plugin asks, and the Letter file at
    `letter_path`, from the same HTML; `finish()` waits for the Letter one.
    """

    def __init__(self, letter_path: Path | None):
        self.letter_path = letter_path
        self.process = None
        self.failed = False

    def write_pdf(self, html: str, path: str) -> None:
        if self.letter_path is not None:
            # Last among the document's own styles, so that it wins over the A4 of styles.scss.
            letter = html.replace("</head>", f"{LETTER_STYLE}</head>", 1)
            self.letter_path.parent.mkdir(parents=True, exist_ok=True)
            self.process = multiprocessing.get_context("fork").Process(
                target=_render_in_child, args=(letter, self.letter_path)
            )
            self.process.start()
        render(html, Path(path))

    def finish(self) -> None:
        if self.letter_path is None:
            return
        if self.process is None:
            log.error(f"the PDF {self.letter_path.name}: the document to render never came")
            return
        self.process.join()
        if self.process.exitcode != 0:
            log.error(f"the PDF {self.letter_path.name}: rendering failed (see the messages above)")
        else:
            log.info(f"PDF written: {self.letter_path}")


def render(html: str, path: Path) -> None:
    """One PDF/UA-1 file from the document; WeasyPrint's errors go to the build's log."""
    import io

    import pikepdf
    from weasyprint import HTML

    written = HTML(string=html).write_pdf(pdf_variant=VARIANT, finisher=finish)
    with pikepdf.open(io.BytesIO(written)) as pdf:
        notes = tag_notes_as_lists(pdf)
        if 'class="print-note"' in html and not notes:
            log.error(f"the PDF {path.name}: the notes were not found in the structure tree (WeasyPrint changed?)")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            # The XMP says what the document information says (WeasyPrint's XMP lacks the plugin's name).
            meta["pdf:Producer"] = str(pdf.docinfo["/Producer"])
        pdf.save(path)


def _render_in_child(html: str, path: Path) -> None:
    """In the forked process: exit 1 if WeasyPrint or the finishing reported an error."""
    failures = []
    handler = logging.Handler(level=logging.ERROR)
    handler.emit = failures.append
    logging.getLogger("weasyprint").addHandler(handler)
    log.addHandler(handler)
    render(html, path)
    os._exit(1 if failures else 0)


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


def finish(document, pdf) -> None:
    """WeasyPrint's finisher: the plugin's producer line, and every link described."""
    from mkdocs_to_pdf.utils.metadata_util import prepend_producer

    prepend_producer(document, pdf)
    describe_links(document)


def describe_links(document) -> None:
    """Each link annotation's `/Contents`: what the link says, so that a reader hears it.

    WeasyPrint (tagged output) writes the bare target there, such as
    `essay/14-opsc/:fn:ref-UNOG2010committee`.
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
