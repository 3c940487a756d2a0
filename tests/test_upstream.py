"""The upstream shapes the edition relies on, each named, checked fast without a build.

Where the edition touches something its dependencies do not document as an
interface, the test below names it and fails first when an upgrade changes it
(a Dependabot pull request runs these before anything else can go wrong):

- Python-Markdown's registries, priorities and helpers the extensions use
  (edition/citations, edition/pages): the names and priorities of the processors
  they run between, `md.parser.parseChunk`, the `inline` treeprocessor, the raw
  HTML stash, the abbreviation extension's pattern and its `abbrs`;
- mkdocs-bibtex's citation grammar and its registry's attributes (edition/citations/registry.py
  makes a `SimpleRegistry` without its constructor, which would read the file itself);
- Material's search-worker address in `__config` and its worker messages (edition/finish/pages.py,
  overrides/assets/javascripts/workers/lazy-search.js);
- Material's offline plugin putting the iframe-worker polyfill in `extra.polyfills` (overrides/main.html);
- Material's search dialog markup and its note previews' markup (edition/finish/pages.py, the notes);
- pymdownx.snippets' pattern (edition/guard/sources.py);
- tinyhtml5's pattern cache, which edition/finish/html.py mends, and the parse errors the
  content guard reads (edition/guard/content.py, `check_fragment`);
- MkDocs' live-reload injection (edition/plugin.py, `on_serve`);
- pytest-xdist's scope scheduler, which tests/conftest.py tells which modules to keep whole.
"""

from __future__ import annotations

import re
from importlib.resources import files
from types import SimpleNamespace

import markdown
import pytest
from conftest import ROOT

from edition.finish import pages as finishing



MATERIAL = files("material") / "templates"


# Python-Markdown


def site_markdown() -> markdown.Markdown:
    from edition.project import Project

    names, configs = Project.load(ROOT / "mkdocs.yml", environ={}).markdown_extensions()
    configs["edition.citations"] = {**configs.get("edition.citations", {}), "config_file": str(ROOT / "mkdocs.yml")}
    configs["edition.pages"] = {**configs.get("edition.pages", {}), "config_file": str(ROOT / "mkdocs.yml")}
    configs["pymdownx.snippets"]["base_path"] = [str(ROOT / b) for b in configs["pymdownx.snippets"]["base_path"]]
    return markdown.Markdown(extensions=names, extension_configs=configs)


def test_the_citations_are_read_after_code_and_escapes_and_before_links():
    """Code spans (190) and escapes (180) are Python-Markdown's before a citation is read (177);
    links (160) and references (170) after it, so `[@key]` is never taken for a link."""
    md = site_markdown()
    priorities = {item.name: item.priority for item in md.inlinePatterns._priority}
    assert priorities["backtick"] == 190 and priorities["escape"] == 180
    assert priorities["escape"] > priorities["edition-citation"] > priorities["reference"] > priorities["link"]


def test_the_edition_treeprocessors_run_where_their_docstrings_say():
    """After the inline processor (20): the compositions (19), the citations (18); then attribute
    lists (8), abbreviations (7), the charts (6.5), the whole essay's sections (6), the contents (5)."""
    md = site_markdown()
    ranked = [item.name for item in sorted(md.treeprocessors._priority, key=lambda i: -i.priority)]
    expected = ["inline", "edition-compose", "edition-citations", "attr_list", "abbr", "edition-charts",
                "edition-essay-sections", "toc"]  # fmt: skip
    assert [name for name in ranked if name in expected] == expected
    assert {item.name: item.priority for item in md.preprocessors._priority}["snippet"] == 32
    preprocessors = [item.name for item in sorted(md.preprocessors._priority, key=lambda i: -i.priority)]
    assert preprocessors.index("edition-page") < preprocessors.index("edition-essay") < preprocessors.index("snippet")


def test_python_markdown_offers_the_helpers_the_extensions_call():
    """parseChunk (a block parser for text added after parsing), the inline treeprocessor's run,
    the raw HTML stash and its placeholders: what the footnotes extension itself uses."""
    md = markdown.Markdown(extensions=["abbr"])
    import xml.etree.ElementTree as etree

    holder = etree.Element("div")
    md.parser.parseChunk(holder, "A *word* [link](x.md).")
    md.treeprocessors["inline"].run(holder)
    assert holder[0].tag == "p" and [child.tag for child in holder[0]] == ["em", "a"]
    placeholder = md.htmlStash.store("<!-- x -->")
    assert placeholder == md.htmlStash.get_placeholder(0) and md.htmlStash.rawHtmlBlocks == ["<!-- x -->"]


def test_the_abbreviation_extension_keeps_its_pattern_and_its_meanings():
    from markdown.extensions.abbr import AbbrBlockprocessor, AbbrExtension

    from edition.guard.sources import abbreviation_pattern

    assert abbreviation_pattern() is AbbrBlockprocessor.RE
    assert AbbrBlockprocessor.RE.match("*[OPSC]: the protocol").group("title") == "the protocol"
    md = markdown.Markdown(extensions=["abbr"])
    md.convert("*[X]: y\n\nX.")
    assert next(e for e in md.registeredExtensions if isinstance(e, AbbrExtension)).abbrs.keys() >= {"X"}


