"""The essay and each section can be cited: CITATION.cff, a "Cite this section" box, JSON-LD."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from conftest import ROOT, front_matter, page_url, section_files
from pybtex.database import parse_string
from reading import article

CITATION = re.compile(r"\[@([\w:-]+)")
# cffconvert lives in an environment of its own (it pins jsonschema < 4); `make test` makes it.
CFFCONVERT = ROOT / ".cache" / "cffconvert" / "bin" / "cffconvert"


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def site_url(config) -> str:
    return config["site_url"].rstrip("/") + "/"


def test_citation_cff_names_the_author_and_the_edition(cff, essay):
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "preferred-citation"):
        assert cff[key], key
    names = [" ".join(filter(None, (a.get("given-names"), a.get("family-names")))) or a.get("name") for a in cff["authors"]]
    assert essay.author in names, "the essay's author is an author of the edition's work"
    assert len(names) > 1, "the edition's contributors are named too"
    preferred = cff["preferred-citation"]
    assert [f'{a["given-names"]} {a["family-names"]}' for a in preferred["authors"]] == [essay.author]
    assert preferred["year"] == 2010 and preferred["type"] and preferred["title"]
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M).group(1)
    assert str(cff["version"]) == version


def cffconvert(*args: str) -> str:
    if not CFFCONVERT.exists():
        pytest.fail(f"{CFFCONVERT.relative_to(ROOT)} is missing: `make test` installs cffconvert there")
    result = subprocess.run([str(CFFCONVERT), "-i", str(ROOT / "CITATION.cff"), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_cffconvert_validates_citation_cff():
    assert "Citation metadata are valid according to schema version 1.2.0." in cffconvert("--validate")


def test_the_edition_has_a_release_date_and_its_contributors_are_an_entity(cff):
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", cff["date-released"])
    entities = [a for a in cff["authors"] if "name" in a]
    assert entities and all("family-names" not in a and "given-names" not in a for a in entities)


def test_cffconvert_bibtex_has_the_authors_title_and_year(cff, essay):
    """What `cffconvert -f bibtex` (and so any BibTeX user of the file) reads: the edition, dated."""
    entry = next(iter(parse_string(cffconvert("-f", "bibtex"), "bibtex").entries.values()))
    authors = entry.persons["author"]
    assert (authors[0].last_names, authors[0].first_names) == (["Wester"], ["Johanna"])
    # cffconvert 2.0.0 writes an entity's name as it is, without BibTeX's protecting braces;
    # the name itself, in full and in order, is what it must carry.
    names = [a.get("name") or f'{a["family-names"]}, {a["given-names"]}' for a in cff["authors"]]
    assert re.search(r"author = \{(.*)\}", cffconvert("-f", "bibtex")).group(1).split(" and ") == names
    assert entry.fields["title"] == cff["title"]
    assert entry.fields["year"] == cff["date-released"][:4]
    assert entry.fields["url"] == cff["url"]


def test_cffconvert_apa_has_the_authors_year_and_title(cff):
    apa = cffconvert("-f", "apalike").strip()
    year = cff["date-released"][:4]
    assert apa.startswith(f"Wester J., The contributors to the edition ({year}). {cff['title']} (version {cff['version']}).")
    assert apa.endswith(f"URL: {cff['url']}")


def test_the_preferred_citation_is_the_essay_on_its_whole_essay_page(cff, config, build, essay):
    """GitHub's "Cite this repository" cites the preferred citation: the essay, by its author, of 2010."""
    preferred = cff["preferred-citation"]
    assert preferred["url"] == site_url(config) + "whole-essay/"
    assert preferred["title"] == article(build.soup("whole-essay/index.html")).find("h1").get_text().strip("¶ ")
    assert [f'{a["given-names"]} {a["family-names"]}' for a in preferred["authors"]] == [essay.author]
    assert preferred["year"] == 2010


@pytest.mark.parametrize("path", section_files(), ids=lambda p: p.stem)
def test_every_section_page_has_a_cite_box(path, build, config, essay):
    meta = front_matter(path)
    soup = build.soup(page_url(path))
    box = article(soup).find("details", id="cite-this-section")
    assert box is not None, "no box with the anchor #cite-this-section"
    assert "editorial" in box["class"], "the box is the editors'"
    assert box.summary.get_text().strip() == "Cite this section"
    url = site_url(config) + f"essay/{path.stem}/"
    plain = box.find("p").get_text()
    assert essay.author in plain and url in plain
    assert re.sub(r"^\d+\.\s*", "", meta["title"]) in plain
    assert f"section {meta['section']}" in plain
    entry = next(iter(parse_string(box.find("code").get_text(), "bibtex").entries.values()))
    assert [str(p) for p in entry.persons["author"]] == ["Wester, Johanna"]
    assert entry.fields["url"] == url
    assert entry.fields["year"] == "2010"


def test_no_cite_box_outside_the_section_pages(build):
    for path in ("index.html", "whole-essay/index.html", "take-action/index.html"):
        assert build.soup(path).find(id="cite-this-section") is None


def test_template_extends_material():
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert '{% extends "base.html" %}' in template


def structured(soup) -> dict:
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1, "one JSON-LD block per page"
    return json.loads(scripts[0].string)


def test_every_page_has_json_ld_naming_the_author(build, essay):
    pages = [p for p in build.pages() if p.name != "404.html"]
    assert len(pages) >= 23
    for path in pages:
        data = structured(build.soup(str(path.relative_to(build.site))))
        assert data["@context"] == "https://schema.org"
        work = data if data["@type"] == "Article" else data["about"]
        assert work["@type"] == "Article"
        assert work["author"] == {"@type": "Person", "name": essay.author}, path
        assert work["datePublished"].startswith("2010")
        assert data["inLanguage"] == "en" and data["isPartOf"]


@pytest.mark.parametrize("path", section_files(), ids=lambda p: p.stem)
def test_section_json_ld_is_an_article_citing_the_pages_sources(path, build, config):
    data = structured(build.soup(page_url(path)))
    assert data["@type"] == "Article"
    assert data["headline"] == front_matter(path)["title"]
    assert data["url"] == site_url(config) + f"essay/{path.stem}/"
    cited = set(CITATION.findall(path.read_text(encoding="utf-8")))
    listed = {c["@id"].split("#")[1] for c in data.get("citation", [])}
    assert listed == cited
    assert all(c["name"] and "{" not in c["name"] and "\\" not in c["name"] for c in data.get("citation", []))


def test_json_ld_cannot_close_its_script_element(build):
    for path in build.pages():
        for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', path.read_text(encoding="utf-8"), re.S):
            assert "<" not in script, f"{path}: raw '<' inside JSON-LD"
