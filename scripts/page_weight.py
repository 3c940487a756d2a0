"""What a first visit to a page transfers, compressed as GitHub Pages serves it (gzip).

Usage: python -m scripts.page_weight SITE_DIR [PAGE ...]
Loads each page in a fresh headless Chromium profile from a local server and
adds up the gzip size of every response, waiting until the network is idle
(the search index included).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path


from scripts.browser import launch, serve
from playwright.sync_api import sync_playwright

DEFAULT_PAGES = ["", "essay/14-opsc/", "bibliography/", "whole-essay/"]


def weigh(site: Path, pages: list[str]) -> dict[str, tuple[int, int]]:
    results = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for path in pages:
            context = browser.new_context()
            page = context.new_page()
            sizes: list[tuple[str, int]] = []

            def record(response, sizes=sizes):
                try:
                    body = response.body()
                except Exception:  # redirects and aborted requests have no body
                    return
                sizes.append((response.url, len(gzip.compress(body, 6))))

            page.on("response", record)
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            context.close()
            results[path or "/"] = (sum(size for _, size in sizes), len(sizes))
        browser.close()
    return results


if __name__ == "__main__":
    site = Path(sys.argv[1])
    for page, (total, count) in weigh(site, sys.argv[2:] or DEFAULT_PAGES).items():
        print(f"first visit {page:<24} {total / 1024:6.1f} KiB compressed in {count} requests")
