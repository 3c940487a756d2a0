"""Order is written in code: the edition's handlers run where they must among MkDocs' and Material's.

Each handler that must run before or after another says so with
`mkdocs.plugins.event_priority` (edition/plugin.py), and each Markdown
processor with its registry priority (tests/test_upstream.py checks those).
This test loads mkdocs.yml as MkDocs does and reads the order MkDocs will call
the plugins' handlers in; moving a line in mkdocs.yml must not change what the
edition publishes, so a change here is a change of design, made on purpose
(and explained in edition/plugin.py).
"""

from __future__ import annotations

import pytest
from conftest import ROOT
from mkdocs.config import load_config




def handler_name(handler) -> str:
    owner = getattr(handler, "__self__", None)
    return f"{type(owner).__module__.split('.')[0]}.{type(owner).__name__}.{handler.__name__}"


# The order that matters, and why (the rest of each list is in mkdocs.yml's order and harmless).
EXPECTED = {
    "config": [
        "edition.EditionPlugin.on_config",  # 100: every source checked and the notes numbered before anything reads them
        "material.SearchPlugin.on_config",
        "material.OfflinePlugin.on_config",
    ],
    "page_markdown": ["edition.EditionPlugin.on_page_markdown"],  # the page is the text that was checked
    "env": ["edition.EditionPlugin.on_env"],
    "post_build": [
        "material.SearchPlugin.on_post_build",  # writes the search index, which the finishing step splits
        "material.OfflinePlugin.on_post_build",  # writes search_index.js, after which the JSON index goes
        "edition.EditionPlugin.on_post_build",  # -200: last, over the finished folder
    ],
}


@pytest.fixture(scope="module")
def events():
    config = load_config(str(ROOT / "mkdocs.yml"))
    return {name: [handler_name(h) for h in config.plugins.events[name]] for name in EXPECTED}


@pytest.mark.parametrize("event", EXPECTED)
def test_handlers_run_in_the_designed_order(events, event):
    assert events[event] == EXPECTED[event]


def test_the_edition_is_one_plugin_and_two_markdown_extensions():
    """No hooks: a hook file is imported twice (by MkDocs under its name, by Python as a module)."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert not config.hooks
    assert [name for name in config.plugins if name.startswith("edition")] == ["edition"]
    assert {"edition.citations", "edition.pages"} <= set(config.markdown_extensions)
