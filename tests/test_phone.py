"""On a phone (360 × 740 CSS px, the light palette), every page reads without zooming or
scrolling sideways, and axe finds nothing on every kind of page and in every section's
words (conftest.read_by_axe; the dark palette: tests/test_browser.py, on a desktop).

One Chromium, one page, every built page in turn (the session's `build`,
served locally):

- no text of the article is drawn smaller than 12 CSS px: SVG text is
  measured as drawn (its font size times the scale of its drawing), so a
  chart that shrinks with the column fails;
- the page is no wider than the screen: long links and citations wrap;
- no heading leaves its permalink (the ¶ Material writes after it) alone on
  a line of its own, neither at 360 px nor at any width of the text column
  from a 320 px phone to a desktop.

The dark palette changes colours, not type or layout (Material's `slate`
scheme sets colour variables only), so sizes, widths and line breaks are
measured once, in the light palette; the dark palette's colours are judged
by axe on a desktop.
"""

from __future__ import annotations


import pytest
import yaml
from conftest import AXE_SECTION, ROOT, read_by_axe

playwright_api = pytest.importorskip("playwright.sync_api")

PHONE = {"width": 360, "height": 740}
SMALLEST_TEXT = 12  # CSS px
# The text column of a heading, from a 320 px phone (its margins taken off) to
# the desktop's measure (38rem of 20 px). Material keeps one root font size
# up to 1600 px, so a heading of a given width breaks its lines the same way
# whatever screen gives it that width: setting the width of each heading in
# turn stands for every screen size in between, in a fraction of the time.
# The permalink is alone on a line exactly when the text fits a width and
# the text with the link does not: a span of widths as wide as the link's
# advance, which is at least its left margin (0.5rem, 10 px). A step of 8 px
# cannot step over it.
COLUMN_WIDTHS = range(280, 761, 8)

# Every text node of the article that is drawn, with its size as drawn (the
# computed font size, times the scale of the SVG drawing it sits in) and
# whether it belongs to a chart.
TEXT_SIZES = """
() => {
  const article = document.querySelector('article.md-content__inner');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || element.closest('title, desc')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const drawn = [...range.getClientRects()].some(r => r.width > 0 && r.height > 0);
    const style = getComputedStyle(element);
    if (!drawn || style.visibility === 'hidden') continue;
    let size = parseFloat(style.fontSize);
    if (element instanceof SVGElement) {
      const matrix = element.getScreenCTM();
      size *= Math.hypot(matrix.a, matrix.b);
    }
    found.push([text.slice(0, 100), Math.round(size * 10) / 10, !!element.closest('figure.chart')]);
  }
  return found;
}
"""

# The headings whose permalink starts a line of its own: the link's box lies
# below the last line of the heading's text.
LONE_PERMALINKS = """
() => {
  const lone = [];
  for (const link of document.querySelectorAll('article .headerlink')) {
    const heading = link.parentElement;
    const range = document.createRange();
    range.setStart(heading, 0);
    range.setEndBefore(link);
    const lines = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    const box = link.getBoundingClientRect();
    if (!lines.length || box.height === 0) continue;
    const lastLine = Math.max(...lines.map(r => r.bottom));
    if (box.top + box.height / 2 > lastLine) lone.push(heading.textContent.replace('\\u00b6', '').trim());
  }
  return lone;
}
"""

# The same, for each heading set in turn to every column width; the widths
# at which it fails, per heading.
LONE_PERMALINKS_AT_WIDTHS = """
(widths) => {
  const failing = {};
  for (const link of document.querySelectorAll('article .headerlink')) {
    const heading = link.parentElement;
    heading.style.display = 'flow-root';  // its own width for every line, beside a float or below it
    for (const width of widths) {
      heading.style.width = width + 'px';
      const range = document.createRange();
      range.setStart(heading, 0);
      range.setEndBefore(link);
      const lines = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      const box = link.getBoundingClientRect();
      if (lines.length && box.top + box.height / 2 > Math.max(...lines.map(r => r.bottom))) {
        const name = heading.textContent.replace('\\u00b6', '').trim();
        (failing[name] = failing[name] || []).push(width);
      }
    }
    heading.style.width = heading.style.display = '';
  }
  return failing;
}
"""


