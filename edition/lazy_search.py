"""Load search (Material's worker and the index) on the first search, not on every page.

A first visit should cost a reader on a slow phone connection as little as
possible, and most readers never search. Material starts its search worker
(lunr, 12 KiB compressed) and fetches the whole index as each page loads. This
hook makes both wait for the first query:

- the page's `__config` names the stand-in `assets/javascripts/workers/lazy-search.js`
  instead of Material's worker (in the worker's own folder, so that the paths the
  worker derives from its location, such as `../lunr` for language stemmers, hold), passing the worker's address and the index's;
- `search/search_index.json`, which Material's page script fetches, keeps the
  index's settings but no documents; the documents move to `search/documents.json`,
  which the stand-in fetches, with the real worker, on the first query.

Builds for file:// (the offline copy) keep Material's way: there search runs
through a different loader, and there is no network to spare.

Tests: tests/test_search.py (the built pages and the stand-in in a browser),
tests/test_upstream.py (Material's worker address and messages).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from mkdocs.plugins import event_priority

from edition.pages import offline_build

log = logging.getLogger("mkdocs.hooks.lazy_search")

STAND_IN = "assets/javascripts/workers/lazy-search.js"
INDEX = "search/search_index.json"
DOCUMENTS = "search/documents.json"
WORKER = re.compile(r'"search": "(?P<prefix>[^"]*?)assets/javascripts/(?P<worker>workers/search\.[0-9a-f]+\.min\.js)"')


def on_post_page(output, page, config):
    if offline_build(config) or '"search":' not in output:
        return output
    new, count = WORKER.subn(
        lambda m: f'"search": "{m.group("prefix")}{STAND_IN}?worker={m.group("worker").removeprefix("workers/")}&documents=../../../{DOCUMENTS}"',
        output,
        count=1,
    )
    if not count:
        log.warning(f"{page.file.src_uri}: Material's search worker was not found in __config; search loads eagerly")
    return new


@event_priority(-10)  # after Material's search plugin (0) has written the index
def on_post_build(config):
    if offline_build(config):
        return
    index = Path(config.site_dir) / INDEX
    if not index.exists():
        log.warning(f"{INDEX} was not written; is the search plugin on?")
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    (Path(config.site_dir) / DOCUMENTS).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    index.write_text(json.dumps({"config": data["config"], "docs": []}, separators=(",", ":")), encoding="utf-8")
