"""In a real browser: accessible, private, and working, on every kind of page."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlparse

import pytest
from conftest import AXE_SECTION, read_by_axe, read_page

playwright_api = pytest.importorskip("playwright.sync_api")

# Injected before any page script: record CSP violations where the test can read them.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(served):
    """The session's site, served at its own path on this machine."""
    return served


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


def all_pages(site_dir) -> list[str]:
    """Every page's path relative to the site's root: "", "about/", "404.html"."""
    paths = []
    for file in site_dir.rglob("*.html"):
        relative = file.relative_to(site_dir)
        if file.name == "index.html":
            paths.append("" if relative.parent == relative.parent.parent else relative.parent.as_posix() + "/")
        else:
            paths.append(relative.as_posix())
    return sorted(paths)


@pytest.fixture(scope="module")
def pages(site):
    return all_pages(site[0])


def open_page(browser, base, path, **context_options):
    context = browser.new_context(**context_options)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(base + path)
    return context, page


def settle(page, pending: set, quiet_ms: int = 200, limit_ms: int = 5000) -> None:
    """After the load event, until no request has been open for `quiet_ms` (Playwright's
    "networkidle" waits 500 ms on every page; this waits as long as requests keep coming)."""
    quiet = waited = 0
    while waited < limit_ms and quiet < quiet_ms:
        page.wait_for_timeout(50)
        waited += 50
        quiet = quiet + 50 if not pending else 0


@pytest.fixture(scope="module")
def desktop(site, browser, pages):
    """Every kind of page read once on a desktop in the dark palette, as it loads and settles
    (the pages `read_by_axe` names, tests/conftest.py, and a missing one): what axe finds,
    what it requests, what the console and the policy report.
    (The light palette is read, axe included, on a phone: tests/test_phone.py.)"""
    from axe_playwright_python.sync_playwright import Axe

    _, base = site
    axe = Axe()
    context = browser.new_context(color_scheme="dark")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    outside, errors = [], []
    current = [""]
    page.on("request", lambda r: r.url.startswith((base, "data:", "blob:")) or outside.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append((current[0], m.text)))
    page.on("pageerror", lambda e: errors.append((current[0], str(e))))
    pending = set()
    page.on("request", lambda r: pending.add(r.url))
    page.on("requestfinished", lambda r: pending.discard(r.url))
    page.on("requestfailed", lambda r: pending.discard(r.url))
    found = {}
    for path in [path for path in pages if read_by_axe(path)] + ["no-such-page/"]:
        current[0] = path
        page.goto(base + path)
        # Meanwhile, what the page asks for after its load event comes in.
        violations = axe.run(page).response["violations"]
        settle(page, pending, quiet_ms=100)
        found[path] = {
            "scheme": page.evaluate("document.body.dataset.mdColorScheme"),
            "axe": [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations],
            "csp": page.evaluate("window.__cspViolations"),
        }
    context.close()
    return {"pages": found, "outside": outside, "errors": errors}


def test_no_axe_violations_in_the_dark_palette(desktop, pages):
    """Every kind of page, and every section's words on the whole essay's page (conftest.read_by_axe);
    the light palette: tests/test_phone.py."""
    assert set(desktop["pages"]) == {path for path in pages if read_by_axe(path)} | {"no-such-page/"}
    assert {"", "whole-essay/", AXE_SECTION, "404.html"} <= set(desktop["pages"])
    assert all(reading["scheme"] == "slate" for reading in desktop["pages"].values())
    problems = {path: reading["axe"] for path, reading in desktop["pages"].items() if reading["axe"]}
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_no_request_leaves_the_machine_no_console_error_no_csp_violation(desktop):
    """On every kind of page: what a page asks for follows from its template and its words,
    and every section's words are on the whole essay's page (conftest.read_by_axe)."""
    assert not desktop["outside"], desktop["outside"]
    # The missing page's own 404 status is the one error the browser may report.
    errors = [(path, text) for path, text in desktop["errors"] if not (path == "no-such-page/" and "404" in text)]
    assert not errors, errors
    violations = {path: reading["csp"] for path, reading in desktop["pages"].items() if reading["csp"]}
    assert not violations, violations


