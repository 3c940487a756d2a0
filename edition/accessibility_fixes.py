"""Small accessibility repairs to Material's markup that its templates don't offer.

axe-core reports Material's search dialog as a dialog without a name
(`aria-dialog-name`). Copying the partial to fix it would freeze the rest of
it, so this hook names the dialog in the finished page instead.

Tests: tests/test_upstream.py::test_material_search_dialog_markup_is_what_accessibility_fixes_names
(the markup this replaces); axe in a real browser finds no `aria-dialog-name`:
tests/test_browser.py::test_no_axe_violations_in_the_dark_palette,
tests/test_phone.py::test_no_axe_violations_on_a_phone.
"""

from __future__ import annotations

import logging

log = logging.getLogger("mkdocs.hooks.accessibility_fixes")

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_DIALOG = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search the essay">'


def on_post_page(output, page, config):
    return name_search_dialog(output, page.file.src_uri)


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html"):
        return name_search_dialog(output_content, template_name)
    return output_content


def name_search_dialog(html: str, where: str) -> str:
    if SEARCH_DIALOG in html:
        return html.replace(SEARCH_DIALOG, NAMED_DIALOG)
    if 'data-md-component="search"' in html and "aria-label=\"Search the essay\"" not in html:
        log.warning(f"{where}: Material's search dialog changed; check its accessible name")
    return html
