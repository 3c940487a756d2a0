"""Every file the build reads is read once, by one reader, and the project is read as MkDocs reads it.

In-process and fast: the repository's reader (edition/files.py), the project's
view of mkdocs.yml (edition/project.py), the source guard on the real project
(edition/guard/sources.py) and the session that holds what it read
(edition/session.py). What a hostile pull request tries against them is in
tests/test_red_team.py (families "files", "CITATION.cff", "bounds").
"""

from __future__ import annotations

import os

import pytest
from conftest import ROOT

from edition import files, front_matter, session
from edition.errors import Refusal
from edition.guard import sources
from edition.project import Project, env_names, url_of




# The one reader


def repo(tmp_path, **files_: str):
    for name, text in files_.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def refused(root, relative, kind) -> str:
    with pytest.raises(Refusal) as caught:
        files.read_text(root, relative, kind)
    assert caught.value.problem.file == relative and caught.value.problem.guard == "source guard"
    return caught.value.problem.message


def test_the_reader_reads_a_page_of_the_repository(tmp_path):
    root = repo(tmp_path, **{"docs/a.md": "---\ntitle: A\n---\n\nText.\n"})
    assert files.read_text(root, "docs/a.md", "page").endswith("Text.\n")


def test_a_link_is_never_followed_whatever_it_points_at(tmp_path):
    root = repo(tmp_path, **{"docs/a.md": "x", "secret.txt": "TOKEN"})
    (root / "docs/notes.md").symlink_to(root / "secret.txt")
    (root / ".git").mkdir()
    (root / ".git/config").write_text("[remote]\n")
    (root / "docs/config.md").symlink_to("../.git/config")
    (root / "elsewhere").mkdir()
    (root / "elsewhere/page.md").write_text("x")
    (root / "docs/linked").symlink_to(root / "elsewhere", target_is_directory=True)
    for relative in ("docs/notes.md", "docs/config.md", "docs/linked/page.md"):
        assert "symbolic link" in refused(root, relative, "page")


def test_a_file_of_another_kind_or_place_is_refused(tmp_path):
    root = repo(tmp_path, **{"docs/a.html": "x", "includes/a.md": "x", "mkdocs.yml": "x"})
    assert "not a file the build reads as page" in refused(root, "docs/a.html", "page")
    assert "not a file the build reads as page" in refused(root, "includes/a.md", "page")
    assert "not a file the build reads as include" in refused(root, "mkdocs.yml", "include")
    for path in ("../etc/passwd", "/etc/passwd", "docs/../mkdocs.yml", "docs//a.md", "docs\\a.md", "c:/docs/a.md"):
        assert "not a plain path inside the repository" in refused(root, path, "page")


def test_only_regular_files_are_read(tmp_path):
    root = repo(tmp_path)
    (root / "docs").mkdir()
    os.mkfifo(root / "docs/pipe.md")
    (root / "docs/folder.md").mkdir()
    assert "not a regular file" in refused(root, "docs/pipe.md", "page")
    assert "not a regular file" in refused(root, "docs/folder.md", "page")


def test_a_file_larger_than_its_kind_allows_is_refused_before_it_is_read(tmp_path):
    root = repo(tmp_path, **{"docs/a.md": "x" * (files.KINDS["page"].max_bytes + 1)})
    assert "larger than 64 KiB" in refused(root, "docs/a.md", "page")


@pytest.mark.parametrize(
    ("data", "line", "said"),
    [(b"a\nb\xffc\n", 2, "byte 0xff is not UTF-8"), (b"a\r\nb\n", 1, "LF line endings"), (b"a\nb\n\xe2\x80\x8bc", 3, "U+200B")],
    ids=["bad byte", "CR LF", "zero-width space"],
)
def test_text_is_utf8_with_lf_and_visible_characters_naming_the_line(tmp_path, data, line, said):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/a.md").write_bytes(data)
    with pytest.raises(Refusal) as caught:
        files.read_text(tmp_path, "docs/a.md", "page")
    assert caught.value.problem.line == line and said in caught.value.problem.message


