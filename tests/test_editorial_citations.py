"""The editors cite in line, "(UNODC 2009)": their citations never become one of the author's notes."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, copy_project, front_matter, page_url, run_build, section_files
from pybtex.database import parse_file
from reading import article

CITATION = re.compile(r"\[@([\w:-]+)")
ADMONITION = re.compile(r"^(!!!|\?\?\?)")


@pytest.fixture(scope="module")
def bib():
    return parse_file(str(ROOT / "references.bib")).entries


def body(path) -> str:
    return path.read_text(encoding="utf-8").split("\n---", 1)[1]


def expected_ids(path) -> list[str]:
    """cite-KEY-N for every editors' citation of a page, N counting all citations of KEY on it."""
    essay_page = path.parent.name == "essay"
    text = body(path)
    if front_matter(path).get("compose") == "essay":  # the section pages, one after another
        essay_page, text = True, "\n\n".join(body(p) for p in section_files())
    seen: dict[str, int] = {}
    ids, in_box = [], False
    for line in text.splitlines():
        if ADMONITION.match(line):
            in_box = True
        elif line.strip() and not line.startswith((" ", "\t")):
            in_box = False
        for key in CITATION.findall(line):
            seen[key] = seen.get(key, 0) + 1
            if in_box or not essay_page:
                ids.append(f"cite-{key}-{seen[key]}")
    return ids


def markdown_pages():
    return sorted((ROOT / "docs").rglob("*.md"))


@pytest.mark.parametrize("path", markdown_pages(), ids=lambda p: p.stem)
def test_each_editors_citation_is_an_inline_link_with_a_counted_id(path, build, bib):
    soup = build.soup(page_url(path))
    links = article(soup).select("a.editorial-cite")
    assert [a["id"] for a in links] == expected_ids(path)
    for link in links:
        key = re.match(r"cite-(.+)-\d+$", link["id"]).group(1)
        assert link["href"].endswith(f"bibliography/#{key}")
        name = bib[key].fields.get("shortauthor", "").replace("\\&", "&")
        assert link.get_text().startswith(f"{name} {bib[key].fields['year']}"), link.get_text()
        assert not link.find_parent("sup"), "an editors' citation is not a note marker"


def test_backlinks_land_on_the_right_kind_of_citation(build):
    """The list of sources links back to a note marker for the author, to the in-line link for the editors."""
    sources = article(build.soup("bibliography/index.html"))
    kinds = set()
    for link in sources.select(".cited-in a"):
        page, anchor = link["href"].split("#")
        target = build.soup(page.replace("../", "").strip("/") + "/index.html").find(id=anchor)
        assert target is not None, f"{link['href']} lands nowhere"
        if anchor.startswith("cite-"):
            assert "editorial-cite" in target.get("class", []), link["href"]
            kinds.add("editors")
        else:
            assert target.name == "sup" and anchor.startswith("fnref"), link["href"]
            kinds.add("author")
    assert kinds == {"author", "editors"}


def test_a_source_cited_by_author_and_editors_on_one_page(build):
    """Section 14: note 5 and the editors' update both cite the UNOG press release of 2010."""
    block = article(build.soup("bibliography/index.html")).find(id="UNOG2010committee").select_one(".cited-in")
    anchors = [a["href"].split("#")[1] for a in block.find_all("a")]
    assert anchors == ["fnref:ref-UNOG2010committee", "cite-UNOG2010committee-2"]


@pytest.mark.slow
def test_an_unknown_key_stops_the_build_and_names_its_place(tmp_path):
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "take-action.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.append("Unknown [@Nobody2020nothing].")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert f"take-action.md:{len(lines)}: " in result.log, result.log
    assert "@Nobody2020nothing, which is not a key in references.bib" in result.log, result.log
    assert "Traceback" not in result.log
