"""references.bib can be reused by anyone: every program reads the same addresses, and any style can sort it."""

from __future__ import annotations

import os
import shutil
import subprocess

import bibtexparser
import pytest
from conftest import ROOT
from pybtex.database import parse_file
from pybtex.style.sorting.author_year_title import SortingStyle
from reading import article

BIB = ROOT / "references.bib"
ADDRESSES = ("url", "archived", "current")


@pytest.fixture(scope="module")
def bibtexparser_entries() -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_file(str(BIB))
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return {entry.key: {f.key.lower(): f.value for f in entry.fields} for entry in library.entries}


@pytest.fixture(scope="module")
def pybtex_entries():
    return parse_file(str(BIB)).entries


def published_links(build) -> dict[str, set[str]]:
    """Each source's links on the list of sources, as a reader's browser follows them."""
    page = article(build.soup("bibliography/index.html"))
    links = {}
    for source in page.select("ul.sources > li[id]"):
        links[source["id"]] = {a["href"] for a in source.select_one(".reference").find_all("a", href=True)}
    return links


def test_both_parsers_read_every_address_as_the_published_link(build, bibtexparser_entries, pybtex_entries):
    published = published_links(build)
    assert set(published) == set(bibtexparser_entries) == set(pybtex_entries)
    checked = 0
    for key, fields in bibtexparser_entries.items():
        addresses = {fields[name] for name in ADDRESSES if name in fields}
        assert addresses == {pybtex_entries[key].fields[name] for name in ADDRESSES if name in pybtex_entries[key].fields}
        assert addresses == published[key], f"{key}: the .bib and the list of sources disagree"
        assert not any("\\" in address for address in addresses), f"{key}: a TeX escape in an address"
        checked += len(addresses)
    assert checked >= 20


def test_the_unog_address_keeps_its_percent_encoding(bibtexparser_entries):
    """The one address with parentheses: written %28 and %29, which every reader keeps as they are."""
    url = bibtexparser_entries["UNOG2010committee"]["url"]
    assert url == "http://www.unog.ch/80256EDD006B9C2E/%28httpNewsByYear_en%29/C6DA638F52C5F142C12576A400334D88?OpenDocument"


def test_every_entry_can_be_sorted_by_any_style(pybtex_entries):
    """BibTeX styles sort by author (or editor), else by `key`; an entry with neither sorts nowhere."""
    sorting = SortingStyle()
    for key, entry in pybtex_entries.items():
        author_key = sorting.sorting_key(entry)[0] or sorting.author_editor_key(entry)
        assert author_key or entry.fields.get("key"), f"{key} has no author, editor or key"
        for person in entry.persons.get("author", []):
            if str(person).startswith("{"):
                assert len(person.last_names) == 1 and not person.first_names, f"{key}: {person} is read as a person"


def test_biber_validates_the_file_against_biblatexs_data_model(tmp_path, bibtexparser_entries):
    """biber, biblatex's back end, in tool mode: no warning, and the addresses it writes out are unchanged."""
    if not shutil.which("biber"):
        if os.environ.get("CI"):
            pytest.fail("biber is missing: .ci/run installs Debian's biber")
        pytest.skip("biber is not installed here (CI installs it: apt-get install biber)")
    out = tmp_path / "out.bib"
    result = subprocess.run(
        ["biber", "--tool", "--configfile", str(ROOT / "biber-tool.conf"), "--validate-datamodel",
         "--output-file", str(out), "--logfile", str(tmp_path / "biber"), str(BIB)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    problems = [line for line in log.splitlines() if line.startswith(("WARN", "ERROR")) or "error" in line]
    assert not problems, "\n".join(problems)
    rewritten = bibtexparser.parse_file(str(out))
    for entry in rewritten.entries:
        for field in entry.fields:
            if field.key.lower() in ADDRESSES:
                assert field.value == bibtexparser_entries[entry.key][field.key.lower()], (entry.key, field.key)
