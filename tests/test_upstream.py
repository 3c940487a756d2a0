"""The upstream shapes the edition relies on, each named, checked fast without a build.

Where the edition touches something its dependencies do not document as an
interface, the test below names it and fails first when an upgrade changes it
(a Dependabot pull request runs these before anything else can go wrong):

- Python-Markdown's footnote markup and treeprocessor order (edition/notes.py numbers the notes);
- mkdocs-bibtex's citation grammar, `footnote_format` option and pybtex style slot (edition/citations.py);
- Material's search-worker address in `__config` and its worker messages (edition/lazy_search.py,
  overrides/assets/javascripts/workers/lazy-search.js);
- Material's offline plugin putting the iframe-worker polyfill in `extra.polyfills` (overrides/main.html);
- Material's search dialog markup (edition/accessibility_fixes.py);
- mkdocs-to-pdf's event hook module name and handler options (edition/pdf_export.py);
  the PDF renderer's internals are in tests/test_upstream_pdf.py;
- tinyhtml5's pattern cache, which edition/html5.py mends;
- pytest-xdist's scope scheduler, which tests/conftest.py tells which modules to keep whole.
"""

from __future__ import annotations

import re
from importlib.resources import files
from types import SimpleNamespace

import markdown
from bs4 import BeautifulSoup
from conftest import ROOT

from edition import accessibility_fixes, lazy_search
from edition.notes import PRIORITY, NotesExtension

MATERIAL = files("material") / "templates"


class FakePipeline:
    """What edition/notes.py asks of the pipeline: note numbers by footnote id."""

    def __init__(self, numbers):
        self.numbers = numbers
        self.numbered = 0

    def note_id(self, footnote_id):
        return self.numbers.get(footnote_id.removeprefix("ref-"))


# Python-Markdown's footnotes


def test_our_treeprocessor_runs_after_every_footnote_treeprocessor():
    md = markdown.Markdown(extensions=["footnotes", NotesExtension(FakePipeline({}))])
    priorities = {item.name: item.priority for item in md.treeprocessors._priority}
    for name in ("footnote", "footnote-duplicate"):
        assert priorities[name] > PRIORITY, name
    footnotes = [name for name in priorities if name.startswith("footnote")]
    assert all(priorities[name] > PRIORITY for name in footnotes), footnotes
    assert priorities["edition-notes"] == PRIORITY


def test_footnote_markup_is_numbered_as_the_essay_numbers_it():
    pipeline = FakePipeline({"B2010b": 7, "A2010a": 3})
    text = "One[^ref-A2010a] two[^ref-B2010b] again[^ref-A2010a].\n\n[^ref-A2010a]: A.\n[^ref-B2010b]: B.\n"
    html = markdown.markdown(text, extensions=["footnotes", NotesExtension(pipeline)])
    soup = BeautifulSoup(html, "html.parser")
    markers = [(sup["id"], sup.a["href"], sup.a.get_text()) for sup in soup.select("sup")]
    assert markers == [
        ("fnref:ref-A2010a", "#fn:ref-A2010a", "3"),
        ("fnref:ref-B2010b", "#fn:ref-B2010b", "7"),
        ("fnref2:ref-A2010a", "#fn:ref-A2010a", "3"),
    ]
    notes = soup.select("div.footnote > ol > li")
    assert [(li["id"], li["value"]) for li in notes] == [("fn:ref-A2010a", "3"), ("fn:ref-B2010b", "7")]
    assert soup.select_one("div.footnote").has_attr("data-search-exclude")
    titles = [a["title"] for a in notes[0].select("a.footnote-backref")]
    assert titles == ["Jump back to note 3 in the text"] * 2
    assert pipeline.numbered == 3


# mkdocs-bibtex


def test_mkdocs_bibtex_reads_citation_blocks_as_the_scanner_expects():
    from mkdocs_bibtex.citation import CITATION_BLOCK_REGEX, Citation, CitationBlock

    assert CITATION_BLOCK_REGEX.pattern == r"\[(.*?)\]"
    [citation] = Citation.from_markdown("@UNODC2009global, p. 22")
    assert (citation.key, citation.suffix, citation.prefix) == ("UNODC2009global", "p. 22", "")
    # the words it would drop, which edition/citation_scan.py refuses
    [citation] = Citation.from_markdown("@UNODC2009global and more")
    assert citation.key == "UNODC2009global" and citation.suffix == ""
    assert [b.raw for b in CitationBlock.from_markdown("a [@x] b [c](d)")] == ["@x"]


def test_mkdocs_bibtex_has_the_options_and_style_slot_the_pipeline_reads():
    from mkdocs_bibtex.config import BibTexConfig
    from mkdocs_bibtex.registry import SimpleRegistry

    assert "footnote_format" in dict(BibTexConfig._schema)
    assert "style" in SimpleRegistry.__init__.__code__.co_names or hasattr(SimpleRegistry, "style")


# Material for MkDocs


def test_material_names_its_search_worker_in_the_page_config_as_lazy_search_expects():
    base = (MATERIAL / "base.html").read_text(encoding="utf-8")
    written = re.search(r'"search": "(assets/javascripts/workers/search\.[0-9a-f]+\.min\.js)"', base)
    assert written, "Material's base.html no longer names the search worker in __config"
    page = f'"search": "../{written.group(1)}"'
    assert lazy_search.WORKER.search(page)
    assert (MATERIAL / written.group(1)).is_file()


