"""Build the real site once per test run and hand out its pages.

The suite runs on every core (pytest-xdist, `-n auto` in pyproject.toml). Each
worker is a pytest session of its own, so the builds every module reads (the
strict build, `make site`) are made by the first worker that asks for them and
reused by the others: `once_per_run`. Modules that read a whole site in a
browser or a whole PDF once (a module-scoped fixture) keep their tests on one
worker, so that reading happens once: `READ_ONCE`.
"""

from __future__ import annotations

import functools
import json
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

from edition.metadata import cards as social_cards  # noqa: E402
from edition.project import Project, env_names  # noqa: E402
from essay_source import Essay, parse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The builder, as the Makefile names it: mkdocs, or properdocs (`make test-properdocs`).
MKDOCS = Path(sys.executable).with_name(os.environ.get("MKDOCS", "mkdocs"))
# What a build reads: a copy of these is a project that builds like the real one.
PROJECT_FILES = [
    "docs", "overrides", "edition", "print", "data", "includes", "source",
    "mkdocs.yml", "references.bib", "CONTRIBUTING.md", "CITATION.cff",
]


# Modules whose tests share one costly reading (a module-scoped fixture): each runs
# on one worker, so the reading happens once. Every other test is sent on its own.
# They are handed out in this order, before the single tests: the first runs
# `make site` (the `production` fixture), the walks in the browser need only the
# plain build and keep the other worker busy meanwhile, and the modules that read
# what `make site` made come after it.
READ_ONCE = {
    "tests/test_pdf.py": "each PDF's text and links read",
    "tests/test_browser.py": "every kind of page read on a desktop, axe included",
    "tests/test_phone.py": "every page read on a phone",
    "tests/test_epub.py": "the book read; EPUBCheck and Ace started",
    "tests/test_offline.py": "the offline copy unzipped and opened",
    "tests/test_pdf_accessibility.py": "each PDF's structure read",
}


# What makes a test slow (`make check` leaves these out): a browser, `make site`, a build of
# its own. A test that builds or serves without one of these fixtures says so: @pytest.mark.slow.
SLOW_FIXTURES = {"production", "chromium", "served", "project", "pristine", "planted_cards", "judges", "offline_copy"}


