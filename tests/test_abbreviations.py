"""Every abbreviation is explained wherever it appears, and the glossary lists them all."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from reading import article

ABBREVIATIONS = ROOT / "includes" / "abbreviations.md"
DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<meaning>.+)$")
NOT_PROSE = ("abbr", "code", "pre", "svg", "script", "style")


@pytest.fixture(scope="module")
def terms() -> dict[str, str]:
    found = {}
    for line in ABBREVIATIONS.read_text(encoding="utf-8").splitlines():
        match = DEFINITION.match(line)
        if match:
            found[match.group("term")] = match.group("meaning").strip()
    return found


def occurs(term: str):
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


def test_the_essays_abbreviations_are_defined(terms, essay):
    """Every all-capital abbreviation of the essay has a definition."""
    used = set(re.findall(r"(?<!\w)[A-Z][A-Z.]*[A-Z](?!\w)", " ".join(s.text for s in essay.sections)))
    assert used <= set(terms), f"not defined: {used - set(terms)}"
    for term in ("OPSC", "UNODC", "ECPAT", "IOM", "UNICEF", "CRC", "UNCJIN", "UN.GIFT", "NCMEC", "INHOPE"):
        assert term in terms


def test_abbreviations_render_as_abbr_with_their_meaning(build, terms):
    seen: set[str] = set()
    for path in build.pages():
        if path.name == "404.html":
            continue
        body = article(build.soup(str(path.relative_to(build.site))))
        for abbr in body.find_all("abbr"):
            term = abbr.get_text()
            assert abbr.get("title") == terms.get(term), f"{path}: <abbr> {term} with the wrong title"
            seen.add(term)
        for text in body.find_all(string=True):
            if text.find_parent(NOT_PROSE) or text.find_parent("a", class_="headerlink"):
                continue
            if text.find_parent("details", class_="cite"):
                continue  # a citation to copy is plain text

            for term in terms:
                assert not occurs(term).search(text), f"{path}: {term} is not explained in {text.strip()[:60]!r}"
    assert {"OPSC", "UNODC", "ECPAT", "UNICEF", "IOM", "CRC", "UNCJIN"} <= seen


def test_opsc_is_explained_on_its_section_page(build, terms):
    body = article(build.soup("essay/14-opsc/index.html"))
    assert body.find("abbr", title=terms["OPSC"], string="OPSC")


def test_the_abbreviations_file_is_not_a_page(build, config):
    assert not (build.site / "includes").exists()
    assert "includes/abbreviations.md" not in str(config["nav"])


def test_glossary_lists_every_abbreviation_once(build, terms, config):
    assert {"Abbreviations": "glossary.md"} in next(i["Read and print"] for i in config["nav"] if isinstance(i, dict) and "Read and print" in i)
    body = article(build.soup("glossary/index.html"))
    listed = [dt.get_text().strip() for dt in body.select("dl dt")]
    meanings = [dd.get_text().strip() for dd in body.select("dl dd")]
    assert sorted(listed) == sorted(terms)
    assert dict(zip(listed, meanings)) == terms