# mkdocs-bibtex


def test_mkdocs_bibtex_reads_citation_blocks_as_the_grammar_expects():
    from mkdocs_bibtex.citation import Citation, CitationBlock

    [block] = CitationBlock.from_markdown("x [@A2010a, p. 22] y")
    assert block.raw == "@A2010a, p. 22" and [(c.key, c.suffix) for c in block.citations] == [("A2010a", "p. 22")]
    assert [c.prefix.strip() for c in Citation.from_markdown("see @A2010a")] == ["see"]


def test_the_registry_formats_as_mkdocs_bibtex_formats_from_its_attributes(tmp_path):
    """Registry sets the attributes SimpleRegistry's constructor sets (it reads no file itself):
    with the same style, both format every entry alike."""
    import inspect

    from mkdocs_bibtex.citation import Citation
    from mkdocs_bibtex.registry import SimpleRegistry

    from edition.citations.registry import EditionStyle, Registry

    source = inspect.getsource(SimpleRegistry.reference_text)
    assert "self.bib_data.entries" in source and "self.style" in source and "self.backend" in source
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    (tmp_path / "r.bib").write_text(text, encoding="utf-8")
    theirs = SimpleRegistry([str(tmp_path / "r.bib")])
    theirs.style = EditionStyle()
    ours = Registry(text)
    assert ours.entries.keys() == theirs.bib_data.entries.keys()
    for key in ours.entries:
        assert ours.reference_text(Citation(key=key)) == theirs.reference_text(Citation(key=key)), key


# Material for MkDocs


def test_material_names_its_search_worker_in_the_page_config_as_lazy_search_expects():
    base = (MATERIAL / "base.html").read_text(encoding="utf-8")
    written = re.search(r'"search": "(assets/javascripts/workers/search\.[0-9a-f]+\.min\.js)"', base)
    assert written, "Material's base.html no longer names the search worker in __config"
    page = f'"search": "../{written.group(1)}"'
    assert finishing.WORKER.match(f"../{written.group(1)}")
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
    assert finishing.STAND_IN.rsplit("/", 1)[0] == "assets/javascripts/workers"
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


def test_material_search_dialog_markup_is_what_the_finishing_step_names():
    """A div.md-search with role="dialog" and no name of its own: the finishing step gives it one."""
    partial = (MATERIAL / "partials" / "search.html").read_text(encoding="utf-8")
    assert '<div class="md-search" data-md-component="search" role="dialog">' in partial


def test_materials_note_previews_read_the_markup_the_notes_are_written_in():
    """content.footnote.tooltips finds a note by its marker's link (a.footnote-ref, #fn:…) and the
    notes' block (.footnote): the markup the citation extension writes."""
    bundle = next((MATERIAL / "assets/javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert ".footnote-ref" in bundle and "footnote" in bundle


def test_mkdocs_filters_its_build_log_with_a_memory_the_plugin_empties():
    """A DuplicateFilter with a `msgs` set on the build module's logger (edition/plugin.py,
    `forget_logged_messages`), added by MkDocs' command line."""
    import inspect

    import mkdocs.__main__
    from mkdocs.utils import DuplicateFilter

    assert isinstance(DuplicateFilter().msgs, set)
    assert "build.log.addFilter(utils.DuplicateFilter())" in inspect.getsource(mkdocs.__main__)


def test_front_matter_is_read_with_mkdocs_loader():
    """The front-matter check (edition/front_matter.py) reads YAML with the loader MkDocs reads it with:
    libyaml's and PyYAML's own read some input differently."""
    import mkdocs.utils.meta

    from edition import front_matter

    assert front_matter.LOADER is mkdocs.utils.meta.SafeLoader
    document = "title: x\ndescription: \"a\\u00e9\"\n"
    assert front_matter.load_yaml(document)[0] == mkdocs.utils.meta.yaml.load(document, mkdocs.utils.meta.SafeLoader)


def test_mkdocs_live_reload_injection_is_the_internal_the_plugin_wraps():
    from mkdocs.livereload import LiveReloadServer

    assert callable(getattr(LiveReloadServer, "_inject_js_into_html", None))


# tinyhtml5 (edition/finish/html.py, edition/guard/content.py)


def test_tinyhtml5_reports_the_end_tags_it_ignores_in_a_fragment():
    from tinyhtml5.parser import HTMLParser

    parser = HTMLParser()
    parser.parse_fragment("<p>x</p></article>", container="div")
    assert [code for _, code, _ in parser.errors] == ["end-tag-too-early"]
    from edition.guard.content import check_fragment

    assert check_fragment("<p>x</p></article>")


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

    from edition.finish import html as html5

    page = (ROOT / "overrides" / "404.html").read_text(encoding="utf-8") + (
        '<p title="a &amp; b">x &lt; y <svg viewBox="0 0 1 1"><text>t</text></svg>\x00<!-- c --></p>'
        "<table><td>cell</table><math><mi>x</mi></math><script>if (a < b) {}</script>"
    )
    before = tinyhtml5.inputstream.characters_until_regex
    try:
        tinyhtml5.inputstream.characters_until_regex = {}
        upstream = ElementTree.tostring(tinyhtml5.parse(page))
        mended = ElementTree.tostring(html5.document_element(html5.parse(page)))
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
