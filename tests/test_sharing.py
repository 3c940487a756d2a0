"""Every page is findable and shareable: description, canonical URL, cards, sitemap."""

from __future__ import annotations

import struct
from xml.etree import ElementTree

from bs4 import BeautifulSoup


def content_pages(build):
    return [p for p in build.pages() if "assets" not in p.parts and p.name != "404.html"]


def meta(soup, **attrs):
    tag = soup.find("meta", attrs=attrs)
    return tag["content"] if tag else None


def test_every_page_has_description_canonical_and_cards(build):
    for page in content_pages(build):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert meta(soup, name="description"), page
        canonical = soup.find("link", rel="canonical")
        assert canonical and canonical["href"].startswith("https://"), page
        assert meta(soup, property="og:title") and meta(soup, property="og:description"), page
        assert meta(soup, property="og:url") == canonical["href"], page
        assert meta(soup, name="twitter:card") == "summary_large_image", page
        image = meta(soup, property="og:image")
        assert image and image.endswith(".png"), page


def test_share_images_exist_and_are_1200_by_630(build):
    for page in content_pages(build):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        image = meta(soup, property="og:image")
        base = soup.find("link", rel="canonical")["href"]
        site_url = base[: len(base) - len(page.parent.relative_to(build.site).as_posix()) - 1] if page.parent != build.site else base
        path = build.site / image.removeprefix(site_url.rstrip("/") + "/")
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", path
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (1200, 630)


def test_sitemap_lists_every_page(build):
    root = ElementTree.fromstring(build.html("sitemap.xml"))
    urls = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for page in content_pages(build):
        canonical = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("link", rel="canonical")["href"]
        assert canonical in urls, canonical


def test_robots_txt_names_the_sitemap(build):
    robots = build.html("robots.txt")
    assert "User-agent: *" in robots
    assert any(line.startswith("Sitemap: https://") and line.endswith("/sitemap.xml") for line in robots.splitlines())


def test_a_helpful_404_page(build):
    soup = build.soup("404.html")
    assert "Page not found" in soup.find("h1").get_text()
    hrefs = [a["href"] for a in soup.select("article a")]
    assert any(h.endswith("/essay/01-keeping-the-promises/") for h in hrefs)
