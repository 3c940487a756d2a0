"""Every page is findable, shareable and citable: description, canonical URL, cards, sitemap,
one story told alike in JSON-LD, Open Graph and Twitter, and the essay's pages described for
reference managers (Highwire Press and Dublin Core tags), as extruct and Zotero read them."""

from __future__ import annotations

import re
import struct
from types import SimpleNamespace
from xml.etree import ElementTree

import extruct
import pytest
import yaml
from conftest import ROOT, front_matter, page_url, read_page, section_files

from edition.finish.pages import robots_txt


def content_pages(build):
    return [p for p in build.pages() if "assets" not in p.parts and p.name != "404.html"]


def meta(soup, **attrs):
    tag = soup.find("meta", attrs=attrs)
    return tag["content"] if tag else None


def test_every_page_has_description_canonical_and_cards(build):
    for page in content_pages(build):
        soup = read_page(page)
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
        soup = read_page(page)
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
        canonical = read_page(page).find("link", rel="canonical")["href"]
        assert canonical in urls, canonical


# robots.txt: only at a host's root, the one place crawlers read it


def test_a_site_on_a_sub_path_has_no_robots_txt(build, config):
    assert re.fullmatch(r"https://[^/]+/.+/", config["site_url"]), "the edition lives on a sub-path"
    assert not (build.site / "robots.txt").exists()


@pytest.mark.parametrize("site_url", ["https://example.org/", "https://example.org", "http://localhost:8000/"])
def test_a_site_at_a_host_root_gets_robots_txt_naming_its_sitemap(tmp_path, site_url):
    """As a crawler reads it (Python's robotparser): every page may be fetched, and the sitemap is named."""
    from urllib.robotparser import RobotFileParser

    robots_txt(tmp_path, site_url)
    crawler = RobotFileParser()
    crawler.parse((tmp_path / "robots.txt").read_text(encoding="utf-8").splitlines())
    root = site_url.rstrip("/")
    for page in ("/", "/essay/14-opsc/", "/bibliography/", "/assets/images/social/index.png"):
        assert crawler.can_fetch("AnyBot", root + page), page
    assert crawler.site_maps() == [f"{root}/sitemap.xml"]


@pytest.mark.parametrize("site_url", ["https://example.org/essay/", "https://example.org/essay", None, ""])
def test_a_site_anywhere_else_gets_none(tmp_path, site_url):
    robots_txt(tmp_path, site_url)
    assert not (tmp_path / "robots.txt").exists()


def test_readme_says_what_a_site_on_a_sub_path_does_instead():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`robots.txt` is written only when `site_url` is the root of a host" in readme
    assert "Sitemap: https://protecting-children.github.io/essay/sitemap.xml" in readme


# One story in three vocabularies: JSON-LD, Open Graph and Twitter agree on every page.

OG_TYPE = {"Article": "article", "WebPage": "website"}


def read_like_a_crawler(path) -> SimpleNamespace:
    html = path.read_text(encoding="utf-8")
    data = extruct.extract(html, syntaxes=["json-ld", "opengraph", "dublincore"], uniform=False)
    soup = read_page(path)
    (json_ld,) = data["json-ld"]
    (og,) = data["opengraph"]
    twitter = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": re.compile("^twitter:")})}
    highwire = [(m["name"], m["content"]) for m in soup.find_all("meta", attrs={"name": re.compile("^citation_")})]
    (dublin_core,) = data["dublincore"]
    return SimpleNamespace(
        json_ld=json_ld, og=dict(og["properties"]), twitter=twitter, highwire=highwire, dublin_core=dublin_core,
        canonical=soup.find("link", rel="canonical")["href"], lang=soup.html["lang"],
    )


def test_json_ld_open_graph_and_twitter_agree_on_title_type_url_and_image(build):
    pages = content_pages(build)
    assert len(pages) >= 25
    for page in pages:
        seen = read_like_a_crawler(page)
        data, og, twitter = seen.json_ld, seen.og, seen.twitter
        assert og["og:type"] == OG_TYPE[data["@type"]], page
        title = data["headline"] if data["@type"] == "Article" else data["name"]
        assert og["og:title"] == twitter["twitter:title"] == title, page
        assert og["og:url"] == data["url"] == seen.canonical, page
        assert og["og:image"] == twitter["twitter:image"] == data["image"], page


def test_every_card_image_is_described_for_those_who_cannot_see_it(build):
    for page in content_pages(build):
        seen = read_like_a_crawler(page)
        alt = seen.og["og:image:alt"]
        assert alt == seen.twitter["twitter:image:alt"], page
        assert seen.og["og:title"] in alt and "An essay by Johanna Wester" in alt, page


def test_og_locale_is_a_language_and_a_territory(build, config):
    for page in content_pages(build):
        seen = read_like_a_crawler(page)
        assert re.fullmatch(r"[a-z]{2}_[A-Z]{2}", seen.og["og:locale"]), page
        assert seen.og["og:locale"].split("_")[0] == config["theme"]["language"] == seen.lang, page