def pytest_collection_modifyitems(items):
    """The READ_ONCE modules first, in its order; the rest as collected (the order is stable,
    so each module's tests stay together and in their order). Every test that needs nothing
    slow is marked `fast`: `make check` runs those alone (`pytest -m fast`); one marked `fast`
    by hand that needs something slow is an error."""
    rank = {module: index for index, module in enumerate(READ_ONCE)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
    for item in items:
        slow = SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("slow")
        if slow and item.get_closest_marker("fast"):
            raise pytest.UsageError(f"{item.nodeid} is marked fast but needs {sorted(slow) if slow is not True else 'a build'}")
        if not slow:
            item.add_marker(pytest.mark.fast)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's load scheduling, with the READ_ONCE modules kept whole.

    xdist's own `--dist loadgroup` would do this from `xdist_group` marks, but on
    pytest 9.2 it silently stops grouping (pytest-xdist issue 1386), so the
    grouping is written here, on the node ids the scheduler sees. Work is handed
    out in the order of the collection (`--no-loadscope-reorder`): the whole
    modules in READ_ONCE's order, then the single tests, which even out the
    workers' loads at the end.
    tests/test_upstream.py::test_xdist_load_scope_scheduling_still_splits_work_by_scope names what
    this uses.
    """
    if config.getvalue("dist") != "load":
        return None  # an explicit --dist is the contributor's choice
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False

    class ReadOnceScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return read_once_scope(nodeid)

    return ReadOnceScheduling(config, log)


def examples(count: int) -> int:
    """How many examples a property test generates: all of them in `make test`, a tenth in the
    contributor's quick loop (`make check`, which sets EDITION_QUICK=1)."""
    return max(10, count // 10) if os.environ.get("EDITION_QUICK") == "1" else count


def read_once_scope(nodeid: str) -> str:
    """The unit of work a test belongs to: its module if READ_ONCE names it, else the test alone."""
    module = nodeid.split("::", 1)[0]
    return module if module in READ_ONCE else nodeid


CARDS_CACHE = social_cards.CACHE
# `make` in a copy of the project with this checkout's virtual environment must never install
# into it (an editable install from the copy would point the environment at the copy).
KEEP_THE_VENV = [f"--old-file={Path(sys.prefix) / name}" for name in (".installed", ".installed-runtime")]


def copy_project(destination: Path) -> Path:
    """A copy of the project to change and build, as a contributor's fork would be.

    Its share cards' cache is the project's own (edition/social_cards.py keeps
    each card under a hash of what it shows), as in a fork that has been built
    before: drawing every card again would be half a second of every build.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    cards = ROOT / CARDS_CACHE
    cards.mkdir(parents=True, exist_ok=True)
    (destination / CARDS_CACHE).parent.mkdir(parents=True, exist_ok=True)
    (destination / CARDS_CACHE).symlink_to(cards, target_is_directory=True)
    return destination


# axe, in the browser tests (test_browser.py in the dark palette, test_phone.py in the
# light one), reads every page but the essay's sections: the whole essay's page holds
# every section's Markdown, composed (edition/citations.py; test_content.py checks every
# word is there), so their words are judged there, and one section page stands for
# what only a section page has around them (its notes, "Cite this section", the
# links to the next section). Each page read by axe costs about a second of CPU.
AXE_SECTION = "essay/04-status-of-legislation/"


def read_by_axe(path: str) -> bool:
    """Whether the browser tests run axe on this page (its address relative to the site)."""
    return not path.startswith("essay/") or path == AXE_SECTION


def read_page(path: Path) -> BeautifulSoup:
    """A built page, parsed once per worker and shared by every test that reads it.

    Parsing is most of what the page tests do, so a page is parsed once. The tree is
    shared: read it, never change it; to take parts away, change a copy
    (`copy.copy(soup.find("article"))`).
    """
    stat = path.stat()
    return _parse_page(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=None)
def _parse_page(path: str, mtime_ns: int, size: int) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


@dataclass
class Build:
    """A finished build: where it is and what MkDocs said."""

    site: Path
    returncode: int
    log: str
    # The modules the build imported, where it was asked to record them (run_build).
    imported: frozenset[str] = frozenset()

    def html(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")

    def soup(self, path: str) -> BeautifulSoup:
        """The page parsed, shared by every test that reads it: see `read_page`."""
        return read_page(self.site / path)

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))


# The switches of the expensive outputs: every variable mkdocs.yml's `!ENV` tags read
# (the offline copy's, the PDF's, the EPUB's, and any added later), but the addresses.
MODE_SWITCHES = tuple(
    name for name in env_names((ROOT / "mkdocs.yml").read_text(encoding="utf-8")) if name not in ("SITE_URL", "EDIT_URI")
)


def run_build(project: Path, site: Path, strict: bool = True, record_imports: bool = False,
              config_file: str = "mkdocs.yml", **env: str) -> Build:
    """`mkdocs build --strict` as a contributor runs it (never -q: it hides warnings).

    `strict=False` builds with `--no-strict`, as a careless contributor might.
    `record_imports` has Python name every module the build imports (its own
    `-X importtime` report, kept apart from MkDocs' log in `Build.imported`).
    """
    if record_imports:
        env = {**env, "PYTHONPROFILEIMPORTTIME": "1"}
    # A build's mode (the PDF, the offline copy) is what the test asks for, never what the shell had.
    inherited = {name: value for name, value in os.environ.items() if name not in MODE_SWITCHES}
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict" if strict else "--no-strict", "--config-file", config_file, "--site-dir", str(site)],
        cwd=project,
        env={**inherited, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    imported, log = set(), []
    for line in (result.stdout + result.stderr).splitlines(keepends=True):
        if record_imports and line.startswith("import time:"):
            imported.add(line.rsplit("|", 1)[-1].strip())
        else:
            log.append(line)
    return Build(site=site, returncode=result.returncode, log="".join(log), imported=frozenset(imported))


def once_per_run(tmp_path_factory, name: str, make) -> tuple[Path, dict]:
    """A folder `make(folder)` fills, made once for the whole run, whichever worker asks first.

    Under pytest-xdist every worker's temporary folder sits in the run's own
    (`.../pytest-N/popen-gw0`): the folder is made there, under a file lock, and
    what `make` returns (JSON) is kept beside it for the workers that come later.
    Without xdist it is simply made in the session's temporary folder.
    """
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    made = base / f"{name}.json"
    with FileLock(base / f"{name}.lock"):
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            made.write_text(json.dumps(make(folder)), encoding="utf-8")
        return folder, json.loads(made.read_text(encoding="utf-8"))


_failed_builds: list[bool] = []  # once the session's build has failed, its log is shown once


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Build:
    """The real site, built strictly once per run, as `make serve` and a contributor build it:
    neither the PDF nor the offline copy is asked for. The modules it imported are recorded."""

    def make(folder: Path) -> dict:
        result = run_build(ROOT, folder / "site", record_imports=True)
        return {"returncode": result.returncode, "log": result.log, "imported": sorted(result.imported)}

    folder, made = once_per_run(tmp_path_factory, "build", make)
    if made["returncode"] != 0:
        if _failed_builds:
            pytest.fail("the strict build failed (its log is in the first test that used it)")
        _failed_builds.append(True)
        pytest.fail(f"the strict build failed:\n{made['log']}")
    return Build(site=folder / "site", returncode=made["returncode"], log=made["log"], imported=frozenset(made["imported"]))


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> Path:
    """One copy of the project per session; each test that changes it gets a copy of its own."""
    return copy_project(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def project(pristine, tmp_path) -> Path:
    """A contributor's fork to change and build: a fresh copy of the project for this test."""
    copy = tmp_path / "project"
    shutil.copytree(pristine, copy, symlinks=True)  # the share cards cache stays the project's
    return copy


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per worker, shared by the browser tests; each test opens
    a context of its own (its own cookies, storage and cache), as a new reader would."""
    from playwright.sync_api import sync_playwright

    from scripts.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served(build, tmp_path_factory):
    """The session's build served over HTTP at the path its site_url names, as GitHub Pages
    serves a project site (`/essay/`), with the site's 404 page for any missing address."""
    from urllib.parse import urlparse

    from scripts.browser import serve

    site_url = os.environ.get("SITE_URL") or Project.load(ROOT / "mkdocs.yml", environ={}).config["site_url"]
    prefix = urlparse(site_url).path.strip("/")
    root = tmp_path_factory.mktemp("served")
    if prefix:
        (root / prefix).parent.mkdir(parents=True, exist_ok=True)
        (root / prefix).symlink_to(build.site, target_is_directory=True)
        (root / "404.html").symlink_to(build.site / "404.html")
    else:
        root = build.site
    with serve(root) as url:
        yield build.site, url + (f"{prefix}/" if prefix else "")


@pytest.fixture(scope="session")
def essay() -> Essay:
    return parse()


@pytest.fixture(scope="session")
def config() -> dict:
    """mkdocs.yml, with MkDocs' own !ENV tags read as their defaults."""
    return Project.load(ROOT / "mkdocs.yml", environ={}).config


@pytest.fixture(scope="session")
def options(config):
    """The edition plugin's options (edition/config.py), as the build validates them."""
    from edition.config import load

    return load(Project.load(ROOT / "mkdocs.yml", environ={}).plugin_options("edition"))


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path} has no front matter"
    return yaml.safe_load(text[4 : text.index("\n---", 4)])


def section_files() -> list[Path]:
    return sorted((ROOT / "docs" / "essay").glob("*.md"))


def parts_and_sections() -> list[tuple[str, list[str]]]:
    """The essay's parts in reading order, each with its sections' titles (from their front matter)."""
    parts: list[tuple[str, list[str]]] = []
    for path in section_files():
        meta = front_matter(path)
        if not parts or parts[-1][0] != meta["part"]:
            parts.append((meta["part"], []))
        parts[-1][1].append(meta["title"])
    return parts


def page_url(src: Path) -> str:
    """The built HTML file of a Markdown page (directory URLs)."""
    rel = src.relative_to(ROOT / "docs").with_suffix("")
    return "index.html" if rel.name == "index" else f"{rel.as_posix()}/index.html"


STALE_PAGE = "stale.html"


@dataclass
class Production:
    """What `make site` makes: the site with the PDFs and the zipped offline copy."""

    site: Path
    log: str

    def download(self, name: str) -> Path:
        return self.site / "downloads" / name


@pytest.fixture(scope="session")
def production(tmp_path_factory) -> Production:
    """`make site` as CI and a release run it, ONCE per run, into a temporary folder
    that holds the last site already (a stale page, which a good build must replace)."""

    def make(root: Path) -> dict:
        (root / "site").mkdir()
        (root / "site" / STALE_PAGE).write_text("the last site's page", encoding="utf-8")
        result = subprocess.run(
            ["make", "--no-print-directory", *KEEP_THE_VENV, "site", f"SITE={root / 'site'}", f"BUILD={root / 'build'}",
             f"VENV={sys.prefix}"],
            cwd=ROOT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
            text=True,
            timeout=900,
        )
        return {"returncode": result.returncode, "log": result.stdout + result.stderr}

    root, made = once_per_run(tmp_path_factory, "production", make)
    if made["returncode"] != 0:
        pytest.fail(f"make site failed:\n{made['log']}")
    return Production(site=root / "site", log=made["log"])
