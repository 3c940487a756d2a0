"""robots.txt, only where crawlers read it: at the root of a host.

Crawlers ask for `/robots.txt` on a host and nowhere else, so a robots.txt
at a sub-path (`https://example.org/essay/robots.txt`) is never read. The
file is written only when `site_url` is a host's root (`https://example.org/`),
and then allows every page and names the sitemap. A site on a sub-path gets
no such file; README.md ("Search engines") says what it does instead.

Tests: tests/test_sharing.py.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger("mkdocs.hooks.robots_txt")


def on_post_build(config):
    if not is_host_root(config.site_url):
        log.info(f"robots.txt: not written, since site_url {config.site_url!r} is not a host's root, where crawlers read it")
        return
    lines = ["User-agent: *", "Allow: /", f"Sitemap: {config.site_url.rstrip('/')}/sitemap.xml"]
    (Path(config.site_dir) / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def is_host_root(site_url: str | None) -> bool:
    """Is `site_url` an http(s) address whose path is the root, "/" (or nothing)?"""
    if not site_url:
        return False
    parts = urlsplit(site_url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/") and not parts.query
