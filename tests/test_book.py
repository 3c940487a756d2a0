"""The book (edition/book/) made from small hand-made pages, in-process: what it reads, refuses, checks and repeats.

The tests that render a PDF are marked slow (a second or more each); the others are `make check`'s.

Each promise, on pages written here (tests/book_pages.py) rather than a build:

- the fetcher serves files of the built site and the font packages' own files,
  and refuses a file:// path outside the site, a system or repository file, an
  http(s) or data: address and a link inside the site pointing outside, naming
  the page that asked (directly, through WeasyPrint, and through the book);
- the downloads' checks refuse a PDF with an attachment, a file annotation,
  JavaScript, a Launch or javascript: action, an image or a font the edition did
  not put there, and an EPUB with a script, an event handler, a remote image or
  stylesheet, a file the edition did not write, or mimetype out of place;
- a render that outlasts `pdf.time_limit` is stopped with a message naming the PDF;
- images are files of the site (shown in both formats), and the pixels the book shows are bounded;
- links land in the book, on the website for what the book leaves out, or keep
  their words; notes and their calls and the "Cited in" links are the book's;
- every admonition type is printed as the editors', in both formats; the licence is mkdocs.yml's;
- the same trees give byte-identical downloads in two folders under two clocks
  (faketime), with no path of the machine in them; the date is SOURCE_DATE_EPOCH's
  or CITATION.cff's; the offline copy's zip repeats itself;
- a property: pages holding generated comments, CDATA, foreign content (SVG,
  MathML) and raw HTML fragments, parsed as the finishing step parses them, give
  downloads whose words are the tree's reading, in order (nothing hidden shown),
  and the book refuses exactly what the content guard refuses.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from book_pages import EPOCH, ROOT, SITE_URL, section, small_book
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edition import book as books
from edition.book import archive, assembly, checks, epub, fetcher, pdf
from edition.errors import BOOK, Refusal, Refusals
from edition.finish import html

PAGE = "docs/essay/01-section.md"
DOWNLOAD = "downloads/essay.pdf"


def png(width: int, height: int, data: bool = True) -> bytes:
    """A PNG image: its header (IHDR) says its size; with `data`, a real grey image of that size."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))) if data else b""
    return b"\x89PNG\r\n\x1a\n" + header + pixels + chunk(b"IEND", b"")


def refusal_of(error) -> list:
    return error.problems if isinstance(error, Refusals) else [error.problem]


