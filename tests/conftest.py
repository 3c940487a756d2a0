"""Build the real site once per test session and hand out its pages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).parent))  # the tests' own helpers (essay_source, reading)

from edition import mkdocs_yml  # noqa: E402
from essay_source import Essay, parse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).with_name("mkdocs")
# What a build reads: a copy of these is a project that builds like the real one.
PROJECT_FILES = [
    "docs", "overrides", "edition", "print", "data", "includes", "source",
    "mkdocs.yml", "references.bib", "CONTRIBUTING.md", "CITATION.cff",
]


def copy_project(destination: Path) -> Path:
    """A copy of the project to change and build, as a contributor's fork would be."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    return destination


@dataclass
class Build:
    """A finished build: where it is and what MkDocs said."""

    site: Path
    returncode: int
    log: str

    def html(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")

    def soup(self, path: str) -> BeautifulSoup:
        return BeautifulSoup(self.html(path), "html.parser")

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))


def run_build(project: Path, site: Path, strict: bool = True, **env: str) -> Build:
    """`mkdocs build --strict` as a contributor runs it (never -q: it hides warnings).

    `strict=False` builds with `--no-strict`, as a careless contributor might.
    """
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict" if strict else "--no-strict", "--site-dir", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Build(site=site, returncode=result.returncode, log=result.stdout + result.stderr)


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Build:
    result = run_build(ROOT, tmp_path_factory.mktemp("site"))
    if result.returncode != 0:
        pytest.fail(f"the strict build failed:\n{result.log}")
    return result


@pytest.fixture(scope="session")
def essay() -> Essay:
    return parse()


@pytest.fixture(scope="session")
def config() -> dict:
    """mkdocs.yml, with MkDocs' own !ENV tags read as their defaults."""
    return mkdocs_yml.load(ROOT / "mkdocs.yml")


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path} has no front matter"
    return yaml.safe_load(text[4 : text.index("\n---", 4)])


def section_files() -> list[Path]:
    return sorted((ROOT / "docs" / "essay").glob("*.md"))


def page_url(src: Path) -> str:
    """The built HTML file of a Markdown page (directory URLs)."""
    rel = src.relative_to(ROOT / "docs").with_suffix("")
    return "index.html" if rel.name == "index" else f"{rel.as_posix()}/index.html"


@dataclass
class Production:
    """What `make site` makes: the site with the PDFs and the zipped offline copy."""

    site: Path
    log: str

    def download(self, name: str) -> Path:
        return self.site / "downloads" / name


@pytest.fixture(scope="session")
def production(tmp_path_factory) -> Production:
    """`make site` as CI and a release run it, ONCE per session, into a temporary folder."""
    root = tmp_path_factory.mktemp("production")
    result = subprocess.run(
        ["make", "--no-print-directory", "site", f"SITE={root / 'site'}", f"BUILD={root / 'build'}", f"VENV={sys.prefix}"],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"make site failed:\n{log}")
    return Production(site=root / "site", log=log)
