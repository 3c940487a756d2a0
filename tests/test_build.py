"""The build is strict, validates links and anchors, and asks no third party for anything."""

import re

import pytest

from conftest import ROOT


def test_strict_build_passes_without_a_warning(build):
    assert build.returncode == 0
    assert "WARNING" not in build.log, build.log
    assert "ERROR" not in build.log, build.log


def test_links_and_anchors_are_validated(config):
    assert config["strict"] is True
    validation = config["validation"]
    for check in ("omitted_files", "absolute_links", "unrecognized_links", "anchors"):
        assert validation[check] == "warn", check


def test_no_web_fonts(config, build):
    assert config["theme"]["font"] is False
    for page in build.pages():
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page


def test_no_page_loads_anything_from_another_host(build):
    """Scripts, styles, images and frames come from the site itself."""
    resource = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?//', re.I)
    for page in build.pages():
        html = page.read_text(encoding="utf-8")
        for match in resource.finditer(html):
            tag = html[match.start() : html.index(">", match.start()) + 1]
            # <link rel="canonical"> and <link rel="alternate"> name addresses, and <link rel="schema.DC">
            # names the vocabulary of the Dublin Core tags: they load nothing.
            assert re.search(r'rel="(canonical|alternate|schema\.DC|schema\.DCTERMS)"', tag), f"{page}: {tag}"


def test_mkdocs_is_pinned_below_2():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"mkdocs>=1.6,<2"' in pyproject
    assert re.search(r'"mkdocs-bibtex==[\d.]+"', pyproject)
    assert re.search(r'"Markdown>=3\.1\d', pyproject)


@pytest.mark.parametrize("switches", [{}, {"ENABLE_PDF_EXPORT": "1", "ENABLE_EPUB_EXPORT": "true", "OFFLINE": "true"}])
def test_the_project_reads_mkdocs_yml_as_mkdocs_reads_it(switches, monkeypatch):
    """The edition's steps read mkdocs.yml without MkDocs (edition/project.py): each `!ENV` tag
    from the environment, else its default, and the plugin's options validated by its typed
    configuration. MkDocs itself, with the same variables set, must read the same values."""
    from mkdocs.config import load_config

    from edition import config as options
    from edition.project import Project, env_names

    for name in env_names((ROOT / "mkdocs.yml").read_text(encoding="utf-8")):
        monkeypatch.delenv(name, raising=False)
    for name, value in switches.items():
        monkeypatch.setenv(name, value)
    ours = Project.load(ROOT / "mkdocs.yml")
    loaded = load_config(str(ROOT / "mkdocs.yml"))
    assert (ours.config["site_url"], ours.config["edit_uri"]) == (loaded["site_url"], loaded["edit_uri"])
    offline = ours.plugin_options("offline")
    theirs = next(plugin for name, plugin in loaded["plugins"].items() if name.endswith("offline"))
    assert offline["enabled"] == theirs.config.enabled == bool(switches)
    edition = options.load(ours.plugin_options("edition"))
    assert dict(edition) == dict(loaded["plugins"]["edition"].config)
    assert edition.pdf.enabled is edition.epub.enabled is bool(switches)