def test_a_listing_names_links_without_following_them(tmp_path):
    root = repo(tmp_path, **{"docs/a.md": "x", "other/b.md": "y"})
    (root / "docs/linked").symlink_to(root / "other", target_is_directory=True)
    assert files.listing(root, "docs") == ["docs/a.md", "docs/linked"]


# The project, as MkDocs reads mkdocs.yml


def test_the_reading_order_is_the_navigations_then_the_pages_it_leaves_out(tmp_path):
    root = repo(tmp_path, **{
        "mkdocs.yml": "site_name: S\nnav:\n  - Home: index.md\n  - Part:\n      - b.md\n      - A: a.md\n  - Out: https://example.org/\n",
        "docs/index.md": "x", "docs/a.md": "x", "docs/b.md": "x", "docs/z.md": "x",
    })  # fmt: skip
    project = Project.load(root / "mkdocs.yml", environ={})
    assert project.page_sources() == ["index.md", "b.md", "a.md", "z.md"]
    assert [(e.src_uri, e.sections) for e in project.nav] == [("index.md", ()), ("b.md", ("Part",)), ("a.md", ("Part",))]


def test_pages_are_built_where_directory_urls_put_them():
    assert url_of("index.md") == "" and url_of("essay/14-opsc.md") == "essay/14-opsc/"
    project = Project.load(ROOT / "mkdocs.yml", environ={})
    assert project.dest_of("index.md") == "index.html" and project.dest_of("about.md") == "about/index.html"
    assert project.src_of("essay/14-opsc/index.html") == "essay/14-opsc.md"


def test_env_tags_are_read_from_the_environment_given(tmp_path):
    root = repo(tmp_path, **{"mkdocs.yml": "site_name: S\nsite_url: !ENV [SITE_URL, 'https://a.example/']\nx: !ENV [X, Y, 3]\n"})
    assert Project.load(root / "mkdocs.yml", environ={}).config["site_url"] == "https://a.example/"
    project = Project.load(root / "mkdocs.yml", environ={"SITE_URL": "http://127.0.0.1:8000/", "Y": "true"})
    assert project.config["site_url"] == "http://127.0.0.1:8000/" and project.config["x"] is True
    assert env_names((root / "mkdocs.yml").read_text()) == ["SITE_URL", "X", "Y"]


def test_front_matter_is_cut_where_mkdocs_cuts_it():
    """One cut, MkDocs' own: a `...` closer ends the YAML too, and the body starts after the blank lines."""
    from mkdocs.utils.meta import get_data

    for text in ("---\ntitle: A\n---\n\n\nBody.\n", "---\ntitle: A\n...\nBody [@x].\n", "---\ntitle: A\n---\nBody.\n"):
        cut = front_matter.split(text)
        assert cut.body == get_data(text)[0]
        assert text.splitlines()[cut.body_line - 1] == cut.body.splitlines()[0]


# The source guard on the real project, and the session


def test_the_real_project_passes_the_source_guard_and_is_read_once():
    project = Project.load(ROOT / "mkdocs.yml", environ={})
    checked = sources.check(project)
    assert list(checked.pages)[:2] == ["index.md", "essay/01-keeping-the-promises.md"]
    assert "references.bib" in checked.read and "CITATION.cff" in checked.read and "data/figures.yml" in checked.read
    assert checked.pages["contributing.md"].includes == ("CONTRIBUTING.md",)
    assert checked.citation_file.essay.authors[0].name == "Johanna Wester"


def test_a_session_is_kept_until_a_file_it_read_changes(tmp_path):
    import shutil

    from conftest import copy_project

    project = copy_project(tmp_path / "project")
    first = session.prepare(project / "mkdocs.yml")
    assert session.current(project / "mkdocs.yml") is first
    page = project / "docs/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    second = session.current(project / "mkdocs.yml")
    assert second is not first and "A new sentence." in second.sources.pages["about.md"].body
    shutil.rmtree(project)
