"""Screenshots of the built site for reviewers: phone and desktop, light and dark.

Usage: python -m scripts.screenshots SITE_DIR OUT_DIR [PAGE ...]
Serves SITE_DIR on 127.0.0.1 and writes PNGs to OUT_DIR. A PAGE may name a
place on the page ("essay/04-status-of-legislation/#figure-legislation"): the
screenshot shows it, with the box it is in (a chart's) from its top. The phone is
360 × 740, the small phone tests/test_phone.py reads every page on.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


from scripts.browser import launch, serve
from playwright.sync_api import sync_playwright

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 900}}
DEFAULT_PAGES = [
    "",
    "essay/03-gaps-in-new-laws/#figure-no-offence",
    "essay/04-status-of-legislation/#figure-legislation",
    "whole-essay/#figure-legislation",
    "take-action/",
    "take-action/#united-states-national-human-trafficking-hotline",
    "essay/14-opsc/",
    "bibliography/",
]

# Scroll down (as a reader does: scrolling up brings "Back to top" over the
# page) until the named place's box, or the place itself, is under the header.
SHOW_PLACE = """
(id) => {
  const place = document.getElementById(id);
  const box = place.closest('.admonition') || place;
  const header = document.querySelector('.md-header').offsetHeight;
  window.scrollTo(0, box.getBoundingClientRect().top + window.scrollY - header - 8);
}
"""


def main(site: Path, out: Path, pages: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for view, size in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport=size, color_scheme=scheme, device_scale_factor=1)
                page = context.new_page()
                for path in pages:
                    address, _, place = path.partition("#")
                    page.goto(base + address)
                    if place:
                        page.evaluate(SHOW_PLACE, place)
                        page.wait_for_timeout(400)  # the header's title changes with a transition
                    name = (re.sub(r"[/#]+", "-", path.strip("/")) or "home") + f"-{view}-{scheme}.png"
                    page.screenshot(path=str(out / name), full_page=False)
                    print(out / name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or DEFAULT_PAGES)
