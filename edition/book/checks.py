"""The downloads themselves checked, as a reader's app would open them, before they are published.

The content guard judged the pages; the renderers could still write what no
page asked for (an upgrade of WeasyPrint or ebooklib, a stylesheet that
names a file, a fallback font of the build machine). So the finished files
are read back, with the readers a reader's app uses, and anything the
edition did not put there stops the build (`edition.errors.Refusal`, naming
the download and the guard "book"):

- each PDF, with pikepdf (every object of the file, referenced or not): no
  embedded or attached file (`/EmbeddedFiles`, `/Filespec`, `/EF`,
  `/EmbeddedFile`, `/AF`), no annotation but links, no form, no JavaScript
  (`/JS`, `/JavaScript`), no action but going to a place of the document and
  opening an http, https, mailto or tel address (no Launch, ImportData,
  SubmitForm, no additional actions `/AA`), no OpenAction; no address on the
  renderer's own host (`book.invalid`: a link the assembly did not resolve);
  images only those the pages show (their sizes, as the assembly read them:
  the edition draws none itself, the charts are drawn as vectors), no inline
  image; fonts only the packaged Source Serif Pro and Source Sans Pro,
  embedded, no Type 3 font;
- the EPUB, with zipfile and ElementTree: its files exactly those the edition
  wrote, `mimetype` first and stored, no path outside the container; every
  XML file well-formed; no script (`<script>`, an `on…` attribute, a
  `javascript:` address), no form or embedded object, no remote resource (an
  image, style, font or frame from http(s) or `//`; links to the website are
  fine), no remote item in the package, no CSS `@import` or remote `url()`.

Why our own code: EPUBCheck and veraPDF judge conformance, not provenance (a
valid EPUB may load a remote image; a valid PDF/UA may embed a file), and
they run in the test suite and CI, not in every build.

Tests: tests/test_book.py (a PDF with an attachment, a JavaScript action, a
remote font or image; an EPUB with a script, a remote image, an extra file:
each refused, naming the download), and every real build (tests/test_pdf.py,
tests/test_epub.py run on what passed them).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from edition.errors import BOOK, Problem, raise_all

PDF_SCHEMES = ("http", "https", "mailto", "tel")
PDF_ACTIONS = ("/URI", "/GoTo")
RENDERER_HOST = "book.invalid"
FONT_PREFIXES = ("Source-Serif-Pro", "Source-Sans-Pro")  # WeasyPrint's names for the two packaged families
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
EPUB_MIMETYPE = b"application/epub+zip"
XML_SUFFIXES = (".xhtml", ".html", ".opf", ".ncx", ".xml", ".svg")
# Elements that run, submit or embed: none in the edition's book.
EPUB_FORBIDDEN = {"script", "iframe", "frame", "object", "embed", "applet", "form", "input", "button", "textarea",
                  "select", "base", "portal"}  # fmt: skip
# Attributes that load a resource (the image, style, font or frame a reading system fetches).
RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "xlink:href"}
INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def check_pdf(path: Path, download: str, images: dict[str, tuple[int, int]] | None = None) -> None:
    """Refuse a PDF holding anything the edition does not put in one (see the module's docstring)."""
    raise_all([Problem(download, None, text, BOOK) for text in pdf_problems(path, images or {})],
              f"the PDF {download} holds what the edition does not publish")


def pdf_problems(path: Path, images: dict[str, tuple[int, int]]) -> list[str]:
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as error:
        return [f"cannot be read as a PDF ({error})"]
    problems: list[str] = []
    sizes = set(images.values())
    with pdf:
        root = pdf.Root
        names = root.get("/Names")
        if names is not None and ("/EmbeddedFiles" in names or "/JavaScript" in names):
            problems.append("holds embedded files or JavaScript (/Names)")
        for key, what in (("/OpenAction", "an action on opening"), ("/AA", "actions on events"),
                          ("/AcroForm", "a form"), ("/AF", "associated (embedded) files"), ("/Collection", "a portfolio")):
            if key in root:
                problems.append(f"holds {what} ({key})")
        soft_masks = set()
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" and "/SMask" in obj:
                soft_masks.add(obj.SMask.objgen)
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            problems += _object_problems(obj, sizes, soft_masks)
            if len(problems) > 20:
                break
        for page in pdf.pages:
            if "/AA" in page.obj:
                problems.append("a page has actions on events (/AA)")
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link":
                    problems.append(f"holds a {str(annotation.get('/Subtype')).lstrip('/')} annotation "
                                    "(only links are the edition's)")
            problems += _inline_images(page.obj)
    return list(dict.fromkeys(problems))[:20]


def _object_problems(obj, sizes: set, soft_masks: set) -> list[str]:
    import pikepdf

    found = []
    kind, subtype = obj.get("/Type"), obj.get("/Subtype")
    if kind in ("/Filespec", "/EmbeddedFile") or "/EF" in obj or "/AF" in obj:
        found.append("holds an embedded or attached file")
    if "/JS" in obj or subtype == "/JavaScript":
        found.append("holds JavaScript")
    if "/AA" in obj:
        found.append("holds actions on events (/AA)")
    if kind == "/Annot" and subtype != "/Link":
        found.append(f"holds a {str(subtype).lstrip('/')} annotation (only links are the edition's)")
    for key in ("/A", "/Next", "/OpenAction"):
        action = obj.get(key)
        if isinstance(action, pikepdf.Dictionary) and "/S" in action:
            found += _action_problems(action)
    if kind == "/Action" or (kind is None and obj.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm")):
        found += _action_problems(obj)
    if isinstance(obj, pikepdf.Stream) and subtype == "/Image":
        size = (int(obj.get("/Width", 0)), int(obj.get("/Height", 0)))
        if obj.objgen not in soft_masks and size not in sizes:
            found.append(f"holds an image of {size[0]} x {size[1]} pixels that no page shows")
    if kind == "/Font":
        found += _font_problems(obj)
    return found


def _action_problems(action) -> list[str]:
    kind = str(action.get("/S"))
    if kind not in PDF_ACTIONS:
        return [f"holds a {kind.lstrip('/')} action (only going to a place or opening an address)"]
    if kind == "/URI":
        uri = str(action.get("/URI", ""))
        scheme = SCHEME.match(INVISIBLE.sub("", uri).lower())
        if not scheme or scheme.group(1) not in PDF_SCHEMES:
            return [f"links to {uri[:60]!r}: only http, https, mailto and tel addresses"]
        if urlsplit(uri).hostname == RENDERER_HOST:
            return [f"links to the renderer's own address {uri[:60]!r} (a link the book did not resolve)"]
    return []


def _font_problems(font) -> list[str]:
    name = SUBSET_TAG.sub("", str(font.get("/BaseFont", "")).lstrip("/"))
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return ["holds a Type 3 font (drawn glyphs), not one of the edition's typefaces"]
    if subtype in ("/CIDFontType0", "/CIDFontType2"):
        return []  # judged with its Type 0 font
    if not name.startswith(FONT_PREFIXES):
        return [f"holds the font {name!r}: only Source Serif Pro and Source Sans Pro, from their packages"]
    descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
    descriptor = descendant.get("/FontDescriptor")
    if descriptor is None or not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
        return [f"the font {name!r} is not embedded"]
    return []


def _inline_images(page) -> list[str]:
    import pikepdf

    try:
        operations = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:
        return ["a page's content cannot be read"]
    if any(str(operator) == "INLINE IMAGE" for _, operator in operations):
        return ["holds an inline image that no page shows"]
    return []


# The EPUB


def check_epub(path: Path, download: str, expected: list[str]) -> None:
    """Refuse an EPUB holding anything the edition did not write (see the module's docstring)."""
    raise_all([Problem(download, None, text, BOOK) for text in epub_problems(path, expected)],
              f"the EPUB {download} holds what the edition does not publish")


def epub_problems(path: Path, expected: list[str]) -> list[str]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        return [f"cannot be read as a zip ({error})"]
    problems: list[str] = []
    with archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if not infos or names[0] != "mimetype" or infos[0].compress_type != zipfile.ZIP_STORED:
            problems.append("its first file is not `mimetype`, stored")
        elif archive.read(infos[0]) != EPUB_MIMETYPE:
            problems.append("its mimetype is not application/epub+zip")
        if len(set(names)) != len(names):
            problems.append("holds a file twice")
        extra, missing = sorted(set(names) - set(expected)), sorted(set(expected) - set(names))
        if extra:
            problems.append(f"holds files the edition did not write: {extra[:5]}")
        if missing:
            problems.append(f"lacks files the edition wrote: {missing[:5]}")
        for name in names:
            parts = PurePosixPath(name).parts
            if name.startswith("/") or "\\" in name or ".." in parts:
                problems.append(f"{name!r} is not a path inside the book")
                continue
            data = archive.read(name)
            if name.endswith(XML_SUFFIXES):
                problems += [f"{name}: {text}" for text in _xml_problems(name, data)]
            elif name.endswith(".css"):
                problems += [f"{name}: {text}" for text in _css_problems(data.decode("utf-8", "replace"))]
    return problems[:20]


def _xml_problems(name: str, data: bytes) -> list[str]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return [f"is not well-formed XML ({error})"]
    found = []
    package = name.endswith(".opf")
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = node.tag.rsplit("}", 1)[-1].lower()
        if local in EPUB_FORBIDDEN:
            found.append(f"holds a <{local}>")
        if package and local == "item":
            href = node.get("href") or ""
            if _remote(href) or "remote-resources" in (node.get("properties") or "").split():
                found.append(f"names a remote item {href[:60]!r}")
        for key, value in node.attrib.items():
            attribute = key.rsplit("}", 1)[-1].lower()
            if key.startswith("{http://www.w3.org/1999/xlink}"):
                attribute = "xlink:" + attribute
            cleaned = INVISIBLE.sub("", value).lower()
            if attribute.startswith("on"):
                found.append(f"holds an event handler ({attribute} on <{local}>)")
            if "javascript:" in cleaned or "vbscript:" in cleaned:
                found.append(f"holds a script address in {attribute} on <{local}>")
            if attribute in RESOURCE_ATTRIBUTES and _remote(value):
                found.append(f"loads {value[:60]!r} from elsewhere ({attribute} on <{local}>)")
            if local == "link" and attribute == "href" and _remote(value):
                found.append(f"loads {value[:60]!r} from elsewhere (<link>)")
            if local == "image" and attribute == "href" and _remote(value):
                found.append(f"loads {value[:60]!r} from elsewhere (<image>)")
            if attribute == "style":
                found += _css_problems(value, declarations=True)
        if local == "style":
            found += _css_problems("".join(node.itertext()))
    return found


def _remote(value: str) -> bool:
    cleaned = INVISIBLE.sub("", value).lower()
    return cleaned.startswith("//") or bool(SCHEME.match(cleaned))


def _css_problems(css: str, declarations: bool = False) -> list[str]:
    """@import, and url() that is not a file of the book (tinycss2 reads CSS as a browser does)."""
    import tinycss2

    tokens = tinycss2.parse_declaration_list(css) if declarations else tinycss2.parse_stylesheet(css)
    found = []
    stack = list(tokens)
    while stack:
        token = stack.pop()
        kind = getattr(token, "type", "")
        if kind == "at-rule" and token.lower_at_keyword == "import":
            found.append("imports a stylesheet (@import)")
        if kind == "url" and _remote(token.value):
            found.append(f"loads {token.value[:60]!r} from elsewhere (url())")
        if kind == "function" and token.lower_name == "url":
            value = "".join(getattr(t, "value", "") for t in token.arguments if t.type == "string")
            if _remote(value):
                found.append(f"loads {value[:60]!r} from elsewhere (url())")
        for attribute in ("prelude", "content", "value", "arguments"):
            children = getattr(token, attribute, None)
            if isinstance(children, list):
                stack.extend(children)
    return found
