"""robots.txt: every page may be indexed; the sitemap is named with the site's address."""

from __future__ import annotations

from pathlib import Path


def on_post_build(config):
    lines = ["User-agent: *", "Allow: /"]
    if config.site_url:
        lines.append(f"Sitemap: {config.site_url.rstrip('/')}/sitemap.xml")
    (Path(config.site_dir) / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
