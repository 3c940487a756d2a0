"""Every page links the PDFs, the EPUB and the offline copy, and `make site` makes them where the links point.

The offline copy's zip is the edition's own (edition/book/archive.py): its entries in order, each dated by
the commit; the book leaves nothing behind but its downloads (edition/book/__init__.py).
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

import pytest
from conftest import read_page


def pages(site: Path) -> list[Path]:
    """Every page of the site; Material's "404 - Not found" page has a template of its own."""
    return [html for html in sorted(site.rglob("*.html")) if html.name != "404.html"]


def download_links(html: Path) -> list[str]:
    soup = read_page(html)
    return [a["href"] for a in soup.select(".edition-downloads a[href]")]


def target(html: Path, href: str) -> Path:
    return html.parent / posixpath.normpath(href)


def test_every_page_links_the_pdfs_the_epub_and_the_offline_copy(build):
    for html in pages(build.site):
        links = download_links(html)
        suffixes = sorted(posixpath.splitext(link)[1] for link in links)
        assert suffixes == [".epub", ".pdf", ".pdf", ".zip"], f"{html}: {links}"


def test_the_home_page_offers_the_downloads(build):
    soup = build.soup("index.html")
    assert soup.select_one(".edition-downloads--home h2")
    buttons = [a["href"] for a in soup.select(".edition-downloads--home a.md-button")]
    assert sorted(posixpath.splitext(href)[1] for href in buttons) == [".epub", ".pdf", ".pdf", ".zip"]
    # the EPUB beside the PDFs
    assert buttons.index(next(b for b in buttons if b.endswith(".epub"))) == 2


@pytest.mark.parametrize("where", ["index.html", "essay/14-opsc/index.html", "bibliography/index.html"])
def test_make_site_makes_the_files_at_the_linked_paths(production, where):
    html = production.site / where
    for href in download_links(html):
        path = target(html, href)
        assert href.startswith("../") or where == "index.html", "relative links, so that they work from file:// too"
        assert path.is_file() and path.stat().st_size > 10_000, f"{where}: {href}"


@pytest.mark.parametrize("where", ["essay/14-opsc/index.html", "whole-essay/index.html"])
def test_the_pdf_that_reference_managers_save_is_where_make_site_puts_it(production, where):
    """citation_pdf_url (Zotero attaches the file it names) is an absolute address on the site."""
    soup = read_page(production.site / where)
    url = soup.find("meta", attrs={"name": "citation_pdf_url"})["content"]
    home = read_page(production.site / "index.html")
    site_url = home.find("link", rel="canonical")["href"]
    assert url.startswith(site_url)
    pdf = production.site / url.removeprefix(site_url)
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_links_exist_on_every_page_of_make_site(production):
    for html in pages(production.site):
        links = download_links(html)
        assert len(links) == 4, html
        assert all(target(html, href).is_file() for href in links), html


def test_the_offline_copy_links_its_own_pdfs(production, tmp_path):
    with zipfile.ZipFile(production.download("protecting-children-from-trafficking-offline.zip")) as archive:
        archive.extractall(tmp_path)
    copy = next(tmp_path.iterdir())
    for html in pages(copy):
        links = download_links(html)
        # No zip inside the zip, and no EPUB: the copy stays small (at most 600 KiB, test_offline.py).
        assert [posixpath.splitext(link)[1] for link in links] == [".pdf", ".pdf"], f"{html}: {links}"
        assert all(target(html, href).is_file() for href in links), html


def test_the_site_holds_the_downloads_and_no_leftovers_of_making_them(production):
    downloads = sorted(path.name for path in (production.site / "downloads").iterdir())
    assert downloads == sorted([
        "protecting-children-from-trafficking.pdf", "protecting-children-from-trafficking-letter.pdf",
        "protecting-children-from-trafficking.epub", "protecting-children-from-trafficking-offline.zip",
    ])  # fmt: skip
    assert not list(production.site.rglob("*.partial")), "no half-written download"
    assert not (production.site / "pdf").exists()


def test_the_offline_zip_is_in_order_and_dated_by_the_commit(production):
    """Sorted entries under one folder, every one dated by the last commit, files 0644: a zip that repeats itself."""
    from test_pdf import commit_date

    date = commit_date()
    with zipfile.ZipFile(production.download("protecting-children-from-trafficking-offline.zip")) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names) and len({name.split("/")[0] for name in names}) == 1
    assert {info.date_time for info in infos} == {(date.year, date.month, date.day, date.hour, date.minute,
                                                    date.second - date.second % 2)}
    assert {info.external_attr >> 16 for info in infos if not info.is_dir()} == {0o100644}