def test_material_search_worker_speaks_the_messages_the_stand_in_speaks():
    """SETUP (0) answered by READY (1); QUERY (2) answered by RESULT (3)."""
    worker = next((MATERIAL / "assets/javascripts/workers").glob("search.*.min.js")).read_text(encoding="utf-8")
    assert re.search(r"case 0:return yield [^;]*;?[^}]*?\{type:1\}", worker)
    assert re.search(r"case 2:[^}]*?\{type:3,", worker)
    text = (ROOT / "overrides" / "assets" / "javascripts" / "workers" / "lazy-search.js").read_text(encoding="utf-8")
    assert "const SETUP = 0;" in text and "const READY = 1;" in text and "const RESULT = 3;" in text


def test_material_search_worker_finds_language_stemmers_beside_its_own_folder():
    """The worker loads `../lunr/min/lunr.LANG.min.js` relative to the worker script running:
    the stand-in must sit in the worker's folder for that path to hold."""
    worker = next((MATERIAL / "assets/javascripts/workers").glob("search.*.min.js")).read_text(encoding="utf-8")
    assert 'let e="../lunr"' in worker
    assert lazy_search.STAND_IN.rsplit("/", 1)[0] == "assets/javascripts/workers"
    assert (MATERIAL / "assets/javascripts/lunr/min").is_dir()


def test_material_offline_plugin_asks_for_the_iframe_worker_polyfill():
    from material.plugins.offline.plugin import OfflinePlugin

    plugin = OfflinePlugin()
    plugin.config = SimpleNamespace(enabled=True)
    try:
        plugin.on_config(_Config(extra={}, use_directory_urls=True))
    except Exception as error:  # pragma: no cover - the shape changed
        raise AssertionError(f"Material's offline plugin on_config changed: {error}") from error
    assert any("iframe-worker" in url for url in _Config.last["extra"]["polyfills"])


class _Config(dict):
    last: dict = {}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        _Config.last = self

    def __getattr__(self, name):
        return self[name]

    def __setattr__(self, name, value):
        self[name] = value


def test_material_search_dialog_markup_is_what_accessibility_fixes_names():
    partial = (MATERIAL / "partials" / "search.html").read_text(encoding="utf-8")
    assert accessibility_fixes.SEARCH_DIALOG in partial


# mkdocs-to-pdf


def test_mkdocs_to_pdf_takes_the_template_folder_and_theme_handler_options():
    from mkdocs_to_pdf.options import Options

    names = {name for name, _ in Options.config_scheme}
    assert {"custom_template_path", "theme_handler_path", "output_path", "exclude_pages"} <= names


# tinyhtml5's pattern cache (edition/html5.py)


def test_tinyhtml5_chars_until_still_looks_up_its_cache():
    """The mend replaces the module's cache with one that fills itself; it works while
    `chars_until` looks its patterns up there, by (characters, opposite)."""
    import inspect

    import tinyhtml5.inputstream

    source = inspect.getsource(tinyhtml5.inputstream.HTMLUnicodeInputStream.chars_until)
    assert "characters_until_regex[(characters, opposite)]" in source
    assert isinstance(tinyhtml5.inputstream.characters_until_regex, dict)


def test_the_mended_cache_parses_the_same_tree_and_fills_itself():
    import xml.etree.ElementTree as ElementTree

    import tinyhtml5
    import tinyhtml5.inputstream

    from edition import html5

    page = (ROOT / "overrides" / "404.html").read_text(encoding="utf-8") + (
        '<p title="a &amp; b">x &lt; y <svg viewBox="0 0 1 1"><text>t</text></svg>\x00<!-- c --></p>'
        "<table><td>cell</table><math><mi>x</mi></math><script>if (a < b) {}</script>"
    )
    before = tinyhtml5.inputstream.characters_until_regex
    try:
        tinyhtml5.inputstream.characters_until_regex = {}
        upstream = ElementTree.tostring(tinyhtml5.parse(page))
        mended = ElementTree.tostring(html5.parse(page))
        cache = tinyhtml5.inputstream.characters_until_regex
        assert mended == upstream
        # Keyed as chars_until looks them up: the tokenizer's own sets of characters.
        assert (("&", "<", "\x00"), False) in cache and len(cache) >= 3
    finally:
        tinyhtml5.inputstream.characters_until_regex = before


# pytest-xdist's scheduling by scope (tests/conftest.py)


def test_xdist_load_scope_scheduling_still_splits_work_by_scope():
    """The suite keeps each READ_ONCE module on one worker by giving xdist's scope
    scheduler its own `_split_scope`; it works while the scheduler groups by it."""
    import inspect

    from conftest import READ_ONCE, read_once_scope
    from xdist.scheduler import LoadScopeScheduling

    assert "_split_scope" in vars(LoadScopeScheduling)
    assert "self._split_scope(nodeid)" in inspect.getsource(LoadScopeScheduling.schedule)
    assert all((ROOT / module).is_file() for module in READ_ONCE)
    assert read_once_scope("tests/test_browser.py::test_x[a]") == "tests/test_browser.py"
    assert read_once_scope("tests/test_guard.py::test_x[a]") == "tests/test_guard.py::test_x[a]"
