"""Screenshots of the built site for reviewers: phone and desktop, light and dark.

Usage: python -m scripts.screenshots SITE_DIR OUT_DIR [PAGE ...]
Serves SITE_DIR on 127.0.0.1 and writes PNGs to OUT_DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path


from edition.browser import launch, serve
from playwright.sync_api import sync_playwright

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
DEFAULT_PAGES = ["", "essay/14-opsc/", "bibliography/"]


def main(site: Path, out: Path, pages: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for view, size in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport=size, color_scheme=scheme, device_scale_factor=1)
                page = context.new_page()
                for path in pages:
                    page.goto(base + path)
                    name = (path.strip("/").replace("/", "-") or "home") + f"-{view}-{scheme}.png"
                    page.screenshot(path=str(out / name), full_page=False)
                    print(out / name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or DEFAULT_PAGES)
