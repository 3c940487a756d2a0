"""Tested as people use the site: the reader who must act, the screen-reader user, the keyboard and the finger.

Each test opens the session's build in a fresh browser context, as a new reader
would, and reads what that reader meets: the first screen of a phone, the
accessibility tree as a screen reader reads it (Chromium's, through Playwright's
`aria_snapshot`), the Tab order, the size of what a finger taps, the clipboard
after a copy, the page as printed. Scores (axe, Lighthouse) are the other
modules'; these are the findings no score counted (issue "Tested as people use it").
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, read_page
from pybtex.database import parse_file

pytest.importorskip("playwright.sync_api")

PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SECTION = "essay/14-opsc/"


@pytest.fixture
def visit(served, chromium):
    """A fresh context and page at a path of the served site (closed after the test)."""
    opened = []

    def open_page(path: str, **options):
        context = chromium.new_context(**(options or DESKTOP))
        opened.append(context)
        page = context.new_page()
        page.goto(served[1] + path)
        page.wait_for_load_state("load")
        return page

    yield open_page
    for context in opened:
        context.close()


# The reader who needs to report a case


def test_the_first_phone_screen_of_the_reporting_page_holds_a_number(visit):
    page = visit("take-action/", **PHONE)
    number = page.locator('article a[href^="tel:"]').first
    box = number.bounding_box()
    assert box and box["y"] + box["height"] <= 640, f"the first number is at {box}: below the first screen"
    assert page.locator(".emergency").bounding_box()["y"] < box["y"], "the emergency line comes first"


def test_each_number_has_its_official_page_beside_it(build):
    """One tap to the service: every channel's section links its official page, the address its source cites."""
    urls = {entry.fields["url"] for entry in parse_file(str(ROOT / "references.bib")).entries.values() if "url" in entry.fields}
    article = read_page(build.site / "take-action/index.html").find("article")
    sections = [h for h in article.find_all("h2") if h.find_next_sibling("p") and h.find_next_sibling("p").find("a", href=re.compile("^tel:"))]
    assert len(sections) >= 4
    for heading in sections:
        paragraphs = heading.find_next_siblings("p", limit=2)
        links = {a["href"] for p in paragraphs for a in p.find_all("a", href=re.compile("^https://"))}
        assert links & urls, f"{heading.get_text()}: no link to the official page it cites"


def test_the_not_found_page_offers_the_reporting_page(visit):
    page = visit("no-such-page/")
    link = page.get_by_role("link", name="where to report it")
    assert link.count() == 1 and link.get_attribute("href").rstrip("/").endswith("take-action")


# The screen-reader user


def test_notes_are_named_in_words_and_listed_under_a_heading(visit):
    tree = visit(SECTION).locator("article").aria_snapshot()
    assert 'link "Note 4"' in tree and 'link "Note 5"' in tree
    assert 'link "Back to note 4 in the text"' in tree
    assert not re.search(r'link "(\d+|↩)"', tree), "a note or back link named by its figure or arrow"
    assert 'heading "Notes" [level=2]' in tree


def test_headings_are_named_by_their_words_alone(visit):
    for path in (SECTION, "about/", "whole-essay/"):
        tree = visit(path).locator("body").aria_snapshot()
        headings = re.findall(r'heading "([^"]*)"', tree)
        assert headings and not [h for h in headings if "¶" in h or h != h.strip()], (path, headings)


def test_a_page_without_subheadings_has_no_empty_table_of_contents(visit):
    tree = visit("essay/01-keeping-the-promises/").locator("body").aria_snapshot()
    assert 'navigation "Table of contents"' not in tree


def test_the_sources_are_a_list_and_every_address_is_named_by_its_site(visit, build):
    tree = visit("bibliography/").locator("article").aria_snapshot()
    bib = parse_file(str(ROOT / "references.bib")).entries
    assert tree.count("\n    - listitem:") == len(bib)
    names = re.findall(r'link "([^"]*)"', tree)
    assert names and max(len(name) for name in names) <= 40, max(names, key=len)
    assert "the essay's eleven notes, and of the editors' additions" in tree
    article = read_page(build.site / "bibliography/index.html").find("article")
    for key, entry in bib.items():
        if "archived" in entry.fields:
            first = article.find(id=key).find("a")
            assert first["href"].startswith("https://web.archive.org/"), f"{key}: a dead address is tapped first"
            assert "no longer works" in article.find(id=key).get_text(), key


# The keyboard and the finger