@pytest.fixture
def site(tmp_path) -> Path:
    """A built site's folder with an image, and two links inside it that point outside."""
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "dot.png").write_bytes(png(2, 2))
    (tmp_path / "secret.png").write_bytes(png(2, 2))
    (site / "assets" / "link.png").symlink_to(tmp_path / "secret.png")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.png").write_bytes(png(2, 2))
    (site / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    return site


# The fetcher


def test_the_fetcher_serves_files_of_the_site_and_the_font_packages_own_files(site):
    fonts = fetcher.font_files()
    data, media_type = fetcher.serve(fetcher.SITE + "assets/dot.png", fetcher.SiteFiles(site), fonts, {}, DOWNLOAD)
    assert data == (site / "assets" / "dot.png").read_bytes() and media_type == "image/png"
    import font_source_sans_pro
    import font_source_serif_pro

    packages = {Path(module.__file__).parent.resolve() / "files" for module in (font_source_serif_pro, font_source_sans_pro)}
    assert len(fonts) == len(fetcher.FACES) == 11
    for url, path in fonts.items():
        assert path.parent in packages and path.is_file() and not path.is_symlink()
        assert fetcher.serve(url, fetcher.SiteFiles(site), fonts, {}, DOWNLOAD)[0] == path.read_bytes()
    assert "file:" not in fetcher.font_faces() and str(ROOT) not in fetcher.font_faces()


REFUSED = [
    "file:///etc/passwd",  # a system file
    f"file://{ROOT}/CITATION.cff",  # a file of the repository, outside the site
    fetcher.SITE + "../../etc/passwd",  # above the site's folder
    fetcher.SITE + "%2e%2e/%2e%2e/etc/passwd",  # the same, encoded
    fetcher.SITE + "assets/link.png",  # a link inside the site to a file outside it
    fetcher.SITE + "linked/x.png",  # a file in a linked folder
    fetcher.SITE + "assets/missing.png",
    "http://example.org/image.png",  # another host
    "https://example.org/image.png",
    "data:image/png;base64,iVBORw0KGgo=",  # data: the edition writes none
    fetcher.FONTS + "system/DejaVuSans.ttf",  # a font that is not one of the packages' files
    "https://book.invalid/site/assets/dot.png?x=1",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_fetcher_refuses_anything_else_naming_the_page_that_asked(url, site):
    with pytest.raises(Refusal) as refused:
        fetcher.serve(url, fetcher.SiteFiles(site), fetcher.font_files(), {url: "essay/01-section.md"}, DOWNLOAD)
    problem = refused.value.problem
    assert (problem.file, problem.guard) == (PAGE, BOOK)
    assert DOWNLOAD in problem.message and "refused" in problem.message


@pytest.mark.slow  # renders PDFs
def test_weasyprint_renders_with_the_fetcher_and_stops_at_a_refused_file(site):
    """Through WeasyPrint itself: the refusal stops the render (no image is left out in silence)."""
    url = "file:///etc/passwd"
    fetch = fetcher.fetcher(site, {url: "essay/01-section.md"}, DOWNLOAD)
    text = f'<html><body><p>Text</p><img src="{url}" alt="x"></body></html>'
    with pytest.raises(BaseException) as stopped:
        pdf.render(text, fetch)
    assert not isinstance(stopped.value, Exception), "a FatalURLFetchingError, which WeasyPrint does not swallow"
    assert [problem.file for problem in fetch.refused] == [PAGE]


@pytest.mark.parametrize("src", [
    "file:///etc/passwd", "../../../../../../etc/passwd", "http://example.org/x.png", "//example.org/x.png",
    "../../assets/link.png", "../../linked/x.png",
])  # fmt: skip
def test_the_book_shows_only_images_that_are_files_of_the_site(src, site):
    pages, session, options = small_book({1: section(f'<p>A picture: <img src="{src}" alt="a picture"></p>')})
    with pytest.raises(Refusal) as refused:
        books.make(pages, site, session, options)
    assert refused.value.problem.file == PAGE and refused.value.problem.guard == BOOK
    assert not (site / "downloads").exists() or not any((site / "downloads").iterdir())


@pytest.mark.slow  # renders PDFs
def test_an_image_of_the_site_is_shown_in_both_formats_and_passes_their_checks(site):
    pages, session, options = small_book({1: section('<p>A dot: <img src="../../assets/dot.png" alt="a dot"></p>')})
    books.make(pages, site, session, options)
    with pikepdf.open(site / "downloads" / "essay.pdf") as document:
        drawn = [(int(obj.Width), int(obj.Height)) for obj in document.objects
                 if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
    assert drawn == [(2, 2)]
    with zipfile.ZipFile(site / "downloads" / "essay.epub") as packed:
        assert packed.read("EPUB/assets/dot.png") == (site / "assets" / "dot.png").read_bytes()
        assert b'<img src="assets/dot.png" alt="a dot" />' in packed.read("EPUB/part-01.xhtml")


@pytest.mark.slow  # renders PDFs
def test_a_file_refused_while_rendering_stops_the_pdf_naming_the_page(site):
    """The fetcher's refusal in the render's child process comes back as the build's Refusal."""
    pages, session, options = small_book({1: section('<p>A dot: <img src="../../assets/dot.png" alt="a dot"></p>')})
    book = assembly.assemble(pages, session, options, site)
    image = next(node for node in book.parts[0].chapters[0].body.iter(f"{html.HTML}img"))
    image.set("src", "file:///etc/hostname")  # past the assembly, as a renderer's bug would put it
    book.requests["file:///etc/hostname"] = "essay/01-section.md"
    with pytest.raises(Refusal) as refused:
        pdf.write(book, site, pdf.read_stylesheet(ROOT), [(DOWNLOAD, "A4")], 60)
    assert refused.value.problem.file == PAGE and "file:///etc/hostname" in refused.value.problem.message
    assert not list(site.rglob("*.partial"))


def test_the_pixels_the_book_shows_are_bounded_counting_each_image_shown(site):
    (site / "assets" / "large.png").write_bytes(png(5000, 5000, data=False))  # 25 million pixels, header only
    once = section('<p><img src="../../assets/large.png" alt="a large picture"></p>')
    pages, session, options = small_book({1: once})
    book = assembly.assemble(pages, session, options, site)
    assert book.images == {"assets/large.png": (5000, 5000)}
    pages, session, options = small_book({1: section(once + once)})
    with pytest.raises(Refusal) as refused:
        assembly.assemble(pages, session, options, site)
    assert refused.value.problem.file == PAGE and f"{assembly.MAX_BOOK_PIXELS:,} pixels" in refused.value.problem.message


def test_a_page_the_guard_would_refuse_is_refused_by_the_book_too(site):
    for content in ('<p>A <script>alert(1)</script></p>', '<p onclick="x()">A</p>', '<p>A <math><mi>x</mi></math></p>',
                    '<p>A <iframe src="x"></iframe></p>', '<p style="color: red">A</p>'):
        pages, session, options = small_book({1: section(content)})
        with pytest.raises((Refusal, Refusals)) as refused:
            assembly.assemble(pages, session, options, site)
        assert {problem.file for problem in refusal_of(refused.value)} == {PAGE}, content


# The time limit


def test_a_render_that_outlasts_the_time_limit_is_stopped_with_a_clear_message(site):
    pages, session, options = small_book({1: section("<p>Words.</p>")}, time_limit=0, epub=False)
    with pytest.raises((Refusal, Refusals)) as refused:
        books.make(pages, site, session, options)
    problems = refusal_of(refused.value)
    assert [problem.file for problem in problems] == ["downloads/essay.pdf", "downloads/essay-letter.pdf"]
    assert all("longer than 0 s" in p.message and "plugins.edition.pdf.time_limit" in p.message for p in problems)
    assert not list(site.rglob("*.pdf*")), "nothing half-written is left"


# Links, notes, sources, the editors' boxes


LINKED = section(
    '<p id="here">See <a href="../02-section/">the next section</a>, <a href="../02-section/#part-b">its part b</a>, '
    '<a href="#here">this place</a>, <a href="../../">the home page</a>, <a href="../../contributing/#how">the guide</a>, '
    '<a href="../../downloads/x.pdf">a download</a>, <a href="https://example.com/a%28b%29">a source</a>, '
    '<a href="tel:116000">116 000</a>, <a href="sms:233733">233733</a> and '
    '<a href="../../bibliography/#Key2010">a source</a>'
    '<sup id="fnref:ref-Key2010"><a class="footnote-ref" href="#fn:ref-Key2010">3</a></sup>.</p>'
    '<div class="footnote"><hr><ol><li id="fn:ref-Key2010" value="3"><p>A Source, 2010.&nbsp;'
    '<a class="footnote-backref" href="#fnref:ref-Key2010" title="Jump back to note 3 in the text">↩</a></p></li></ol></div>'
)
SECOND = section('<h2 id="part-b">Part b</h2><p>More words.</p>', number=2)
SOURCES = (
    '<h1 id="sources">Sources</h1><ul class="sources"><li id="Key2010"><p class="reference">A Source, 2010.</p>'
    '<p class="cited-in">Cited in <a href="../essay/01-section/#fnref:ref-Key2010">section 1, note 3</a>.</p></li></ul>'
)


def test_links_land_in_the_book_on_the_website_or_keep_their_words(site):
    pages, session, options = small_book({1: LINKED, 2: SECOND}, back={"bibliography": SOURCES})
    book = assembly.assemble(pages, session, options, site)
    first, second = book.parts[0].chapters
    links = {html.text_of(a): a.get("href") for a in first.body.iter(f"{html.HTML}a")}
    assert links["the next section"] == "#s2"
    assert links["its part b"] == "#s2-part-b" and second.body.find(f".//{html.HTML}h3").get("id") == "s2-part-b"
    assert links["this place"] == "#s1-here"
    assert links["the home page"] == SITE_URL
    assert links["the guide"] == SITE_URL + "contributing/#how"
    assert links["a download"] == SITE_URL + "downloads/x.pdf"
    assert links["a source"] == "#bibliography-Key2010"
    assert links["116 000"] == "tel:116000"
    assert "233733" not in links and "and 233733 and" not in html.text_of(first.body)
    assert "233733 and" in html.text_of(first.body), "an sms: link keeps its words"
    note_calls = [a for a in first.body.iter(f"{html.HTML}a") if "noteref" in html.classes(a)]
    assert [(a.get("href"), a.get("id"), a.text) for a in note_calls] == [("#note-3", "noteref-3", "3")]
    assert [(note.number, note.id) for note in first.notes] == [(3, "note-3")]
    assert html.text_of(first.notes[0].paragraphs[0]) == "A Source, 2010.", "no jump back"
    cited = next(a for a in book.back[0].body.iter(f"{html.HTML}a") if "note" in html.text_of(a))
    assert cited.get("href") == "#noteref-3"
    listing = book.back[0].body.find(f"{html.HTML}ul")
    assert listing.get("class") == "sources" and listing[0].get("id") == "bibliography-Key2010"
    widgets = html.serialize(first.body)
    assert "Edit this page" not in widgets and "¶" not in widgets and "Cite this" not in widgets and "Read offline" not in widgets


@pytest.mark.slow  # renders PDFs
def test_every_admonition_type_is_printed_as_the_editors_in_both_formats(site):
    boxes = "".join(
        f'<div class="admonition {kind}"><p class="admonition-title">{title}</p><p>Words of {kind}.</p></div>'
        for kind, title in (("note", "Editors' note"), ("note", "Note"), ("update", "Since then"),
                            ("chart", "A chart"), ("editors", "From the editors"))
    )  # fmt: skip
    pages, session, options = small_book({1: section(boxes)})
    books.make(pages, site, session, options)
    with zipfile.ZipFile(site / "downloads" / "essay.epub") as archive_:
        page = archive_.read("EPUB/part-01.xhtml").decode()
    import xml.etree.ElementTree as ET

    root = ET.fromstring(page.split("\n", 2)[2])
    marked = [node for node in root.iter("{http://www.w3.org/1999/xhtml}div")
              if "editorial" in (node.get("class") or "").split() and node.get("role") == "note"]
    titles = [" ".join("".join(node[0].itertext()).split()) for node in marked]
    assert titles == ["Editors' note", "Editors’ note: Note", "Editors’ note: Since then", "Editors’ note: A chart",
                      "Editors’ note: From the editors"]
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(site / "downloads" / "essay.pdf").pages)
    for title in titles:
        assert title.replace("’", "'") in text.replace("’", "'")


# The downloads' checks


def blank_pdf(path: Path, change=None) -> Path:
    with pikepdf.new() as document:
        document.add_blank_page()
        if change:
            change(document, document.pages[0])
        document.save(path)
    return path


def attach(document, page):
    document.attachments["notes.txt"] = pikepdf.AttachedFileSpec(document, b"the build machine's secret")


def file_annotation(document, page):
    spec = pikepdf.AttachedFileSpec(document, b"secret", filename="x.txt")
    page.Annots = document.make_indirect(pikepdf.Array([document.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment, Rect=[0, 0, 10, 10], FS=spec.obj))]))


