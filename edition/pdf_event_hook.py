"""mkdocs-to-pdf's event hook module: the finishing touches on the combined document.

mkdocs-to-pdf imports a module of this name, if it can, and calls it while it
makes the PDF (hook `pdf_export.py` puts this folder on the import path, and
only when the PDF is made). Here the document gets its language (for the PDF's
metadata and for hyphenation), its title, the typefaces from the font packages
(embedded, never fetched), and only the print stylesheets: the website's
stylesheets, scripts and links to other hosts are dropped.

Tests: tests/test_upstream_pdf.py::test_mkdocs_to_pdf_imports_its_event_hook_module_by_this_name
(the name upstream imports); tests/test_pdf.py::test_metadata,
tests/test_pdf.py::test_every_font_is_embedded_and_from_the_font_packages,
tests/test_pdf.py::test_no_web_interface_text.
"""

from __future__ import annotations

from importlib.resources import files

# (family, package, file, weight, style)
FACES = [
    ("Source Serif Pro", "font_source_serif_pro", "SourceSerifPro-Regular.ttf", 400, "normal"),
    ("Source Serif Pro", "font_source_serif_pro", "SourceSerifPro-It.ttf", 400, "italic"),
    ("Source Serif Pro", "font_source_serif_pro", "SourceSerifPro-Semibold.ttf", 600, "normal"),
    ("Source Serif Pro", "font_source_serif_pro", "SourceSerifPro-SemiboldIt.ttf", 600, "italic"),
    ("Source Serif Pro", "font_source_serif_pro", "SourceSerifPro-Bold.ttf", 700, "normal"),
    ("Source Serif Pro", "font_source_serif_pro", "SourceSerifPro-BoldIt.ttf", 700, "italic"),
    ("Source Sans Pro", "font_source_sans_pro", "SourceSansPro-Regular.ttf", 400, "normal"),
    ("Source Sans Pro", "font_source_sans_pro", "SourceSansPro-It.ttf", 400, "italic"),
    ("Source Sans Pro", "font_source_sans_pro", "SourceSansPro-Semibold.ttf", 600, "normal"),
    ("Source Sans Pro", "font_source_sans_pro", "SourceSansPro-Bold.ttf", 700, "normal"),
    ("Source Sans Pro", "font_source_sans_pro", "SourceSansPro-BoldIt.ttf", 700, "italic"),
]

LANGUAGE = "en"


def pre_pdf_render(soup, logger):
    soup.html["lang"] = LANGUAGE
    head = soup.head
    # The website's styles, scripts and icons: only the print styles stay.
    for element in head.find_all(["script", "link"]):
        element.decompose()
    title = head.find("title")
    if title is not None:
        site_name = title.get_text().rsplit(" - ", 1)[-1]
        title.string = site_name
    for heading in soup.body.find_all(["h1", "h2", "h3"]):
        heading["data-running"] = heading_text(heading)
    # The contents list copies the headings: without their notes.
    for call in soup.select("#doc-toc .note-call, #doc-toc sup"):
        call.decompose()
    # An abbreviation inside a link would be tagged outside the link's Link element
    # (where the link is a block, as in the contents); on paper it shows nothing more.
    for abbr in soup.select("a abbr"):
        abbr.unwrap()
    style = soup.new_tag("style")
    style.string = font_faces()
    head.insert(0, style)
    return soup


def heading_text(heading) -> str:
    """A heading's words without its note (for the running head and the outline)."""
    parts = []
    for text in heading.find_all(string=True):
        if text.find_parent(class_=("note-call", "note-again", "pdf-order")) is None:
            parts.append(str(text))
    return " ".join("".join(parts).split())


def font_faces() -> str:
    rules = []
    for family, package, name, weight, style in FACES:
        path = files(package).joinpath("files", name)
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}");'
            f" font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)
