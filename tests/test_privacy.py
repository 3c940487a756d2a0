"""No page can be made to run or load anything that is not the site's own."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from bs4 import BeautifulSoup
from conftest import read_page


def csp_of(soup: BeautifulSoup) -> dict[str, list[str]]:
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None, "no Content-Security-Policy"
    policy = {}
    for directive in meta["content"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def executable_inline_scripts(soup: BeautifulSoup) -> list[str]:
    return [
        script.string or ""
        for script in soup.find_all("script")
        if not script.get("src") and script.get("type", "text/javascript") in ("text/javascript", "module")
    ]


def html_pages(build):
    return [p for p in build.pages() if "assets" not in p.parts]


def test_every_page_has_a_strict_policy(build):
    for page in html_pages(build):
        policy = csp_of(read_page(page))
        assert policy["default-src"] == ["'none'"], page
        assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"], page
        for name, values in policy.items():
            assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, f"{page}: {name}"
            assert not any(v.startswith(("http:", "https:", "*")) for v in values), f"{page}: {name} allows a host"


def test_policy_comes_before_any_script_or_style(build):
    """The character set first (a browser reading the file decides the encoding from its first bytes),
    then the policy, before anything it governs."""
    for page in html_pages(build):
        head = read_page(page).head
        first, second = head.find_all(["meta", "script", "link", "style"], limit=2)
        assert first.get("charset") == "utf-8", page
        assert second.get("http-equiv") == "Content-Security-Policy", page
        assert page.read_bytes().find(b'<meta charset="utf-8">') < 1024, page


def test_hashes_match_every_inline_script(build):
    """Every inline script of every page is one the policy knows (else the browser would block it), and the
    policy knows only the theme's scripts: the same hashes on every page, computed from the templates."""
    policies = set()
    used: set[str] = set()
    for page in html_pages(build):
        soup = read_page(page)
        allowed = {v for v in csp_of(soup)["script-src"] if v.startswith("'sha256-")}
        scripts = executable_inline_scripts(soup)
        hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts}
        assert scripts, f"{page}: expected Material's inline scripts"
        assert hashes <= allowed, page
        used |= hashes
        policies.add(frozenset(allowed))
    assert len(policies) == 1, "one policy for all pages: nothing in it comes from a page"
    # Each hash is one of Material's partials/javascripts rendered for a depth of this site.
    assert len(policies.pop()) <= 3 * len(used)


def test_no_inline_event_handlers_or_styles_in_pages(build):
    for page in html_pages(build):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), page
        assert "<style" not in html.lower(), page


def test_links_out_do_not_tell_where_the_reader_came_from(build):
    for page in html_pages(build):
        soup = read_page(page)
        assert soup.find("meta", attrs={"name": "referrer"})["content"] == "no-referrer", page


@pytest.mark.parametrize("needle", ["googleapis", "gstatic", "cdn.", "unpkg", "jsdelivr", "google-analytics", "api.github.com"])
def test_no_third_party_address_in_pages_styles_or_data(build, needle):
    """Nothing the site's pages, styles or data name loads from a tracker, CDN or API.

    Material's own JavaScript names unpkg for polyfills it loads only in old
    browsers or for diagrams we don't use, and GitHub's API only with repo_url;
    the policy blocks them, and the browser tests prove no request leaves.
    """
    for file in build.site.rglob("*"):
        if file.suffix in (".html", ".css", ".json", ".xml", ".txt") and file.is_file():
            assert needle not in file.read_text(encoding="utf-8", errors="ignore"), f"{file}: {needle}"
