"""Order is written in code: every event with more than one handler runs them in this order.

Each handler that must run before or after another says so with
`mkdocs.plugins.event_priority` in its module. This test loads mkdocs.yml as
MkDocs does and reads the order MkDocs will call the handlers in; moving a
line in mkdocs.yml must not change what the edition publishes, so a change
here is a change of design, made on purpose (and explained in the module).
"""

from __future__ import annotations

import os

import pytest
from conftest import ROOT
from mkdocs.config import load_config


def handler_name(handler) -> str:
    """`plugin.Class.method` for a plugin's method, `edition/file.py:function` for a hook."""
    owner = getattr(handler, "__self__", None)
    module = handler.__module__
    if owner is not None:
        return f"{type(owner).__module__.split('.')[0]}.{type(owner).__name__}.{handler.__name__}"
    return f"{module}:{handler.__name__}"


# The order that matters, and why (the rest of each list is in mkdocs.yml's order and harmless).
EXPECTED = {
    "config": [
        "edition/source_guard.py:on_config",  # 300: the snippets' files are includes, before anything reads them
        "edition/bibliography_check.py:on_config",  # 200: a broken references.bib stops before anything reads it
        "material.SearchPlugin.on_config",
        "mkdocs_bibtex.BibTexPlugin.on_config",  # loads references.bib
        "material.OfflinePlugin.on_config",
        "edition/charts.py:on_config",
        "edition/cite_this.py:on_config",
        "edition/structured_data.py:on_config",
        "edition/scholarly_meta.py:on_config",
        "edition/content_security_policy.py:on_config",
        "edition/pdf_export.py:on_config",
        "edition.CitationPipeline.on_config",  # -100: after mkdocs-bibtex has loaded the bibliography
    ],
    "files": [
        "edition/source_guard.py:on_files",  # 300: every page read once, bounded, its front matter checked
        "edition.CitationPipeline.on_files",  # 200: every citation checked before any page renders
        "edition/content_guard.py:on_files",
    ],
    "nav": [
        "edition.CitationPipeline.on_nav",
        "edition/epub_export.py:on_nav",
        "edition/pdf_export.py:on_nav",
    ],
    "page_markdown": [
        "edition/source_guard.py:on_page_markdown",  # 300: the page is the text that was checked
        "edition/date_checked.py:on_page_markdown",  # 150: reads the citations while they are still [@key]
        "edition.CitationPipeline._before_bibtex",  # 50: compose, hide code, editors' citations, locators
        "mkdocs_bibtex.BibTexPlugin.on_page_markdown",  # 0: citations become footnotes
        "edition/glossary.py:on_page_markdown",
        "edition/edit_included_source.py:on_page_markdown",
        "edition.CitationPipeline._after_bibtex",  # -50: locators into the notes, hidden text back
    ],
    "page_content": [
        "edition/charts.py:on_page_content",
        "edition/cite_this.py:on_page_content",
        "edition.CitationPipeline.on_page_content",  # -50: were the notes numbered?
    ],
    "env": [
        "edition/template_cache.py:on_env",  # 200: the bytecode cache, before any template is compiled
        "edition/content_security_policy.py:on_env",  # 100: the theme's scripts, from its templates
    ],
    "page_context": [
        "edition/social_cards.py:on_page_context",  # first: the card image the others describe
        "material.SearchPlugin.on_page_context",
        "edition/structured_data.py:on_page_context",
        "edition/scholarly_meta.py:on_page_context",
    ],
    "post_page": [
        "edition/lazy_search.py:on_post_page",
        "edition/accessibility_fixes.py:on_post_page",
        "edition/content_security_policy.py:on_post_page",  # -90: the policy goes into the finished page
        "edition/pdf_export.py:on_post_page",  # -100: the PDF is made from the finished page
        "edition/content_guard.py:on_post_page",  # -300: the whole finished page judged, last
    ],
    "post_template": [
        "edition/accessibility_fixes.py:on_post_template",
        "edition/content_security_policy.py:on_post_template",
        "edition/content_guard.py:on_post_template",  # -300: 404.html judged as it is written
    ],
    "serve": [
        "material.SearchPlugin.on_serve",
        "edition/content_security_policy.py:on_serve",  # the live-reload script's hash in the policy
    ],
    "post_build": [
        "material.SearchPlugin.on_post_build",  # writes the search index
        "edition/robots_txt.py:on_post_build",
        "edition/epub_export.py:on_post_build",  # reads the written section pages
        "edition/pdf_export.py:on_post_build",
        "edition/lazy_search.py:on_post_build",  # -10: splits the index the search plugin wrote
        "material.OfflinePlugin.on_post_build",  # -100 (Material's own): writes search_index.js
        "edition/offline_copy.py:on_post_build",  # -200: then the copy drops what file:// never reads
    ],
    "startup": [
        "material.SearchPlugin.on_startup",
        "mkdocs_bibtex.BibTexPlugin.on_startup",
    ],
}


@pytest.fixture(scope="module")
def events():
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(ROOT / "mkdocs.yml"))
    return {event: [handler_name(h) for h in handlers] for event, handlers in config.plugins.events.items()}


def test_every_event_with_several_handlers_is_specified(events):
    several = {event for event, handlers in events.items() if len(handlers) > 1}
    assert several == set(EXPECTED)


@pytest.mark.parametrize("event", sorted(EXPECTED))
def test_handlers_run_in_the_specified_order(events, event):
    assert events[event] == EXPECTED[event]


def test_the_pipeline_surrounds_mkdocs_bibtex(events):
    order = events["page_markdown"]
    before = order.index("edition.CitationPipeline._before_bibtex")
    bibtex = order.index("mkdocs_bibtex.BibTexPlugin.on_page_markdown")
    after = order.index("edition.CitationPipeline._after_bibtex")
    assert before < bibtex < after
