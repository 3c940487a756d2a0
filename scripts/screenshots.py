"""Screenshots of the built site for reviewers: phone and desktop, light and dark.

Usage: python -m scripts.screenshots [--light] [--pages-from FILE] SITE_DIR OUT_DIR [PAGE ...]
Serves SITE_DIR on 127.0.0.1 and writes PNGs to OUT_DIR. A PAGE may name a
place on the page ("essay/04-status-of-legislation/#figure-legislation"): the
screenshot shows it, with the box it is in (a chart's) from its top. The phone is
360 × 740, the small phone tests/test_phone.py reads every page on.
`--light` takes the light palette only, and `--pages-from` reads the pages from a
file, one a line (an empty line is the home page; an empty file, no page): the
pull-request workflow's screenshots of the changed pages (`make review-screenshots`,
named as scripts/review.py's summary names them).
"""

from __future__ import annotations

import argparse
import re
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


def name(path: str, view: str, scheme: str) -> str:
    """The screenshot's file name: "essay-14-opsc-phone-light.png", "home-desktop-dark.png"
    (letters, digits, dots and hyphens only: an artifact refuses some characters in a name)."""
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", path.strip("/#")).strip("-") or "home") + f"-{view}-{scheme}.png"


def main(site: Path, out: Path, pages: list[str], schemes: tuple[str, ...] = ("light", "dark")) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if not pages:
        return
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for view, size in VIEWPORTS.items():
            for scheme in schemes:
                context = browser.new_context(viewport=size, color_scheme=scheme, device_scale_factor=1)
                page = context.new_page()
                for path in pages:
                    address, _, place = path.partition("#")
                    page.goto(base + address)
                    if place:
                        page.evaluate(SHOW_PLACE, place)
                        page.wait_for_timeout(400)  # the header's title changes with a transition
                    shot = out / name(path, view, scheme)
                    page.screenshot(path=str(shot), full_page=False)
                    print(shot)
                context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Screenshots of the built site, phone and desktop.")
    parser.add_argument("--light", action="store_true", help="the light palette only")
    parser.add_argument("--pages-from", type=Path, help="the pages, one a line (an empty line is the home page)")
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args()
    if args.pages_from:
        pages = args.pages_from.read_text(encoding="utf-8").splitlines() + args.pages
    else:
        pages = args.pages or DEFAULT_PAGES
    main(args.site, args.out, pages, ("light",) if args.light else ("light", "dark"))