def link_with(action):
    def change(document, page):
        page.Annots = pikepdf.Array([document.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], A=action))])
    return change


def javascript_on_opening(document, page):
    document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


def image(document, page):
    stream = pikepdf.Stream(document, b"\x00\x00\x00\x00", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                            Width=2, Height=2, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream))


def system_font(document, page):
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=document.make_indirect(font)))


@pytest.mark.parametrize("change, says", [
    (attach, "embedded"),
    (file_annotation, "FileAttachment annotation"),
    (javascript_on_opening, "action on opening"),
    (link_with(pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))), "Launch action"),
    (link_with(pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("javascript:alert(1)"))), "javascript:"),
    (link_with(pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://book.invalid/site/x"))), "renderer"),
    (link_with(pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://example.org/"))), "SubmitForm"),
    (image, "image of 2 x 2 pixels"),
    (system_font, "Helvetica"),
])  # fmt: skip
def test_the_pdf_check_refuses_what_the_edition_does_not_put_in_a_pdf(change, says, tmp_path):
    checks.check_pdf(blank_pdf(tmp_path / "clean.pdf"), DOWNLOAD)  # the same file, unchanged, passes
    with pytest.raises((Refusal, Refusals)) as refused:
        checks.check_pdf(blank_pdf(tmp_path / "changed.pdf", change), DOWNLOAD)
    problems = refusal_of(refused.value)
    assert {(p.file, p.guard) for p in problems} == {(DOWNLOAD, BOOK)}
    assert any(says in p.message for p in problems), [p.message for p in problems]


@pytest.fixture(scope="module")
def small_epub(tmp_path_factory) -> tuple[Path, list[str]]:
    site = tmp_path_factory.mktemp("epub-site")
    pages, session, options = small_book({1: section("<p>Words.</p>")}, pdf=False)
    book = assembly.assemble(pages, session, options, site)
    target = site / "book.epub"
    return target, epub.write(book, target, site, epub.read_stylesheet(ROOT))


def changed_epub(source: Path, target: Path, name: str, change) -> Path:
    with zipfile.ZipFile(source) as original:
        entries = [(info.filename, original.read(info)) for info in original.infolist()]
    entries = change(entries) if name == "*" else [(n, change(data) if n == name else data) for n, data in entries]
    with zipfile.ZipFile(target, "w") as rewritten:
        for entry, data in entries:
            rewritten.writestr(entry, data, zipfile.ZIP_STORED if entry == "mimetype" else zipfile.ZIP_DEFLATED)
    return target


def inject(markup: bytes):
    return lambda data: data.replace(b"</section></body>", markup + b"</section></body>", 1)


PART = "EPUB/part-01.xhtml"


@pytest.mark.parametrize("name, change, says", [
    (PART, inject(b"<script>alert(1)</script>"), "<script>"),
    (PART, lambda data: data.replace(b"<p>Words.", b'<p onclick="alert(1)">Words.', 1), "event handler"),
    (PART, inject(b'<p><a href="javascript:alert(1)">x</a></p>'), "script address"),
    (PART, inject(b'<p><img src="https://example.org/x.png" alt="x" /></p>'), "from elsewhere"),
    (PART, inject(b'<p><img src="//example.org/x.png" alt="x" /></p>'), "from elsewhere"),
    (PART, lambda data: data.replace(b"</head>", b'<link rel="stylesheet" href="https://example.org/x.css" /></head>'),
     "from elsewhere"),
    (PART, inject(b"<p>broken"), "well-formed"),
    ("EPUB/edition.css", lambda data: b'@import url("https://example.org/x.css");\n' + data, "@import"),
    ("EPUB/edition.css", lambda data: data + b"\nbody { background: url(https://example.org/x.png); }", "url()"),
    ("*", lambda entries: [*entries, ("EPUB/extra.xhtml", b"<html/>")], "did not write"),
    ("*", lambda entries: [*entries[1:], entries[0]], "mimetype"),
])  # fmt: skip
def test_the_epub_check_refuses_what_the_edition_did_not_write(name, change, says, small_epub, tmp_path):
    path, names = small_epub
    checks.check_epub(path, "downloads/essay.epub", names)  # the book as written passes
    with pytest.raises((Refusal, Refusals)) as refused:
        checks.check_epub(changed_epub(path, tmp_path / "changed.epub", name, change), "downloads/essay.epub", names)
    problems = refusal_of(refused.value)
    assert {(p.file, p.guard) for p in problems} == {("downloads/essay.epub", BOOK)}
    assert any(says in p.message for p in problems), [p.message for p in problems]


def test_the_epub_is_stored_as_a_reading_system_expects(small_epub):
    path, names = small_epub
    with zipfile.ZipFile(path) as packed:
        infos = packed.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert [info.filename for info in infos[1:]] == sorted(info.filename for info in infos[1:])
    assert {info.date_time for info in infos} == {(2025, 11, 28, 0, 0, 0)}, "SOURCE_DATE_EPOCH's date"
    assert sorted(names) == sorted(info.filename for info in infos)


# Reproducible


MAKE_SMALL = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
import book_pages
from edition import book
site = Path(sys.argv[1])
content = book_pages.section('<p>Words <em>and</em> a drawing <svg viewBox="0 0 10 10" width="20" height="20">'
                             '<rect width="10" height="10" fill="#5b2a86"></rect></svg>.</p>')
pages, session, options = book_pages.small_book({{1: content}}, environ={{}})
print(book.make(pages, site, session, options))
"""


@pytest.mark.slow  # renders PDFs
def test_the_same_trees_give_the_same_bytes_in_two_folders_under_two_clocks(tmp_path):
    """Two builds, years apart by the clock (faketime), in two folders: the same PDFs and EPUB, byte for byte,
    dated by CITATION.cff (no SOURCE_DATE_EPOCH), and no path of either folder in them."""
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed")
    script = MAKE_SMALL.format(tests=str(Path(__file__).parent))
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    runs = []
    for clock, folder in (("2031-02-03 04:05:06", tmp_path / "first" / "site"), ("2027-07-08 09:10:11", tmp_path / "b")):
        folder.mkdir(parents=True)
        runs.append((folder, subprocess.Popen([faketime, clock, sys.executable, "-c", script, str(folder)], cwd=folder,
                                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    for _, run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    (first, _), (second, _) = runs
    names = ["essay.pdf", "essay-letter.pdf", "essay.epub"]
    for name in names:
        one, two = (folder / "downloads" / name for folder in (first, second))
        assert one.read_bytes() == two.read_bytes(), f"{name} differs between the two builds"
    with pikepdf.open(first / "downloads" / "essay.pdf") as document:
        assert str(document.docinfo.CreationDate).startswith("D:20261128"), "CITATION.cff's date-released"
        streams = b"".join(obj.read_bytes() for obj in document.objects if isinstance(obj, pikepdf.Stream))
    with zipfile.ZipFile(first / "downloads" / "essay.epub") as packed:
        contents = b"".join(packed.read(name) for name in packed.namelist())
    for text in (streams, contents, (first / "downloads" / "essay.pdf").read_bytes()):
        for path in (str(tmp_path), str(ROOT), "file:"):
            assert path.encode() not in text


def test_the_date_is_source_date_epochs_else_the_releases_never_the_clocks():
    pages, session, options = small_book({1: section("<p>Words.</p>")}, environ={"SOURCE_DATE_EPOCH": "1893456000"})
    book = assembly.assemble(pages, session, options, ROOT)
    assert book.date.isoformat() == "2030-01-01T00:00:00+00:00" and book.edition_line.endswith(", January 2030")
    pages, session, options = small_book({1: section("<p>Words.</p>")}, environ={})
    assert assembly.assemble(pages, session, options, ROOT).edition_line.endswith(", November 2026")
    with pytest.raises(Refusal) as refused:
        archive.build_date({"SOURCE_DATE_EPOCH": "yesterday"}, "2026-11-28")
    assert refused.value.problem.file == "SOURCE_DATE_EPOCH"


def test_a_folder_zipped_twice_at_different_times_and_places_gives_the_same_bytes(tmp_path):
    zips = []
    for index, place in enumerate((tmp_path / "one", tmp_path / "two" / "deeper")):
        copy = place / "offline"
        (copy / "essay").mkdir(parents=True)
        (copy / "index.html").write_text("home", encoding="utf-8")
        (copy / "essay" / "index.html").write_text("essay", encoding="utf-8")
        (copy / "essay-notes.html").write_text("notes", encoding="utf-8")
        for path in copy.rglob("*"):
            os.utime(path, (1_000_000 * (index + 1), 1_000_000 * (index + 1)))
        (copy / "index.html").chmod(0o600 + index * 0o55)
        target = place / "copy.zip"
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        result = subprocess.run([sys.executable, "-m", "edition.book.archive", str(copy), str(target)], cwd=ROOT, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        zips.append(target.read_bytes())
    assert zips[0] == zips[1]
    with zipfile.ZipFile(io.BytesIO(zips[0])) as packed:
        names = packed.namelist()
    assert names == ["offline/", "offline/essay-notes.html", "offline/essay/", "offline/essay/index.html",
                     "offline/index.html"]  # fmt: skip


def test_the_licence_is_the_one_mkdocs_yml_states():
    """The rights are said once (mkdocs.yml's `copyright`); the PDF's colophon and the EPUB carry that text."""
    pages, session, options = small_book({1: section("<p>Words.</p>")})
    assert assembly.assemble(pages, session, options, ROOT).licence == "Text © An Author. Notes: CC BY 4.0."


def test_the_archive_refuses_a_link_in_the_folder(tmp_path):
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "secret").symlink_to("/etc/passwd")
    with pytest.raises(Refusal, match="symbolic link"):
        archive.zip_folder(tmp_path / "copy", tmp_path / "copy.zip", archive.build_date({"SOURCE_DATE_EPOCH": EPOCH}, None))


# The property: the downloads read as the tree reads


WORDS = st.sampled_from(["child", "law", "state", "right", "home", "safe", "care", "help", "trust", "voice", "&lt;b&gt;",
                         "x&amp;y", "rights."])  # fmt: skip
PHRASE = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)


def _inline(children):
    return st.one_of(
        # (no sup or sub: a raised drawing's words are read a line early by a PDF reader, not by a person)
        st.tuples(st.sampled_from(["em", "strong", "code", "span"]), children).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
        children.map(lambda words: f'<abbr title="a title never shown">{words}</abbr>'),
        children.map(lambda words: f"<span hidden>{words}</span>"),
        st.tuples(children, children).map(" ".join),
    )


INLINE = st.recursive(st.one_of(
    PHRASE,
    PHRASE.map(lambda words: f"<!-- {words} -->"),  # a comment
    PHRASE.map(lambda words: f"<![CDATA[{words}]]>"),  # CDATA outside foreign content: a comment
    PHRASE.map(lambda words: f'<svg viewBox="0 0 200 12" width="200" height="12"><title>{words}</title>'
                             f'<text x="0" y="10">{words}</text></svg>'),
    PHRASE.map(lambda words: f'<svg viewBox="0 0 200 12" width="200" height="12"><text x="0" y="10">'
                             f'<![CDATA[{words} <b>]]></text>{words}</svg>'),  # CDATA in SVG: text; loose text: not drawn
    PHRASE.map(lambda words: f"<math><mi>{words}</mi></math>"),  # MathML: the guard refuses it
), _inline, max_leaves=4)
BLOCK = st.one_of(
    INLINE.map(lambda inner: f"<p>{inner}</p>"),
    INLINE.map(lambda inner: f"<ul><li>{inner}</li></ul>"),
    INLINE.map(lambda inner: f"<blockquote><p>{inner}</p></blockquote>"),
    INLINE.map(lambda inner: f"<p><em>{inner}"),  # a raw fragment, unclosed
)


def reading(node) -> list[str]:
    """The words a reader sees, in order: no comment, nothing hidden, an SVG's words only in its <text>."""
    words: list[str] = []

    def walk(element, in_svg: bool, in_text: bool):
        name = html.local(element.tag)
        svg = element.tag.startswith(html.SVG)
        if element.get("hidden") is not None or (svg and name in ("title", "desc")):
            return
        in_svg, in_text = in_svg or svg, in_text or (svg and name == "text")
        if not in_svg or in_text:
            words.append(element.text or "")
        for child in element:
            if isinstance(child.tag, str):
                walk(child, in_svg, in_text)
            if not in_svg or in_text:
                words.append(child.tail or "")

    walk(node, False, False)
    return " ".join(words).split()


def pdf_words(data: bytes) -> list[str]:
    """The running text of the section's pages (after the cover and the contents; no running head, no page
    number), line by line as the eye reads them: a drawing's text is drawn after the line it sits in."""
    from pypdf import PdfReader
    from test_pdf import BOTTOM_MARGIN, HEAD_ZONE, canon

    reader = PdfReader(io.BytesIO(data))
    text = []
    for page in reader.pages[2:-1]:  # the last page is the back page
        height = float(page.mediabox.height)
        placed = []

        def visit(chunk, cm, tm, font, size, placed=placed, height=height):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if chunk.strip() and BOTTOM_MARGIN < y < height - HEAD_ZONE:
                placed.append((y, x, chunk))

        page.extract_text(visitor_text=visit)
        lines: list[list[tuple[float, float, str]]] = []
        for y, x, chunk in sorted(placed, key=lambda item: -item[0]):
            if lines and abs(lines[-1][0][0] - y) < 6:  # the same line (a drawing's baseline sits a little apart)
                lines[-1].append((y, x, chunk))
            else:
                lines.append([(y, x, chunk)])
        text += [" ".join(chunk for _, _, chunk in sorted(line, key=lambda item: item[1])) for line in lines]
    return canon("\n".join(text)).casefold().split()


def epub_words(book) -> list[str]:
    import xml.etree.ElementTree as ET

    document = epub.part_document(book.parts[0])
    root = ET.fromstring(epub.xhtml(document, "en").split("\n", 2)[2])
    section_ = next(node for node in root.iter() if node.get("id") == "s1")
    return reading(section_)


@pytest.mark.slow  # renders PDFs
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(blocks=st.lists(BLOCK, min_size=1, max_size=4))
def test_the_downloads_read_as_the_tree_reads_and_refuse_what_the_guard_refuses(blocks, tmp_path):
    from test_pdf import tight

    from edition.guard import content

    fragment = '<h1 id="section-1">1. Section 1</h1>' + "".join(blocks)
    refused_by_guard = bool(content.check_content(fragment))
    pages, session, options = small_book({1: fragment})
    if refused_by_guard:
        with pytest.raises((Refusal, Refusals)):
            assembly.assemble(pages, session, options, tmp_path)
        return
    book = assembly.assemble(pages, session, options, tmp_path)
    expected = reading(pages[0].article)
    assert epub_words(book) == expected
    text = pdf.document(book, pdf.read_stylesheet(ROOT))
    data = pdf.render(text, fetcher.fetcher(tmp_path, book.requests, DOWNLOAD))
    # Compared without spaces: a PDF places words, and a reader of it guesses where the spaces were.
    assert "".join(pdf_words(data)) == tight(book.parts[0].title + " " + " ".join(expected)).casefold()
