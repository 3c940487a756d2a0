"""mkdocs-to-pdf's theme handler for the edition (option `theme_handler_path`).

The PDF is styled by styles.scss alone: no Material styles for print (they
indent the text and style widgets the essay doesn't use), no scripts, and no
PDF button put into the website's pages (overrides/main.html links the PDF).

Tests: tests/test_upstream.py::test_mkdocs_to_pdf_takes_the_template_folder_and_theme_handler_options
(the option this is named by); tests/test_pdf.py::test_no_web_interface_text.
"""


def get_stylesheet(debug_html):
    return ""


def get_script_sources():
    return []


def inject_link(html, href, page, logger):
    return html
