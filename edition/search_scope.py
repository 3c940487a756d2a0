"""Keep the search index to what readers search for, so it stays small.

The notes' long addresses and the "Cite this section" box would make up a
third of the index on every first visit, and every search for "2010" or
"http" would match them. Material's search skips elements marked
`data-search-exclude`; this hook marks them. The sources stay searchable on
the list of sources.
"""

from __future__ import annotations

import re

EXCLUDE = [
    re.compile(r'<div class="footnote">'),  # the notes under a section
    re.compile(r'<details class="cite\b'),  # the citation box
]


def on_page_content(html, page, config, files):
    if page.meta.get("compose") == "bibliography":
        return html
    for pattern in EXCLUDE:
        html = pattern.sub(lambda m: m.group(0).replace(" class=", " data-search-exclude class=", 1), html)
    return html