def test_each_section_is_part_of_the_whole_essay_by_its_address(build):
    whole = read_like_a_crawler(build.site / "whole-essay" / "index.html")
    essay_id, essay_url = whole.json_ld["@id"], whole.json_ld["url"]
    assert essay_url == whole.canonical and essay_id.startswith(essay_url)
    for path in section_files():
        section = read_like_a_crawler(build.site / page_url(path))
        parent = section.json_ld["isPartOf"]
        assert (parent["@type"], parent["@id"], parent["url"]) == ("Article", essay_id, essay_url), path.stem
        assert section.json_ld["@id"] != essay_id and section.json_ld["@id"].startswith(section.canonical)
        assert section.json_ld["image"].endswith(f"/essay/{path.stem}.png")


def test_other_pages_are_about_the_same_essay(build):
    essay_id = read_like_a_crawler(build.site / "whole-essay" / "index.html").json_ld["@id"]
    for name in ("index.html", "take-action/index.html", "about/index.html"):
        assert read_like_a_crawler(build.site / name).json_ld["about"]["@id"] == essay_id, name


# Reference managers: Highwire Press and Dublin Core on the essay's pages


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def essay_pages():
    return [(page_url(path), front_matter(path)) for path in section_files()] + [("whole-essay/index.html", None)]


def expected_title(meta, cff) -> str:
    essay = cff["preferred-citation"]["title"]
    if meta is None:
        return essay
    title = re.sub(r"^\d+\.\s*", "", meta["title"])
    mark = " [title by the editors]" if meta["heading"] == "editors" else ""
    return f"{title}{mark}, section {meta['section']} of {essay}"


@pytest.mark.parametrize("where, meta", essay_pages(), ids=lambda v: v if isinstance(v, str) else "")
def test_reference_managers_read_the_essay_in_the_edition(build, config, options, cff, where, meta):
    """The Highwire Press tags Zotero's "Embedded Metadata" reads, from CITATION.cff and the front matter."""
    seen = read_like_a_crawler(build.site / where)
    essay = cff["preferred-citation"]
    assert seen.highwire == [
        ("citation_title", expected_title(meta, cff)),
        ("citation_author", "Wester, Johanna"),
        ("citation_publication_date", str(essay["year"])),
        ("citation_online_date", cff["date-released"].replace("-", "/")),
        ("citation_book_title", cff["title"]),
        ("citation_language", "en"),
        ("citation_pdf_url", config["site_url"] + options.pdf.output_path),
        ("citation_public_url", seen.canonical),
    ]


@pytest.mark.parametrize("where, meta", essay_pages(), ids=lambda v: v if isinstance(v, str) else "")
def test_dublin_core_says_the_same(build, cff, where, meta):
    seen = read_like_a_crawler(build.site / where)
    dc = seen.dublin_core
    assert dc["namespaces"] == {"DC": "http://purl.org/dc/elements/1.1/", "DCTERMS": "http://purl.org/dc/terms/"}
    elements = {(e["name"], e["content"]) for e in dc["elements"]}
    terms = {(e["name"], e["content"]) for e in dc["terms"]}
    assert {
        ("DC.title", expected_title(meta, cff)),
        ("DC.creator", "Wester, Johanna"),
        ("DC.date", "2010"),
        ("DC.language", "en"),
        ("DC.type", "Text"),
        ("DC.identifier", seen.canonical),
    } <= elements
    assert {("DCTERMS.available", cff["date-released"]), ("DCTERMS.isPartOf", cff["title"])} <= terms
    prefixed = [e for e in dc["elements"] + dc["terms"] if "." in e["name"]]  # extruct also reads <meta name="description">
    assert all(e["URI"].startswith(dc["namespaces"][e["name"].split(".")[0]]) for e in prefixed)


def test_pages_that_are_not_the_essay_claim_no_author(build):
    for name in ("index.html", "take-action/index.html", "about/index.html", "bibliography/index.html"):
        seen = read_like_a_crawler(build.site / name)
        dublin_core = [e["name"] for e in seen.dublin_core["elements"] + seen.dublin_core["terms"] if "." in e["name"]]
        assert seen.highwire == [] and dublin_core == [], name


def test_the_citation_tags_are_generated_not_written_by_hand():
    """No date, name or title of them in the template or the pages: they come from CITATION.cff."""
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert not re.search(r"\b(19|20)\d\d\b|Wester|citation_[a-z]|DC\.", template)
    for page in (ROOT / "docs").rglob("*.md"):
        assert not re.search(r"citation_[a-z]+|DC\.[a-z]", page.read_text(encoding="utf-8")), page


def test_a_helpful_404_page(build):
    soup = build.soup("404.html")
    assert "Page not found" in soup.find("h1").get_text()
    hrefs = [a["href"] for a in soup.select("article a")]
    assert any(h.endswith("/essay/01-keeping-the-promises/") for h in hrefs)
