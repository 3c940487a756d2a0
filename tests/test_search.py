"""Material's search finds every section."""

from __future__ import annotations

import json
import re

import pytest
from conftest import front_matter, section_files


@pytest.fixture(scope="module")
def index(build):
    """The documents search looks in: loaded on the first search (hook lazy_search.py)."""
    return json.loads(build.html("search/documents.json"))["docs"]


def test_the_index_material_loads_with_each_page_has_its_settings_only(build):
    first = json.loads(build.html("search/search_index.json"))
    assert first["docs"] == [] and first["config"]["lang"] == ["en"]


def locations(index, term: str) -> set[str]:
    return {doc["location"].split("#")[0] for doc in index if term.lower() in (doc["title"] + " " + doc["text"]).lower()}


def test_every_section_is_indexed(index):
    indexed = {doc["location"] for doc in index}
    for path in section_files():
        assert f"essay/{path.stem}/" in indexed, path.name


@pytest.mark.parametrize(
    "term, section",
    [("OPSC", 14), ("ECPAT", 16), ("demand", 7), ("refugee camps", 8), ("perpetrators", 10), ("UNICEF", 15)],
)
def test_search_terms_lead_to_the_right_section(index, term, section):
    path = section_files()[section - 1]
    assert f"essay/{path.stem}/" in locations(index, term)


def test_section_titles_are_searchable(index):
    # A note marker in a heading stays a superscript in the result's title.
    titles = {re.sub(r"<sup>\d+</sup>", "", doc["title"]) for doc in index}
    for path in section_files():
        assert front_matter(path)["title"] in titles
