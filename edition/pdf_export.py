"""Make the PDF of the essay (A4 and Letter), only when asked: ENABLE_PDF_EXPORT=1.

mkdocs-to-pdf renders the PDF with WeasyPrint. Listed under `plugins`, it
imports WeasyPrint (about two seconds) on every build, even when switched off,
so `make serve` and the plain build would pay for a PDF they don't make. This
hook therefore loads the plugin itself, only when its switch is on, with the
options under `extra.pdf` in mkdocs.yml, and hands it:

- a navigation for print: the parts of the essay, the sources and the notes on
  the edition (no home page, no whole-essay page, which repeats the sections);
- each page prepared for print: the notes become footnotes (CSS `float:
  footnote`) numbered as on the web, the "jump back" links are gone;

and it renders both papers, A4 and US Letter, as tagged PDF/UA-1 with every
link as the page gives it (edition/pdf_render.py). The typefaces,
cover and print styles are in `print/` (the plugin's template folder, outside
the theme and outside docs/); the plugin's theme handler and event hook module
are `edition.pdf_theme` and `edition.pdf_event_hook`. With the switch off, this
hook imports nothing.
Tests: tests/test_pdf.py, tests/test_pdf_accessibility.py, tests/test_upstream.py.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

from edition import pdf_event_hook, pdf_theme
from edition.pages import sources_as_list

log = logging.getLogger("mkdocs.hooks.pdf_export")

EVENT_HOOK_MODULE = "pdf_event_hook"

# The cover and the print styles, beside mkdocs.yml.
PRINT_DIR = "print"
# Keys of extra.pdf that are ours, not the plugin's (the cover template reads them too).
OWN_KEYS = ("letter_output_path", "cover_date", "edition", "edition_note")

DOWNLOADS = '<aside class="edition-downloads'
CITE_BOX = re.compile(r'<details[^>]*\bid="cite-this-section".*?</details>', re.DOTALL)

_plugin = None
_renderer = None  # the renderer of both papers (edition/pdf_render.py)


def on_config(config):
    global _plugin, _renderer
    _plugin = _renderer = None
    options = dict(config.extra.get("pdf") or {})
    switch = options.get("enabled_if_env", "ENABLE_PDF_EXPORT")
    if os.environ.get(switch) != "1":
        return config
    # Heavy imports only now that the PDF is wanted.
    from mkdocs_to_pdf.plugin import WithPdfPlugin

    letter_path = options.get("letter_output_path")
    for key in OWN_KEYS:
        options.pop(key, None)
    root = Path(config.config_file_path).parent
    options["custom_template_path"] = str(root / PRINT_DIR)
    options["theme_handler_path"] = pdf_theme.__file__
    # mkdocs-to-pdf imports its event hook module by the name `pdf_event_hook`
    # (drivers/event_hook.py); ours is found under that name, not on sys.path.
    # tests/test_upstream_pdf.py fails first if that name changes.
    sys.modules[EVENT_HOOK_MODULE] = pdf_event_hook
    plugin = WithPdfPlugin()
    errors, warnings = plugin.load_config(options, config.config_file_path)
    for key, message in errors + warnings:
        log.error(f"mkdocs.yml: extra.pdf.{key}: {message}")
    if errors:
        return config
    plugin.on_config(config)  # (re)loads pdf_event_hook
    _report_weasyprint_errors()
    # Our fixes to the plugin's assembly and rendering: edition/pdf_render.py.
    from edition import pdf_render

    pdf_render.keep_external_links(plugin.generator)
    _renderer = pdf_render.Renderer(Path(config.site_dir) / letter_path if letter_path else None)
    plugin.generator._options.relaxed_js = _renderer
    _plugin = plugin
    return config


def on_nav(nav, config, files):
    if _plugin is not None:
        _plugin.on_nav(PrintNav(nav), config=config, files=files)
    return nav


@event_priority(-100)  # last: the print version is made from the finished page
def on_post_page(output, page, config):
    if _plugin is not None:
        # The website's page stays as it is; the plugin gets the print version.
        _plugin.on_post_page(print_version(slim(output)), page=page, config=config)
    return output


def on_post_build(config):
    if _plugin is None:
        return
    try:
        _plugin.on_post_build(config)
    except RuntimeError as error:  # mkdocs-to-pdf's strict mode: WeasyPrint reported errors
        log.error(f"the PDF {_plugin.config['output_path']}: {error} (see the messages above)")
    if _renderer is not None:
        _renderer.finish()


# Helpers


class PrintNav(list):
    """The navigation as the PDF has it: top-level groups opened up.

    "The essay" gives its parts (each a chapter with its sections), "Read and
    print" its pages; pages that the plugin's `exclude_pages` leaves out drop
    away by themselves.
    """

    def __init__(self, nav):
        items = []
        for item in nav.items:
            if item.is_section:
                items.extend(item.children)
            else:
                items.append(item)
        super().__init__(items)


class _Forward(logging.Handler):
    """WeasyPrint's own errors, shown as the build's (it has no handler of its own)."""

    def emit(self, record):
        log.error(f"the PDF: WeasyPrint: {record.getMessage()}")


def _report_weasyprint_errors() -> None:
    weasyprint = logging.getLogger("weasyprint")
    if not any(isinstance(handler, _Forward) for handler in weasyprint.handlers):
        weasyprint.addHandler(_Forward(level=logging.ERROR))


def slim(html: str) -> str:
    """Only what the plugin reads (the head, the article): far less to parse.

    The article loses the links to the downloads (overrides/main.html) and the
    "Cite this section" box (hook cite_this.py), which are the website's, not
    the PDF's.
    """
    head_end = html.find("</head>")
    start = html.find("<article")
    end = html.rfind("</article>")
    if head_end < 0 or start < 0 or end < 0:
        return html
    article = html[start : end + 10]
    downloads = article.find(DOWNLOADS)
    if downloads >= 0:
        article = article[:downloads] + article[article.index("</aside>", downloads) + 8 :]
    article = CITE_BOX.sub("", article)
    return f"{html[: head_end + 7]}<body>{article}</body></html>"


def print_version(html: str) -> str:
    """The page with its notes as print footnotes, numbered as on the web; the sources as a list."""
    if 'class="footnote"' not in html and 'class="reference"' not in html:
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article")
    sources_as_list(soup, article)
    notes = {item["id"]: item for item in article.select("div.footnote li[id]")}
    placed: set[str] = set()
    for marker in article.select("sup[id^=fnref]"):
        link = marker.find("a", class_="footnote-ref")
        if link is None:
            continue
        target = link["href"].removeprefix("#")
        number = link.get_text(strip=True)
        if target in placed or target not in notes:
            # A second citation of the same note: its number, linking to the note.
            marker["class"] = "note-again"
            continue
        placed.add(target)
        call = soup.new_tag("span", attrs={"class": "note-call", "id": marker["id"]})
        note = soup.new_tag("span", attrs={"class": "print-note", "id": target, "data-note": number})
        item = notes[target]
        for backref in item.select("a.footnote-backref"):
            backref.decompose()
        for number_, paragraph in enumerate(item.find_all("p")):
            if number_:
                note.append(" ")
            note.extend(list(paragraph.contents))
        # WeasyPrint breaks the line after the note's number if the note starts with a space.
        _strip_ends(note)
        call.append(note)
        marker.replace_with(call)
    for block in article.select("div.footnote"):
        block.decompose()
    return str(soup)


def _strip_ends(tag) -> None:
    from bs4 import NavigableString

    space = " \n\t\u00a0"
    if tag.contents and isinstance(tag.contents[0], NavigableString):
        tag.contents[0].replace_with(tag.contents[0].lstrip(space))
    if tag.contents and isinstance(tag.contents[-1], NavigableString):
        tag.contents[-1].replace_with(tag.contents[-1].rstrip(space))