def test_the_tab_order_visits_only_what_is_shown(visit):
    page = visit(SECTION)
    for marker in page.locator("a.footnote-ref").all():
        marker.hover()  # Material draws the notes' previews, kept in the page afterwards
    page.mouse.move(0, 0)
    seen = 0
    for _ in range(80):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => { const e = document.activeElement;
            e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
            return {tag: e.tagName, text: (e.innerText || e.getAttribute("aria-label") || "").slice(0, 40),
                    inPreview: !!e.closest(".md-tooltip2:not(.md-tooltip2--active)"), hidden: s.visibility === "hidden",
                    width: r.width, height: r.height, top: r.top, body: e === document.body} }""")
        if state["body"]:
            break
        seen += 1
        assert not state["inPreview"] and not state["hidden"], f"Tab reached something not shown: {state}"
        assert state["tag"] == "INPUT" or (state["width"] > 0 and state["height"] > 0), state
    assert seen > 20


def test_an_abbreviation_can_be_focused_and_tapped_to_show_what_it_stands_for(visit):
    desktop = visit(SECTION)
    desktop.locator("article abbr[tabindex='0']").first.focus()
    desktop.wait_for_timeout(300)
    assert "Optional Protocol" in desktop.locator(".md-tooltip2--active").inner_text()
    phone = visit(SECTION, **PHONE)
    phone.locator("article abbr").first.tap()
    phone.wait_for_timeout(300)
    assert "Optional Protocol" in phone.locator(".md-tooltip2--active").inner_text()


def test_what_a_finger_taps_is_at_least_24_pixels(visit):
    """WCAG 2.2, 2.5.8: note markers, back links and the links to the downloads."""
    page = visit(SECTION, **PHONE)
    for selector in ("a.footnote-ref", "a.footnote-backref", ".edition-downloads a"):
        boxes = [link.bounding_box() for link in page.locator(selector).all()]
        assert boxes, selector
        for box in boxes:
            assert box["height"] >= 24, (selector, box)
            if selector != ".edition-downloads a":
                assert box["width"] >= 24, (selector, box)


def test_a_copied_sentence_leaves_the_note_marker_out(visit):
    page = visit(SECTION, viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"])
    paragraph = page.locator("article p", has_text="has been ratified by 131 states")
    paragraph.click(click_count=3)  # the whole paragraph selected, as a reader drags over it
    page.keyboard.press("Control+C")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "ratified by 131 states." in copied and "states5" not in copied, copied


def test_the_cite_box_has_a_copy_button_for_its_bibtex(visit):
    page = visit(SECTION, viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"])
    page.locator("#cite-this-section summary").click()
    page.locator("#cite-this-section button[data-md-type=copy]").click()
    assert page.evaluate("navigator.clipboard.readText()").startswith("@incollection{Wester2010section14,")


# Tables, titles, print


def test_table_cells_break_no_word_on_a_phone(visit):
    """The About page's table on a 360 px phone: each word on one line ("2003", "Section" whole)."""
    page = visit("about/", **PHONE)
    broken = page.evaluate("""() => { const found = [];
        for (const cell of document.querySelectorAll("article table td, article table th")) {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node; (node = walker.nextNode());) {
            for (const match of node.data.matchAll(/[A-Za-z0-9]{4,}/g)) {
              const range = document.createRange(); range.setStart(node, match.index);
              range.setEnd(node, match.index + match[0].length);
              const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
              if (lines.size > 1 && !/-$/.test(range.toString())) found.push(match[0]);
            } } } return found; }""")
    assert page.locator("article table").count() and broken == [], broken


def test_the_home_page_is_titled_by_the_site_not_home(build):
    home = read_page(build.site / "index.html")
    site_name = "Protecting Children from Trafficking"
    assert home.title.get_text() == site_name
    og = home.find("meta", property="og:title")["content"]
    assert og != "Home" and "Home" not in home.find("meta", property="og:image:alt")["content"]


def test_a_section_printed_from_the_browser_shows_its_words_and_the_editors_sources(visit):
    page = visit(SECTION)
    page.emulate_media(media="print")
    assert not page.locator(".edition-downloads").is_visible()
    printed = page.locator(".edition-print-sources")
    assert printed.is_visible() and "United Nations Office at Geneva" in printed.inner_text()
    page.emulate_media(media="screen")
    assert not printed.is_visible()


def test_a_right_aligned_column_keeps_its_alignment_under_the_policy(visit):
    """The About page's numbers, right-aligned with Markdown's `|---:|`: written as `align`, which
    the policy allows (a `style` attribute it would refuse, and the alignment would be lost)."""
    violations = []
    page = visit("about/")
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.reload()
    cell = page.locator("article table td").first
    assert cell.get_attribute("align") == "right" and cell.get_attribute("style") is None
    assert cell.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert violations == []


# The contributor: a message that says what is wrong, where, and what to do


def test_a_misspelt_front_matter_key_is_named_with_the_right_one():
    from edition import front_matter

    with pytest.raises(front_matter.SourceError) as raised:
        front_matter.check('---\ntitle: "About"\ndescripton: "Who wrote it."\n---\n\nText.\n', "about.md")
    assert raised.value.line == 3 and "'descripton' is not allowed" in raised.value.message
    assert "did you mean 'description'?" in raised.value.message


def test_a_straight_quote_in_a_title_is_explained():
    from edition import front_matter

    with pytest.raises(front_matter.SourceError) as raised:
        front_matter.check('---\ntitle: "The "new" laws"\ndescription: "D."\n---\n\nText.\n', "about.md")
    assert raised.value.line == 2 and "write quotations in a title or description with “ ”" in raised.value.message


def test_an_image_without_alt_text_stops_the_build():
    from edition.guard.content import check_content

    problems = [p.text for p in check_content('<p><img src="chart.png"></p>')]
    assert any("an image needs a text alternative" in p for p in problems)
    assert not check_content('<p><img src="rule.png" alt=""></p>')


def test_a_page_left_out_of_the_navigation_names_mkdocs_yml(tmp_path):
    from conftest import copy_project

    from edition.errors import Refusal, Refusals
    from edition.guard import sources
    from edition.project import Project

    project = copy_project(tmp_path / "project")
    (project / "docs/new-page.md").write_text('---\ntitle: "New"\ndescription: "A new page."\n---\n\n# New\n')
    with pytest.raises((Refusal, Refusals)) as raised:
        sources.check(Project.load(project / "mkdocs.yml", environ={}))
    message = str(raised.value)
    assert "mkdocs.yml: docs/new-page.md is not in the navigation: add it under nav:" in message
    assert "Add a page" in message and "Add a page" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
