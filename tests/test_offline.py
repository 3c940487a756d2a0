"""The offline copy works from its zip with no network: search, notes, navigation; and it is lean.

The zip that `make site` puts into the site is unpacked and opened from
file:// in Chromium; every request that is not for a local file is aborted
and recorded, and none may be made; a local file that is missing is recorded
too. The copy carries no source maps and only the search languages the site
uses (hook offline_copy.py), so that the zip stays at most 600 KiB.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, front_matter, read_by_axe, read_page, section_files
from playwright.sync_api import expect

ZIP = "protecting-children-from-trafficking-offline.zip"
MAX_ZIP = 600 * 1024


@pytest.fixture(scope="module")
def copy(production, tmp_path_factory) -> Path:
    """The offline copy, unpacked as a reader would: one folder with index.html in it."""
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(production.download(ZIP)) as archive:
        archive.extractall(target)
    folders = [p for p in target.iterdir() if p.is_dir()]
    assert len(folders) == 1, "the zip unpacks into one folder"
    assert (folders[0] / "index.html").is_file()
    return folders[0]


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture
def page(browser):
    """A page that may load local files only; anything else is aborted and recorded."""
    context = browser.new_context()
    page = context.new_page()
    page.elsewhere = []
    page.missing = []  # local files a page asks for that are not there

    def failed(request):
        if "ERR_FILE_NOT_FOUND" in (request.failure or ""):
            page.missing.append(request.url)

    page.on("requestfailed", failed)

    def elsewhere(route):
        page.elsewhere.append(route.request.url)
        route.abort()

    # Only what is not a file is stopped (the browser matches the pattern; files load untouched).
    page.route(re.compile(r"^(?!file:)"), elsewhere)
    yield page
    context.close()


def bib_title(key: str) -> str:
    from pybtex.database import parse_file

    entry = parse_file(str(ROOT / "references.bib")).entries[key]
    return re.sub(r"[{}]", "", entry.fields["title"])


def test_search_finds_section_14_and_opens_it(page, copy):
    page.goto((copy / "index.html").as_uri())
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("OPSC", delay=50)
    section = section_files()[13]
    result = page.locator(f".md-search-result__item a[href*='essay/{section.stem}.html']").first
    expect(result).to_be_visible(timeout=15000)
    result.click()
    expect(page).to_have_url(re.compile(rf"essay/{section.stem}\.html"))
    expect(page.locator("article h1")).to_contain_text(front_matter(section)["title"])
    assert page.elsewhere == []


def test_a_note_shows_on_hover(page, copy):
    section = section_files()[13]
    page.goto((copy / "essay" / f"{section.stem}.html").as_uri())
    marker = page.locator("sup[id^=fnref] a.footnote-ref").first
    key = marker.get_attribute("href").removeprefix("#fn:ref-")
    marker.hover()
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_be_visible(timeout=5000)
    expect(tooltip).to_contain_text(bib_title(key))
    assert page.elsewhere == []


def test_next_page_link_leads_to_the_next_section(page, copy):
    files = section_files()
    page.goto((copy / "essay" / f"{files[13].stem}.html").as_uri())
    page.locator(".md-footer__link--next").click()
    expect(page).to_have_url(re.compile(rf"essay/{files[14].stem}\.html$"))
    expect(page.locator("article h1")).to_contain_text(front_matter(files[14])["title"])
    assert page.elsewhere == []


def test_every_kind_of_page_is_styled_and_requests_only_local_files_that_are_there(page, copy):
    """The "not found" page too: its links and styles are relative to the copy, not to the disk's root.

    What a page asks for at run time (styles, scripts, fonts, the search worker)
    follows from its template and its depth in the copy, so the browser opens every
    page but the essay's sections, and one section (conftest.read_by_axe); what
    every page names in its markup is checked without a browser, below.
    """
    pages = sorted(copy.rglob("*.html"))
    assert copy / "404.html" in pages
    opened = [html for html in pages if read_by_axe(html.relative_to(copy).with_suffix("").as_posix() + "/")]
    assert len(opened) < len(pages) and any(html.parent.name == "essay" for html in opened)
    for html in opened:
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        # Material's stylesheet is there: its header stays at the top.
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", html.name
    assert page.elsewhere == []
    assert page.missing == []


def test_every_file_a_page_names_is_in_the_copy(copy):
    """Every local address in every page's markup (links, styles, scripts, images) is a file of the copy."""
    from urllib.parse import unquote, urlsplit

    missing, checked = [], 0
    for html in sorted(copy.rglob("*.html")):
        soup = read_page(html)
        for element in soup.find_all(["a", "link", "script", "img", "source"]):
            address = element.get("href") or element.get("src")
            if not address or urlsplit(address).scheme or address.startswith(("#", "//")):
                continue
            path = urlsplit(address).path
            checked += 1
            if path and not (html.parent / unquote(path)).resolve().is_file():
                missing.append(f"{html.relative_to(copy)}: {address}")
    assert missing == []
    assert checked > 27 * 20, "every page names its styles, scripts and neighbours"


def test_the_not_found_page_leads_into_the_copy(page, copy):
    page.goto((copy / "404.html").as_uri())
    page.get_by_role("link", name="Start reading the essay").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(copy.as_uri())}/essay/01-[^/]+\.html$"))
    expect(page.locator("article h1")).to_contain_text(front_matter(section_files()[0])["title"])
    assert page.elsewhere == [] and page.missing == []


def test_the_zip_is_at_most_600_kib(production):
    assert production.download(ZIP).stat().st_size <= MAX_ZIP


def test_no_source_maps_and_no_search_languages_the_site_does_not_use(copy, config):
    assert list(copy.rglob("*.map")) == []
    for path in [*copy.rglob("*.js"), *copy.rglob("*.css")]:
        assert b"sourceMappingURL" not in path.read_bytes(), path.name
    others = [language for language in search_languages(config) if language != "en"]
    lunr = copy / "assets" / "javascripts" / "lunr"
    shipped = sorted(path.name for path in lunr.rglob("*") if path.is_file()) if lunr.exists() else []
    # English is built into the search worker; another language needs its file and lunr's two helpers.
    expected = [f"lunr.{language}.min.js" for language in others]
    expected += ["lunr.multi.min.js", "lunr.stemmer.support.min.js"] if others else []
    assert shipped == sorted(expected)


def search_languages(config) -> list[str]:
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "search" in plugin:
            return (plugin["search"] or {}).get("lang") or [config["theme"]["language"]]
    return [config["theme"]["language"]]


def test_search_shim_is_shipped_not_fetched(copy):
    shim = copy / "assets" / "javascripts" / "iframe-worker" / "shim.js"
    assert shim.is_file() and (shim.parent / "LICENSE").is_file()
    for html in copy.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "iframe-worker/shim.js" in text, html.name
        assert "unpkg" not in text and "://" not in "".join(re.findall(r'<script[^>]+src="([^"]+)"', text)), html.name