def test_language_and_heading_order(build, pages):
    """Every page, as built (no script of the site changes a heading or the language)."""
    for path in pages:
        soup = read_page(build.site / (path + "index.html" if path == "" or path.endswith("/") else path))
        assert soup.html.get("lang") == "en", path
        levels = [int(h.name[1]) for h in soup.select("article h1, article h2, article h3, article h4")]
        assert levels and levels[0] == 1, path
        for previous, current in zip(levels, levels[1:]):
            assert current <= previous + 1, f"{path}: heading jumps from h{previous} to h{current}"


def test_search_finds_opsc_from_the_keyboard(site, browser):
    _, base = site
    context = browser.new_context()
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base)
    page.wait_for_load_state("networkidle")
    # A first visit loads neither the search engine nor its documents (hook lazy_search.py).
    paths = [urlparse(url).path for url in requested]
    assert not [path for path in paths if "workers/search" in path or path.endswith("documents.json")], paths
    page.keyboard.press("/")  # Material's shortcut focuses the search field
    page.keyboard.type("OPSC")
    result = page.locator(".md-search-result__link[href*='14-opsc']").first
    result.wait_for(timeout=10000)
    result.click()
    page.wait_for_url(re.compile(r".*/essay/14-opsc/.*"))
    assert "14. OPSC" in page.locator("h1").first.inner_text()
    context.close()


def test_hovering_a_note_marker_shows_the_note(site, browser):
    _, base = site
    context, page = open_page(browser, base, "essay/14-opsc/")
    page.locator("sup a.footnote-ref").nth(1).hover()
    tooltip = page.locator(".md-tooltip2__inner").first
    tooltip.wait_for(state="visible", timeout=5000)
    assert "United Nations Office at Geneva" in tooltip.inner_text()
    context.close()


def in_viewport(locator) -> bool:
    """Drawn, and at least partly inside the window the reader sees."""
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
        " return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight"
        " && s.visibility !== 'hidden' && s.opacity !== '0'; }"
    )


def test_tapping_a_note_marker_on_a_phone_shows_the_note(site, browser):
    _, base = site
    context, page = open_page(
        browser, base, "essay/14-opsc/", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    marker = page.locator("sup a.footnote-ref").first
    box = marker.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20, f"note marker too small to tap: {box}"
    marker.tap()
    # Either the tooltip opens, or the note itself is scrolled into view.
    note = page.locator("#fn\\:ref-ECPAT2009legal")
    tooltip = page.locator(".md-tooltip2__inner")
    page.wait_for_timeout(500)
    # Visible is not enough: the note is always "visible" at the page's end; it must be on screen.
    shown = (tooltip.count() and in_viewport(tooltip.first)) or in_viewport(note)
    assert shown, "tapping the marker showed neither the tooltip nor the note on screen"
    context.close()


def test_the_first_tab_reaches_skip_to_content(site, browser):
    _, base = site
    context, page = open_page(browser, base, "essay/14-opsc/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className + ' ' + document.activeElement.textContent")
    assert "md-skip" in focused and "Skip to content" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert page.locator(".md-skip").is_visible() and outline != "none"
    context.close()


def test_palette_toggle_works_from_the_keyboard(site, browser):
    _, base = site
    context, page = open_page(browser, base, "", color_scheme="light")
    before = page.evaluate("document.body.dataset.mdColorScheme")
    toggle = page.locator("form[data-md-component=palette] label:visible").first
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    after = page.evaluate("document.body.dataset.mdColorScheme")
    assert before == "default" and after == "slate"
    context.close()


def test_focus_is_always_visible(site, browser):
    _, base = site
    context, page = open_page(browser, base, "essay/14-opsc/")
    for _ in range(12):
        page.keyboard.press("Tab")
        # Material's palette toggle is a hidden radio button: its label shows the focus.
        style = page.evaluate(
            "(() => { let e = document.activeElement;"
            " if (e.matches('input.md-option')) e = e.nextElementSibling;"
            " const s = getComputedStyle(e);"
            " return [e.tagName, s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
        )
        tag, outline, width, shadow = style
        assert (outline != "none" and width != "0px") or shadow != "none", style
    context.close()


def test_missing_pages_get_a_helpful_404(site, browser):
    _, base = site
    context, page = open_page(browser, base, "no-such-page/")
    assert "Page not found" in page.locator("h1").first.inner_text()
    page.get_by_role("link", name="Start reading the essay").click()
    page.wait_for_url(re.compile(r".*/essay/01-"))
    context.close()
