"""The book: the PDF (A4 and US Letter, tagged PDF/UA-1) and the EPUB, made from the finished pages' trees.

`make` is the finishing step's last (edition/finish/__init__.py): after every
page was judged by the content guard and written, it

1. assembles the book once from those very trees (edition/book/assembly.py:
   cover data, parts and sections, the pages after the essay, notes, ids and
   links, the images and their pixels bounded);
2. renders the PDF of each paper with WeasyPrint (edition/book/pdf.py), each in
   a child process with `pdf.time_limit` seconds, reading only files of the
   site and the edition's typefaces (edition/book/fetcher.py), and the EPUB
   with ebooklib (edition/book/epub.py);
3. checks each download itself (edition/book/checks.py: no embedded file, no
   script or action, no image, font or remote resource the edition did not
   put there) and only then puts it in place;

and returns the downloads' paths in the site. Every problem is a Refusal
naming the file (the page, or the download) and the guard "book". With both
switches off (`ENABLE_PDF_EXPORT`, `ENABLE_EPUB_EXPORT`) nothing here is
imported: `make serve` never loads WeasyPrint.

Tests: tests/test_book.py, tests/test_pdf.py, tests/test_pdf_accessibility.py,
tests/test_epub.py, tests/test_upstream_pdf.py, tests/test_downloads.py.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.edition.book")


def make(pages, site: Path, session, options, policy=None) -> list[str]:
    """Make the downloads the options ask for from the finished pages; their paths in the site."""
    from edition.book import assembly, checks

    site = Path(site)
    root = session.project.root
    book = assembly.assemble(pages, session, options, site)
    made: list[str] = []
    if options.pdf.enabled:
        from edition.book import pdf

        started = time.monotonic()
        jobs = [(options.pdf.output_path, "A4"), (options.pdf.letter_output_path, "letter")]
        partials = pdf.write(book, site, pdf.read_stylesheet(root), jobs, options.pdf.time_limit)
        try:
            for (download, _), partial in zip(jobs, partials, strict=True):
                checks.check_pdf(partial, download, book.images)
        except Exception:
            for partial in partials:
                partial.unlink(missing_ok=True)
            raise
        for (download, _), partial in zip(jobs, partials, strict=True):  # in place only when both passed
            os.replace(partial, site / download)
            made.append(download)
        log.info(f"PDF written: {', '.join(made)} ({time.monotonic() - started:.1f} s)")
    if options.epub.enabled:
        from edition.book import epub

        download = options.epub.output_path
        target = site / download
        partial = target.with_name(target.name + ".partial")
        try:
            names = epub.write(book, partial, site, epub.read_stylesheet(root), download)
            checks.check_epub(partial, download, names)
        except Exception:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        made.append(download)
        log.info(f"EPUB written: {download}")
    return made
