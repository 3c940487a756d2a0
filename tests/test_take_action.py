"""A reader who suspects a case finds where to report it: only verified, cited channels."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, page_url, section_files
from pybtex.database import parse_file
from reading import article

RESEARCH = ROOT.parent / "shared" / "research" / "references-verified.md"
PHONE = re.compile(r"(?<![\w-])\+?\d[\d -]{3,}\d(?![\w-])")
PAGE = "take-action/index.html"


@pytest.fixture(scope="module")
def bib():
    return parse_file(str(ROOT / "references.bib")).entries


@pytest.fixture(scope="module")
def page(build):
    return article(build.soup(PAGE))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def channels(page):
    """Each h2 section of the page with a reporting channel: (heading, its elements)."""
    result = []
    for h2 in page.find_all("h2"):
        body = []
        for sibling in h2.find_next_siblings():
            if sibling.name == "h2":
                break
            body.append(sibling)
        if h2.get_text().strip("¶ ") != "Not listed here":
            result.append((h2.get_text().strip("¶ "), body))
    return result


def test_first_line_says_call_the_local_emergency_number(page):
    first = page.find("h1").find_next_sibling()
    assert "emergency" in first.get_text().lower()
    assert "local emergency number" in first.get_text()


def test_the_page_is_in_the_navigation_and_linked_from_home_and_section_18(config, build):
    assert {"Report a suspected case": "take-action.md"} in config["nav"]
    home = article(build.soup("index.html"))
    assert home.find("a", href=re.compile(r"^take-action/?$"))
    section = article(build.soup(page_url(section_files()[17])))
    link = section.find("a", href=re.compile(r"take-action/?$"))
    assert link is not None, "section 18 does not link to the action page"
    box = link.find_parent(class_="admonition")
    assert box is not None, "the link must be the editors' (an admonition), not in the author's text"
    # after the author's text: no paragraph or list of hers follows the editors' box
    assert not [el for el in box.find_next_siblings() if el.name in ("p", "ul", "ol")]


def test_every_channel_carries_a_citation_of_its_official_page(page, bib):
    found = channels(page)
    assert len(found) == 5
    for heading, body in found:
        cites = [a for el in body for a in el.select("a.editorial-cite")]
        assert cites, f"{heading}: no citation"
        for cite in cites:
            key = cite["href"].split("#")[1]
            assert key in bib, f"{heading}: cites unknown {key}"
            assert bib[key].fields.get("url", "").startswith("https://"), f"{key}: no official page"
            assert bib[key].fields.get("urldate") == "2026-11-28", f"{key}: no date checked"


def test_numbers_on_the_page_are_those_of_the_cited_sources(page, bib):
    """A tel:/sms: link and its text give the number that the cited .bib entry records."""
    for heading, body in channels(page):
        keys = [a["href"].split("#")[1] for el in body for a in el.select("a.editorial-cite")]
        recorded = {digits(bib[k].fields[f]) for k in keys for f in ("phone", "text") if f in bib[k].fields}
        links = [a for el in body for a in el.select('a[href^="tel:"], a[href^="sms:"]')]
        for link in links:
            number = digits(link["href"].split(":", 1)[1])
            assert number in recorded, f"{heading}: {link['href']} is not in its source"
            assert digits(link.get_text()) == number, f"{heading}: link text and number differ"
        assert {digits(a["href"]) for a in links} == recorded, f"{heading}: a recorded number is missing"


def test_the_bib_numbers_are_the_verified_ones():
    """Judged against the research notes, where they are beside this clone."""
    if not RESEARCH.exists():
        pytest.skip("no shared research notes beside this clone")
    text = RESEARCH.read_text(encoding="utf-8")
    section = text.split("## Reporting channels", 1)[1]
    verified, unverified = set(), set()
    for line in section.splitlines():
        numbers = {digits(n) for n in PHONE.findall(line)}
        (unverified if "unverified" in line else verified if "verified" in line else set()).update(numbers)
    bib = parse_file(str(ROOT / "references.bib")).entries
    recorded = {digits(e.fields[f]) for e in bib.values() for f in ("phone", "text") if f in e.fields}
    assert recorded and recorded <= verified
    assert verified <= recorded, "a verified number is not listed"
    assert not recorded & unverified


def test_no_number_on_the_page_without_a_source(page, bib):
    recorded = {digits(e.fields[f]) for e in bib.values() for f in ("phone", "text") if f in e.fields}
    for match in PHONE.findall(page.get_text(" ")):
        if len(digits(match)) >= 6 and not re.fullmatch(r"\d{4}-\d\d-\d\d|\d{4}", match.strip()):
            assert digits(match) in recorded, f"unsourced number {match!r}"


def test_the_date_of_the_check_is_given(page):
    assert "28 November 2026" in page.get_text(" ")
