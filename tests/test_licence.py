"""The licence is stated everywhere a reuser looks, and it is the same everywhere.

The essay: © Johanna Wester, all rights reserved, quote it with attribution
(nothing here grants more of her text). The editors' notes, translations,
data and charts: CC BY 4.0. The code: MIT.
"""

from __future__ import annotations

import json
import tomllib
import zipfile

import pytest
import yaml
from conftest import ROOT, read_page

ESSAY = "© Johanna Wester, all rights reserved"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def test_the_licence_file_gives_the_three_terms():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "© Johanna Wester, all rights reserved" in text and "Quote it with attribution" in text
    assert "CC BY 4.0" in text and CC_BY in text
    assert "MIT License" in text and "Permission is hereby granted, free of charge" in text


def test_citation_cff_and_the_package_name_their_licences_in_spdx():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == ["CC-BY-4.0", "MIT"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]


def test_every_page_says_so_in_its_footer_and_its_metadata(build):
    for path in ("index.html", "essay/14-opsc/index.html", "about/index.html"):
        page = read_page(build.site / path)
        footer = " ".join(page.select_one(".md-copyright").get_text(" ").split())
        assert ESSAY in footer and "CC BY 4.0" in footer and "Code: MIT" in footer, path
        data = json.loads(page.find("script", type="application/ld+json").string)
        if data["@type"] == "Article":
            assert data["copyrightNotice"].startswith(ESSAY) and "license" not in data, path
        else:
            assert data["license"] == CC_BY, path
    section = read_page(build.site / "essay/14-opsc/index.html")
    assert ESSAY in section.find("meta", attrs={"name": "DC.rights"})["content"]


def test_about_and_the_cite_box_say_how_to_reuse(build):
    about = " ".join(read_page(build.site / "about/index.html").find("article").get_text(" ").split())
    assert "Reusing this edition" in about and "all rights reserved" in about and "CC BY 4.0" in about
    box = read_page(build.site / "essay/14-opsc/index.html").find(id="cite-this-section").get_text(" ")
    assert "all rights reserved" in box and "quote it with attribution" in box


@pytest.mark.slow
def test_the_downloads_carry_the_rights(production):
    from pypdf import PdfReader

    with zipfile.ZipFile(production.download("protecting-children-from-trafficking.epub")) as book:
        opf = next(book.read(name).decode() for name in book.namelist() if name.endswith(".opf"))
    assert "<dc:rights>" in opf and "all rights reserved" in opf and "CC BY 4.0" in opf
    reader = PdfReader(production.download("protecting-children-from-trafficking.pdf"))
    colophon = " ".join(reader.pages[i].extract_text() for i in range(min(3, len(reader.pages))))
    assert "all rights reserved" in colophon and "CC BY 4.0" in colophon, colophon[:500]
