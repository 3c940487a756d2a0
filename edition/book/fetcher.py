"""What the PDF may read: files of the built site and the edition's typefaces, nothing else.

WeasyPrint's default fetcher reads any `file://` path the build machine can
read, fetches from any host, and decodes `data:` URLs; a page that names one
would have it drawn or embedded in the PDF. So the book is rendered with
`base_url` on a host that never resolves (`https://book.invalid/`, RFC 6761:
no path of the build machine is ever written into the document, nor into
the PDF's bytes), and WeasyPrint is handed this fetcher, which serves

- `https://book.invalid/site/PATH`: a file of the built site, by resolved
  path inside the site folder, a regular file reached through no symbolic
  link (`SiteFiles`, the same reader the assembly and the EPUB use);
- `https://book.invalid/fonts/PACKAGE/FILE`: one of the font files of the two
  font packages the edition names (`FACES`), by its exact resolved path;

and refuses everything else (any other host or scheme, `file:`, `data:`, a
path outside the site, a link) with a message naming the page that asked
(from the assembly's record of which page holds which image) and the
download. WeasyPrint's own `URLFetcher` is subclassed, as its documentation
says to, and a refusal is its `FatalURLFetchingError`, which stops the
render at once (any other exception would only be logged, and the image
left out). The edition writes no `data:` URL itself, so none is served.

Tests: tests/test_book.py (a page asking for a file:// path outside the site, a
system file, an http image, a link inside the site pointing outside: refused
with the page named; the fonts served are the packages' own files),
tests/test_upstream_pdf.py (WeasyPrint's fetcher interface).
"""

from __future__ import annotations

import os
import stat
from importlib.resources import files as package_files
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from edition.errors import BOOK, Problem, Refusal

HOST = "book.invalid"
SITE = f"https://{HOST}/site/"
FONTS = f"https://{HOST}/fonts/"
MAX_FILE_BYTES = 16 * 1024 * 1024  # the source guard allows 1 MiB per published file
STYLES = "print/pdf.css"  # who asks when no page does: the book's own styles
MIME_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif",
    ".svg": "image/svg+xml", ".css": "text/css", ".ttf": "font/ttf",
}  # fmt: skip

# The typefaces, embedded from these packages, never fetched: (family, package, file, weight, style).
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
FAMILIES = sorted({family for family, *_ in FACES})


def font_url(package: str, name: str) -> str:
    return f"{FONTS}{package}/{name}"


def font_files() -> dict[str, Path]:
    """Each face's URL and the exact file of its package it stands for."""
    found = {}
    for _, package, name, _, _ in FACES:
        path = Path(str(package_files(package).joinpath("files", name))).resolve()
        found[font_url(package, name)] = path
    return found


def font_faces() -> str:
    """The @font-face rules of the edition's typefaces, by the fetcher's addresses (no path of the machine)."""
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; src: url("{font_url(package, name)}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for family, package, name, weight, style in FACES
    )


class SiteFiles:
    """Files of the built site: by path inside it, regular files reached through no symbolic link."""

    def __init__(self, site: Path):
        self.site = Path(site).resolve()

    def read(self, path: str) -> bytes:
        """The file's bytes, or a Refusal saying why it is not a file of the site."""
        parts = PurePosixPath(path).parts
        if not path or path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in parts):
            raise Refusal(path, None, "is not a plain path inside the site", BOOK)
        current = self.site
        for part in parts:
            current = current / part
            try:
                info = os.lstat(current)
            except OSError:
                raise Refusal(path, None, "is not a file of the built site", BOOK) from None
            if stat.S_ISLNK(info.st_mode):
                raise Refusal(path, None, "is a symbolic link (or lies in a linked folder) in the built site", BOOK)
        if not stat.S_ISREG(info.st_mode):
            raise Refusal(path, None, "is not a regular file", BOOK)
        if self.site not in current.resolve().parents:
            raise Refusal(path, None, "lies outside the built site", BOOK)
        if info.st_size > MAX_FILE_BYTES:
            raise Refusal(path, None, f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB", BOOK)
        descriptor = os.open(current, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]


def refusal(url: str, reason: str, requests: dict[str, str], download: str) -> Problem:
    """The problem of a refused address, naming the page that asked for it (or the book's styles)."""
    src_uri = requests.get(url) or requests.get(unquote(url))
    where = f"docs/{src_uri}" if src_uri else STYLES
    shown = url if len(url) <= 80 else url[:77] + "..."
    return Problem(where, None, f"the PDF {download} shows only files of the built site and the edition's typefaces; "
                   f"{shown!r} was refused ({reason})", BOOK)


def serve(url: str, site: SiteFiles, fonts: dict[str, Path], requests: dict[str, str], download: str) -> tuple[bytes, str]:
    """(bytes, media type) of an address the PDF may read; a Refusal (naming the page) for any other."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.netloc == HOST and not parts.query:
        address = f"https://{HOST}{parts.path}"
        if address in fonts:
            path = fonts[address]
            if path.is_symlink() or not path.is_file():
                raise _refused(url, "the font package's file is not a regular file", requests, download)
            return path.read_bytes(), MIME_TYPES[".ttf"]
        if address.startswith(SITE):
            path = unquote(address[len(SITE) :])
            try:
                data = site.read(path)
            except Refusal as error:
                raise _refused(url, f"{path} {error.problem.message}", requests, download) from None
            return data, MIME_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")
        raise _refused(url, "not a file of the site nor one of the edition's typefaces", requests, download)
    scheme = parts.scheme or "no scheme"
    raise _refused(url, f"{scheme}: addresses are never read", requests, download)


def _refused(url, reason, requests, download) -> Refusal:
    problem = refusal(url, reason, requests, download)
    return Refusal(problem.file, problem.line, problem.message, problem.guard)


def fetcher(site: Path, requests: dict[str, str], download: str):
    """WeasyPrint's URL fetcher for the book (imports WeasyPrint: only when a PDF is made)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        """A refusal that stops WeasyPrint's render at once; `problem` says why and who asked."""

        def __init__(self, problem: Problem):
            super().__init__(str(problem))
            self.problem = problem

    class BookFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=True)
            self.site = SiteFiles(site)
            self.fonts = font_files()
            self.refused: list[Problem] = []

        def fetch(self, url, headers=None):
            try:
                data, media_type = serve(url, self.site, self.fonts, requests, download)
            except Refusal as error:
                self.refused.append(error.problem)
                raise Refused(error.problem) from None
            return URLFetcherResponse(url, body=data, headers={"Content-Type": media_type})

    return BookFetcher()