def all_pages(site) -> list[str]:
    """Every built page's address relative to the site's root: "", "about/", "404.html"."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site)
        if file.name != "index.html":
            paths.append(relative.as_posix())
        else:
            paths.append("" if relative.parent == relative.parent.parent else relative.parent.as_posix() + "/")
    return paths


@pytest.fixture(scope="module")
def readings(served, chromium):
    """What a phone shows of every page, measured in one browser.

    The site is served under the path of its address (site_url), as it is
    published: 404.html, which has to work at any depth, links from there.
    """
    found = {}
    site, base = served
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chromium.new_context(viewport=PHONE, color_scheme="light")
    page = context.new_page()
    for path in all_pages(site):
        page.goto(base + path)
        found[path] = {
            "scheme": page.evaluate("document.body.dataset.mdColorScheme"),
            "sizes": page.evaluate(TEXT_SIZES),
            "overflow": page.evaluate("document.documentElement.scrollWidth - window.innerWidth"),
            "lone": page.evaluate(LONE_PERMALINKS),
            "axe": [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in axe.run(page).response["violations"]]
            if read_by_axe(path)
            else None,
            "lone at widths": page.evaluate(LONE_PERMALINKS_AT_WIDTHS, list(COLUMN_WIDTHS)),
        }
    context.close()
    return found


def test_every_page_is_measured_in_the_light_palette(readings, build):
    pages = all_pages(build.site)
    assert len(pages) > 20 and {"", "take-action/", "whole-essay/", "essay/04-status-of-legislation/"} <= set(pages)
    assert set(readings) == set(pages)
    assert all(reading["scheme"] == "default" for reading in readings.values())
    assert all(reading["sizes"] for reading in readings.values()), "a page without text was measured"


def test_no_text_of_the_article_is_smaller_than_12_px(readings):
    small = {
        key: sorted({(text, size) for text, size, _ in reading["sizes"] if size < SMALLEST_TEXT})
        for key, reading in readings.items()
    }
    small = {key: found for key, found in small.items() if found}
    assert not small, "\n".join(f"{key}: {found[:6]}" for key, found in small.items())


@pytest.mark.parametrize("path", ["essay/03-gaps-in-new-laws/", "essay/04-status-of-legislation/", "whole-essay/"])
def test_every_label_and_figure_of_the_charts_is_drawn_at_12_px_or_more(readings, path):
    figures = yaml.safe_load((ROOT / "data" / "figures.yml").read_text(encoding="utf-8")).values()
    sections = {"essay/03-gaps-in-new-laws/": {3}, "essay/04-status-of-legislation/": {4}}.get(path, {3, 4})
    words = {
        word
        for figure in figures
        if figure["section"] in sections
        for bar in figure["bars"]
        for word in (str(bar["label"]), f'{bar["value"]} {figure["unit"]}')
    }
    drawn = {text: size for text, size, in_chart in readings[path]["sizes"] if in_chart}
    assert words <= set(drawn), f"not drawn as text: {words - set(drawn)}"
    assert all(drawn[word] >= SMALLEST_TEXT for word in words), drawn


def test_no_axe_violations_on_a_phone(readings):
    judged = {path for path, reading in readings.items() if reading["axe"] is not None}
    assert judged == {path for path in readings if read_by_axe(path)}
    assert {"", "whole-essay/", AXE_SECTION, "404.html"} <= judged
    problems = {path: reading["axe"] for path, reading in readings.items() if reading["axe"]}
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_no_page_scrolls_sideways(readings):
    wider = {key: reading["overflow"] for key, reading in readings.items() if reading["overflow"] > 0}
    assert not wider, f"pages wider than the 360 px screen (by px): {wider}"


def test_no_heading_leaves_its_permalink_alone_on_a_line(readings):
    lone = {key: reading["lone"] for key, reading in readings.items() if reading["lone"]}
    assert not lone, lone


def test_nor_at_any_column_width_from_a_small_phone_to_a_desktop(readings):
    lone = {
        key: {heading: f"{widths[0]}..{widths[-1]} px" for heading, widths in reading["lone at widths"].items()}
        for key, reading in readings.items()
        if reading["lone at widths"]
    }
    assert not lone, "\n".join(f"{key}: {found}" for key, found in lone.items())


# What lets one palette stand for both: the dark one may change colours only.
COLOUR_PROPERTIES = {"color", "background-color", "border-color", "fill", "stroke", "color-scheme"}
LIGHT_ONLY_IMAGES = ("#only-light", "#gh-light-mode-only")


def dark_palette_declarations(css: str) -> list[tuple[str, str]]:
    """(selector, property) of every declaration under a `slate` selector, custom properties aside."""
    import tinycss2

    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.content is not None:
            found += dark_palette_declarations(tinycss2.serialize(rule.content))
            continue
        if rule.type != "qualified-rule" or "slate" not in tinycss2.serialize(rule.prelude):
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type == "declaration" and not declaration.name.startswith("--"):
                found.append((selector, declaration.lower_name))
    return found


def test_the_dark_palette_changes_colours_only():
    """Sizes, widths and line breaks are measured in the light palette alone: true while the
    dark palette (Material's and the edition's `slate` rules) sets nothing but colours."""
    from importlib.resources import files

    stylesheets = files("material") / "templates" / "assets" / "stylesheets"
    material = next(path for path in stylesheets.iterdir() if path.name.startswith("palette.") and path.name.endswith(".min.css"))
    for css in (material.read_text(encoding="utf-8"), (ROOT / "docs/assets/stylesheets/edition.css").read_text(encoding="utf-8")):
        declarations = dark_palette_declarations(css)
        assert declarations, "no dark palette found"
        other = [
            (selector, name)
            for selector, name in declarations
            if name not in COLOUR_PROPERTIES
            # Material hides images marked for the light palette only; the edition has none.
            and not (name == "display" and any(mark in selector for mark in LIGHT_ONLY_IMAGES))
        ]
        assert other == [], other
    pages = [path.read_text(encoding="utf-8") for path in (ROOT / "docs").rglob("*.md")]
    assert not any(mark in page for mark in LIGHT_ONLY_IMAGES for page in pages)
