"""A reader who suspects a case finds where to report it: only verified, cited channels."""

from __future__ import annotations

import datetime
import logging
import re
from types import SimpleNamespace

import pytest
from conftest import ROOT, page_url, section_files
from pybtex.database import parse_file, parse_string
from reading import article

from edition.citations.extension import Found, date_checked
from edition.citations.registry import Registry

RESEARCH = ROOT.parent / "shared" / "research" / "references-verified.md"
# Channels confirmed later, from their official pages (the research lists their "Official pages:").
MORE_RESEARCH = ROOT.parent / "shared" / "research" / "reporting-channels-more.md"
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
        if h2.find_parent(class_="edition-print-sources"):
            continue  # the editors' sources, printed after the page
        body = []
        for sibling in h2.find_next_siblings():
            if sibling.name == "h2":
                break
            body.append(sibling)
        if h2.get_text().strip("¶ ") not in ("Not listed here", "How these were checked"):
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
    assert len(found) == 6
    for heading, body in found:
        cites = [a for el in body for a in el.select("a.editorial-cite")]
        assert cites, f"{heading}: no citation"
        for cite in cites:
            key = cite["href"].split("#")[1]
            assert key in bib, f"{heading}: cites unknown {key}"
            assert bib[key].fields.get("url", "").startswith("https://"), f"{key}: no official page"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", bib[key].fields.get("urldate", "")), f"{key}: no date checked"


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
    if MORE_RESEARCH.exists():
        for item in MORE_RESEARCH.read_text(encoding="utf-8").split("\n- ")[1:]:
            if "Official pages:" in item:  # confirmed from the service's own pages
                confirmed = {digits(n) for n in PHONE.findall(item.split("Official pages:")[0])}
                verified |= confirmed
                unverified -= confirmed
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


def test_the_page_says_what_was_checked_against_what_and_when_from_the_bib(page, bib):
    """The date is each cited entry's urldate, never written by hand; the sentence names what it was checked against."""
    keys = {a["href"].split("#")[1] for _, body in channels(page) for el in body for a in el.select("a.editorial-cite")}
    dates = {datetime.date.fromisoformat(bib[key].fields["urldate"]) for key in keys}
    assert len(dates) == 1, "one day of checking: the page gives one date"
    (day,) = dates
    sentence = page.select_one(".checked").get_text(" ")
    assert "against each service's official page" in sentence
    assert f"on {day.day} {day:%B %Y}." in sentence
    source = (ROOT / "docs" / "take-action.md").read_text(encoding="utf-8")
    assert not re.search(r"\b20\d\d\b|January|February|March|April|May|June|July|August|September|October|November|December", source)


def test_no_outside_address_on_the_page_without_a_source(page, bib):
    """Only the cited services' official pages: no directory linked by guess."""
    official = {e.fields["url"] for e in bib.values() if "url" in e.fields}
    for link in page.select('a[href^="http"]:not(.md-content__button)'):  # not the edit button
        assert link["href"] in official, link["href"]


def checked(bib_text: str, keys: list[str]) -> tuple[str, str | None]:
    """What the marker `<!-- date checked -->` says on a page citing `keys` (edition/citations/extension.py)."""
    session = SimpleNamespace(
        registry=Registry(bib_text),
        manifest=SimpleNamespace(records={"take-action.md": SimpleNamespace(cites=[Found(k, "", True, "") for k in keys])}),
    )
    return date_checked(session, SimpleNamespace(src_uri="take-action.md"))


ENTRY = "@misc{{{key}, author = {{{{A}}}}, title = {{T}}, year = 2026, url = {{https://example.org/{key}}}{extra}}}\n"


def test_sources_checked_on_different_days_give_the_span():
    """The sentence reads "…cited beside it, between 3 November 2026 and 28 November 2026.": no "on between"."""
    bib = ENTRY.format(key="A2026a", extra=", urldate = {2026-11-03}") + ENTRY.format(key="B2026b", extra=", urldate = {2026-11-28}")
    assert checked(bib, ["A2026a", "B2026b"]) == ("between 3 November 2026 and 28 November 2026", None)
    assert checked(bib, ["B2026b"]) == ("on 28 November 2026", None)
    source = (ROOT / "docs" / "take-action.md").read_text(encoding="utf-8")
    assert "against each service's official page, <!-- date checked -->." in source


@pytest.mark.parametrize("extra", ["", ", urldate = {28 November 2026}"], ids=["missing", "not ISO"])
def test_a_cited_source_without_a_date_checked_is_named(extra):
    _, problem = checked(ENTRY.format(key="A2026a", extra=extra), ["A2026a"])
    assert problem.startswith("A2026a in references.bib needs urldate = {YYYY-MM-DD}")
