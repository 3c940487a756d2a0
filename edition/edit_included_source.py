"""Point "edit this page" at the file a page merely includes.

docs/contributing.md is one line, `--8<-- "CONTRIBUTING.md"`, so that the
guide is written once and shown both on GitHub and on the site. Its edit
button should open CONTRIBUTING.md, where the words are, not the one line.

Tests: tests/test_contributing.py::test_every_page_has_an_edit_button_to_its_source.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from edition.pages import strip_front_matter

ONLY_A_SNIPPET = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$')


def on_page_markdown(markdown, page, config, files):
    match = ONLY_A_SNIPPET.match(strip_front_matter(page.file.content_string))
    if match and page.edit_url:
        # From docs/<page> up to the repository's root, where CONTRIBUTING.md is (a base_path of snippets).
        up = "../" * (page.file.src_uri.count("/") + 1)
        page.edit_url = urljoin(page.edit_url, up + match.group(1))
    return markdown
