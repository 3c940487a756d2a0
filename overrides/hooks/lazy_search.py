"""Start Material's search worker on the first search, not on every page load.

A first visit should cost a reader on a slow phone connection as little as
possible; most readers never search. Material names its worker in the page's
`__config`; this hook names the stand-in `assets/javascripts/lazy-search-worker.js`
there instead, passing the real worker's address, which the stand-in loads on
the first query. Builds for file:// (the offline copy) keep Material's worker,
since there it runs through a different loader.
"""

from __future__ import annotations

import logging
import re

from citation_scan import offline_build

log = logging.getLogger("mkdocs.hooks.lazy_search")

STAND_IN = "assets/javascripts/lazy-search-worker.js"
WORKER = re.compile(r'"search": "(?P<prefix>[^"]*?)assets/javascripts/(?P<worker>workers/search\.[0-9a-f]+\.min\.js)"')


def on_post_page(output, page, config):
    if offline_build(config) or '"search":' not in output:
        return output
    new, count = WORKER.subn(
        lambda m: f'"search": "{m.group("prefix")}{STAND_IN}?worker={m.group("worker")}"', output, count=1
    )
    if not count:
        log.warning(f"{page.file.src_uri}: Material's search worker was not found in __config; search loads eagerly")
    return new
