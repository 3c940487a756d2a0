"""Every note is a citation from references.bib, numbered as in the printed essay."""

from __future__ import annotations

import copy
import re

import pytest
from conftest import ROOT, front_matter, page_url, read_page, section_files
from pybtex.database import parse_file
from reading import article, note_markers, without_abbreviations

CITATION = re.compile(r"\[@([\w:-]+)")


@pytest.fixture(scope="module")
def bib():
    return parse_file(str(ROOT / "references.bib")).entries


def cited_keys(path) -> list[str]:
    return CITATION.findall(path.read_text(encoding="utf-8"))


def authors_citations(path) -> list[str]:
    """Citations in the author's text: outside the editors' admonitions."""
    kept, in_admonition = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^(!!!|\?\?\?)", line):
            in_admonition = True
        elif line.strip() and not line.startswith((" ", "\t")):
            in_admonition = False
        if not in_admonition:
            kept.append(line)
    return CITATION.findall("\n".join(kept))


def test_every_footnote_of_the_essay_is_a_citation_in_its_section(essay):
    """The notes sit in the sections where the essay puts its markers."""
    for number, path in enumerate(section_files(), start=1):
        assert len(authors_citations(path)) == len(essay.sections[number - 1].notes), path.name
    assert sum(len(s.notes) for s in essay.sections) == len(essay.notes) == 11


def test_every_cited_key_is_in_the_bibliography(bib):
    for path in sorted((ROOT / "docs").rglob("*.md")):
        for key in cited_keys(path):
            assert key in bib, f"{path.name} cites unknown @{key}"


@pytest.mark.parametrize("number", range(1, 19))
def test_notes_are_numbered_through_the_whole_essay(number, essay, build):
    """Note 5 is note 5 on its section page, as in the printed essay."""
    soup = build.soup(page_url(section_files()[number - 1]))
    markers = note_markers(soup)
    assert [shown for _, shown in markers] == essay.sections[number - 1].notes
    items = article(soup).select("div.footnote li")
    assert [int(li["value"]) for li in items] == essay.sections[number - 1].notes


def test_whole_essay_numbers_its_notes_one_to_eleven(build, essay):
    soup = build.soup("whole-essay/index.html")
    assert [shown for _, shown in note_markers(soup)] == list(range(1, 12))
    assert [int(li["value"]) for li in article(soup).select("div.footnote li")] == list(range(1, 12))


def test_same_note_same_number_on_section_page_and_whole_essay(build):
    whole = dict(note_markers(build.soup("whole-essay/index.html")))
    for path in section_files():
        for footnote, shown in note_markers(build.soup(page_url(path))):
            assert whole[footnote] == shown


def test_each_note_shows_its_source(build, bib):
    for path in section_files():
        soup = build.soup(page_url(path))
        for footnote, _ in note_markers(soup):
            key = footnote.removeprefix("ref-")
            note = soup.find("li", id=f"fn:{footnote}")
            assert note is not None, f"{path.name}: note {footnote} has no text"
            title = bib[key].fields["title"].strip("{}")
            assert title in without_abbreviations(note).get_text(" "), f"{key}: title lost or recased"


def test_locator_is_kept(build):
    soup = build.soup(page_url(section_files()[3]))
    note = soup.find("li", id="fn:ref-UNODC2009global").get_text(" ")
    assert "Global Report on Trafficking in Persons" in note
    assert "p. 22" in note


def test_dead_addresses_show_the_archived_and_current_copies(build, bib):
    page = article(build.soup("bibliography/index.html"))
    for key, entry in bib.items():
        block = page.find(id=key)
        hrefs = [a["href"] for a in block.find_all("a")]
        for field in ("url", "archived", "current"):
            if field in entry.fields:
                url = entry.fields[field].replace("\\%", "%")
                assert url in hrefs, f"{key}: {field} missing"
        if "archived" in entry.fields:
            assert any(h.startswith("https://web.archive.org/") for h in hrefs)


def test_no_unresolved_markup_left_in_any_page(build):
    for page in build.pages():
        text = article_text(page)
        for literal in ("[@", "[^", "\\bibliography", "\\full_bibliography"):
            assert literal not in text, f"{page}: literal {literal}"


def article_text(page) -> str:
    soup = read_page(page)
    body = copy.copy(soup.select_one("article") or soup)  # the page is shared: change a copy
    for code in body.select("code"):  # examples of citation syntax (CONTRIBUTING.md) are meant literally
        code.decompose()
    return body.get_text()


def test_bibliography_lists_every_entry_once_with_backlinks(build, bib):
    """A list of sources (a screen reader announces "list, 22 items"), each item the source's
    reference and the places citing it."""
    page = article(build.soup("bibliography/index.html"))
    [listing] = page.select("ul.sources")
    references = listing.find_all("li", recursive=False)
    assert sorted(r["id"] for r in references) == sorted(bib)
    assert all(r.select_one(".reference") and r.select_one(".cited-in") for r in references)
    citing: dict[str, set[str]] = {}
    for path in sorted((ROOT / "docs").rglob("*.md")):
        for key in cited_keys(path):
            citing.setdefault(key, set()).add(path.relative_to(ROOT / "docs").with_suffix("").as_posix())
    for reference in references:
        backlinks = reference.select_one(".cited-in")
        targets = {a["href"].split("#")[0].strip("./").removesuffix("/") for a in backlinks.find_all("a")}
        expected = {uri for uri in citing.get(reference["id"], set())}
        assert targets == expected, reference["id"]
        for a in backlinks.find_all("a"):
            page_path, anchor = a["href"].split("#")
            target = build.soup(page_url_from_href(page_path))
            assert target.find(id=anchor), f"backlink {a['href']} lands nowhere"


def page_url_from_href(href: str) -> str:
    return href.replace("../", "").strip("/") + "/index.html"


def test_bibliography_is_sorted_by_author_then_year(build):
    """As a reader reads the list: by the first words of each entry (its author, or its
    organisation), then by the year; every source of references.bib in it once."""
    entries = article(build.soup("bibliography/index.html")).select("ul.sources > li")
    texts = [" ".join(entry.select_one(".reference").get_text(" ").split()) for entry in entries]
    authors = [text.split(". ", 1)[0].lower() for text in texts]
    assert authors == sorted(authors)
    keys = [entry["id"] for entry in entries]
    bib_keys = re.findall(r"^@\w+\{(\w+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(keys) == sorted(bib_keys) and len(keys) == len(set(keys))
    years = {key: entry.fields.get("year", "") for key, entry in parse_file(str(ROOT / "references.bib")).entries.items()}
    for author in set(authors):
        same = [years[key] for key, a in zip(keys, authors, strict=True) if a == author]
        assert same == sorted(same), author


def test_note_tooltips_are_on(config):
    assert "content.footnote.tooltips" in config["theme"]["features"]


def test_front_matter_of_citing_pages_is_unchanged_by_citations():
    for path in section_files():
        assert "[@" not in str(front_matter(path))
