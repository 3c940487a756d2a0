"""A hostile pull request cannot reach a reader; a careless one stops with the file and line.

Tried as an outside attacker would: each case changes only what a contributor
changes (pages, front matter, references.bib, data/, docs/assets/, includes).
One family per layer of issue 9, each with several cases, run where they are
cheapest: the guards' own functions in-process for the many variants, MkDocs'
Python API on a mutated copy where a whole build is needed, and a handful of
real builds in the four modes (strict, non-strict, offline, serve), with
Chromium judging what a reader would get (no dialog, no request to another
host, no navigation). Property-based tests (hypothesis) generate front matter
and .bib files.

Families: front matter (1), finished page (2), policy (3), files (4),
includes and workflows (5), bibliography (6), bounded cost (8), no traceback
in every mode (9), CITATION.cff (10), the repository's reader (11).
Citation brackets (7) belong to the citation tests, the downloads to test_book.py.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import MKDOCS, ROOT, examples, run_build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from red_team_support import HOSTILE_MARKDOWN, append, build_in_process, replace, site_markdown, timed

from edition import files, front_matter
from edition.errors import Refusal, Refusals
from edition.front_matter import SourceError
from edition.guard import bibliography as bibliography_check
from edition.guard import content as content_guard
from edition.guard import policy as content_security_policy
from edition.guard import sources as source_guard

SECTION = "essay/02-trafficking-protocol.md"
SECTION_TEXT = (ROOT / "docs" / SECTION).read_text(encoding="utf-8")
ABOUT_TEXT = (ROOT / "docs/about.md").read_text(encoding="utf-8")
BIB = (ROOT / "references.bib").read_text(encoding="utf-8")


def with_front_matter(lines: str, body: str = "Some words.\n") -> str:
    return f"---\n{lines}\n---\n\n{body}"


def refused(text: str, uri: str = SECTION) -> SourceError:
    with timed(2):
        with pytest.raises(SourceError) as caught:
            front_matter.check(text, uri)
    assert caught.value.line is not None and caught.value.line >= 1
    return caught.value


# 1. Front matter: a schema per kind of page; anything else stops the build with file, line and key.

SECTION_KEYS = 'title: "2. A title"\ndescription: "Words."\nsection: 2\npart: The law\nheading: author'

HOSTILE_FRONT_MATTER = {
    "redirect template": ("template: redirect.html", "'template' is not allowed"),
    "redirect location": ("location: javascript:alert(1)", "'location' is not allowed"),
    "icon": ("icon: ../../../../etc/passwd", "'icon' is not allowed"),
    "subtitle": ("subtitle: <img src=x onerror=alert(1)>", "'subtitle' is not allowed"),
    "status": ("status: new", "'status' is not allowed"),
    "author": ("author: Someone", "'author' is not allowed"),
    "hide on a section": ("hide: [navigation]", "'hide' is not allowed"),
    "social image from another host": ("social_image: https://t.example/p.png", "'social_image' is not allowed"),
    "a mapping whose key carries markup": ('"<script>alert(1)</script>": x', "not a plain lower-case word"),
    "a set": ("tags: !!set {a, b}", "YAML tags"),
    "a binary value": ("blob: !!binary aGVsbG8=", "YAML tags"),
    "a python object": ("x: !!python/object/apply:os.system [id]", "YAML tags"),
    "an alias bomb": ("a: &a [x, x]\nb: [*a, *a]", "anchors and aliases"),
    "a key YAML reads as true": ("on: x", "not a plain lower-case word"),
}


@pytest.mark.parametrize("extra, message", HOSTILE_FRONT_MATTER.values(), ids=HOSTILE_FRONT_MATTER.keys())
def test_front_matter_allows_only_the_keys_of_its_kind(extra, message):
    error = refused(with_front_matter(SECTION_KEYS + "\n" + extra))
    assert message in error.message
    assert error.line >= 7, "the line of the key, not of the page"


CARELESS_FRONT_MATTER = {
    "a title with markup": ('title: "<b>2.</b> A title"', "'title'", "contains '<'"),
    "a title breaking out of <meta>": ("title: '\"><script>alert(1)</script>'", "'title'", "contains '\"'"),
    "an entity that comes back as a tag": ('title: "&lt;script&gt;"', "'title'", "contains '&'"),
    "a numeric title": ("title: 2", "'title'", "valid string"),
    "a list as title": ("title: [a, b]", "'title'", "valid string"),
    "a mapping as description": ("description: {a: b}", "'description'", "valid string"),
    "section: two": ("section: two", "'section'", "valid integer"),
    "section as a string": ('section: "2"', "'section'", "valid integer"),
    "section: true": ("section: true", "'section'", "valid integer"),
    "section not matching the file": ("section: 3", "'section'", "does not match the file name"),
    "heading not author or editors": ("heading: both", "'heading'", "author"),
}


@pytest.mark.parametrize("change, key, message", CARELESS_FRONT_MATTER.values(), ids=CARELESS_FRONT_MATTER.keys())
def test_careless_front_matter_names_the_key(change, key, message):
    name = change.split(":")[0]
    lines = "\n".join(change if line.startswith(name + ":") else line for line in SECTION_KEYS.split("\n"))
    error = refused(with_front_matter(lines))
    assert key in error.message and message in error.message, error.message
    assert error.line == 2 + SECTION_KEYS.split("\n").index(next(l for l in SECTION_KEYS.split("\n") if l.startswith(name)))


@pytest.mark.parametrize(
    "text, message",
    [
        ("No front matter at all.\n", "must begin with front matter"),
        ("template: redirect.html\ntitle: x\n\nMultiMarkdown metadata.\n", "must begin with front matter"),
        ('---\ntitle: "unclosed\n---\n\nWords.\n', "cannot be read"),
        ("---\ntitle: x\n\nWords, and the front matter never closes.\n", "not closed"),
        ("---\n" + "a: [" * 500 + "\n---\n\nx\n", "nested more than"),
        ("---\ntitle: x\ntitle: y\n---\n\nx\n", "appears twice"),
        ("---\n" + "k: " + "x" * 6000 + "\n---\n\nx\n", "longer than"),
    ],
    ids=["none", "MultiMarkdown", "does not load", "not closed", "deep nesting", "duplicate key", "too long"],
)
def test_front_matter_that_does_not_load_stops_instead_of_becoming_text(text, message):
    assert message in refused(text, "about.md").message


def test_the_home_page_may_hide_its_sidebars_and_nothing_else():
    ok = with_front_matter('title: Home\ndescription: "The home page."\nhide:\n  - navigation\n  - toc')
    assert front_matter.check(ok, "index.md")["hide"] == ["navigation", "toc"]
    assert "hide" in refused(ok.replace("- toc", "- footer"), "index.md").message


def test_two_sections_cannot_claim_one_number():
    problems = front_matter.check_sections({"essay/02-a.md": (2, 4), "essay/02-b.md": (2, 4)})
    assert problems == [("docs/essay/02-b.md", 4, "front matter key 'section': 2 is already the section of docs/essay/02-a.md")]


def test_the_edition_uses_mkdocs_own_front_matter_pattern():
    """Names the MkDocs internal the schema check mirrors (mkdocs.utils.meta.YAML_RE); the build cross-checks too."""
    from mkdocs.utils import meta

    assert meta.YAML_RE.pattern == front_matter.YAML_RE.pattern and meta.YAML_RE.flags == front_matter.YAML_RE.flags


def test_every_page_of_the_edition_passes_its_schema():
    for path in sorted((ROOT / "docs").rglob("*.md")):
        front_matter.check(path.read_text(encoding="utf-8"), path.relative_to(ROOT / "docs").as_posix())


yaml_keys = st.sampled_from(["title", "description", "section", "part", "heading", "template", "icon", "hide",
                             "search", "compose", "x", "on", "<b>", "Title"])  # fmt: skip
yaml_scalars = st.one_of(st.text(max_size=40), st.integers(-5, 120), st.booleans(), st.none(), st.floats(allow_nan=False))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(yaml_keys, inner, max_size=3), max_leaves=8)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(yaml_keys, yaml_values, max_size=7), st.sampled_from([SECTION, "about.md", "index.md"]))
def test_any_generated_front_matter_is_accepted_as_plain_text_or_refused_with_a_line(data, uri):
    """Property: the schema check never fails otherwise than with a SourceError naming a line;
    what it accepts holds only allowed keys, and titles and descriptions without markup."""
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n\nWords.\n"
    try:
        meta = front_matter.check(text, uri)
    except SourceError as error:
        assert error.line >= 1 and error.message
        return
    allowed = set(front_matter.kind_of(uri).model_fields)
    assert set(meta) <= allowed
    for key in ("title", "description", "part"):
        if key in meta:
            assert isinstance(meta[key], str) and not set(meta[key]) & set('<>&"`{}[]')


@settings(max_examples=examples(200), deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_as_front_matter_never_raises_anything_but_a_message(raw):
    try:
        front_matter.check("---\n" + raw + "\n---\n\nWords.\n", "about.md")
    except SourceError as error:
        assert error.line >= 1


def test_a_redirect_page_stops_a_build_that_is_not_strict(project):
    """The redirect template is never available to a page: Material would send readers elsewhere."""
    replace(project, "docs/about.md", "title: About this edition", "title: About this edition\ntemplate: redirect.html")
    result = build_in_process(project, strict=False)
    assert not result.ok and not (project / "site/about/index.html").exists()
    assert "docs/about.md:3: front matter key 'template' is not allowed" in result.log, result.log


# 2. The finished page: the whole page, after Material's template, against an allowlist.



@pytest.fixture(scope="module")
def md():
    return site_markdown()


@pytest.mark.parametrize("payload, problem", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_the_page_check_finds_hostile_markup(md, payload, problem):
    """Every variant, through the site's own Markdown extensions, as the page check sees it inside an article."""
    md.reset()
    rendered = md.convert(payload)
    with timed(2):
        found = content_guard.check_content(rendered)
    assert found, f"{payload!r} passed as {rendered!r}"
    assert any(problem in p.text for p in found), [p.text for p in found]


HARMLESS = [
    '<a href="https://example.org/">a link out</a>',
    "[write to us](mailto:editors@example.org)",
    "[call the hotline](tel:+4611111)",
    '<img src="../assets/figure.png" alt="A figure in docs/">',
    "<https://example.org/>",
    "Words with on=1 and onward = 2 in them, and a < b > c & d.",
    '<p title="turn on the light">x</p>',
    "!!! note \"Editors' note\"\n    Words of the editors.",
    "??? note \"More\"\n    Hidden words.",
    "Words[^1].\n\n[^1]: A hand-written note.",
    "## A heading { #an-id .a-class }",
    "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "```python\nprint('<script>')\n```",
    "Term\n:   Its definition.",
    "<!-- a comment -->",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_markup_is_not_flagged(md, text):
    md.reset()
    assert [p.text for p in content_guard.check_content(md.convert(text))] == []


def test_every_page_the_build_wrote_was_judged_as_written(build):
    """The finishing step judged every HTML file of the site, 404 included, after every other step:
    its stamp names each with the digest of the very bytes written (the tripwire checks it too)."""
    import json

    stamp = json.loads((build.site / "edition-stamp.json").read_text(encoding="utf-8"))
    written = {p.relative_to(build.site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in build.pages()}
    assert "404.html" in written and len(written) > 20
    assert stamp["pages"] == written


def test_a_page_whose_head_or_chrome_was_tampered_with_is_refused(build):
    """What Material's template writes is judged too: head, navigation, title; the untampered page passes."""
    from edition.finish import html as html5
    from edition.project import Project

    html = build.html("about/index.html")
    pages = build.pages()
    depths = {"/".join([".."] * (len(p.relative_to(build.site).parts) - 1)) or "." for p in pages}
    policy = content_security_policy.theme_policy(Project.load(ROOT / "mkdocs.yml", environ={}), depths, offline=False)
    assert content_guard.judge(html5.parse(html), policy) == []
    tampered = {
        "a stylesheet from another host in the head": html.replace("</head>", '<link rel="stylesheet" href="https://t.example/x.css"></head>'),
        "a refresh to another host": html.replace("</head>", '<meta http-equiv="refresh" content="0;url=https://t.example/"></head>'),
        "a script in the navigation": html.replace('<ul class="md-nav__list"', '<script>alert(1)</script><ul class="md-nav__list"', 1),
        "a script the theme never writes": html.replace("</body>", "<script>alert(document.cookie)</script></body>"),
        "a title that closes itself": html.replace("<title>", "<title>x</title><script>alert(1)</script><title>", 1),
        "a tracking pixel in the footer": html.replace("</footer>", '<img src="https://t.example/p.gif"></footer>'),
        "JSON data holding markup": html.replace('"@context"', '"x": "</script><script>alert(1)</script>", "@context"'),
    }  # fmt: skip
    for name, page in tampered.items():
        assert content_guard.judge(html5.parse(page), policy), name


# What the templates can write but this configuration never renders, and why; the test
# checks that the switch stays off, so turning it on fails here first.
NOT_RENDERED = {
    ("base.html", "style"): "theme.font is false: no Google Fonts, no inline style",
    ("base.html", "link crossorigin"): "theme.font is false: no preconnect",
    ("partials/search.html", "a data-clipboard"): "search.share is off",
    ("partials/search.html", "a data-clipboard-text"): "search.share is off",
}


def test_the_allowlist_covers_what_materials_templates_write(config):
    """Names the templates the allowlist was derived from: an upgrade that writes a new element or attribute fails here first."""
    import material

    templates = Path(material.__file__).parent / "templates"
    assert config["theme"]["font"] is False and "search.share" not in config["theme"]["features"]
    used = ["base.html", "main.html", "partials/header.html", "partials/nav.html", "partials/nav-item.html",
            "partials/toc.html", "partials/toc-item.html", "partials/search.html", "partials/palette.html",
            "partials/content.html", "partials/actions.html", "partials/footer.html", "partials/copyright.html",
            "partials/top.html", "partials/logo.html"]  # fmt: skip
    missing = []
    for name in used:
        text = re.sub(r"\{[{%#].*?[}%#]\}", " ", (templates / name).read_text(encoding="utf-8"), flags=re.DOTALL)
        for tag, attrs in re.findall(r"<([a-z][a-z0-9]*)\b([^<>]*)>", text):
            if tag not in content_guard.ELEMENTS:
                missing += [] if (name, tag) in NOT_RENDERED else [f"{name}: <{tag}>"]
                continue
            for attribute in re.findall(r"\s([a-zA-Z][\w:-]*)(?==|\s|$)", re.sub(r'"[^"]*"', '""', attrs)):
                if attribute not in content_guard.ELEMENTS[tag] | content_guard.GLOBAL and (name, f"{tag} {attribute}") not in NOT_RENDERED:
                    missing.append(f"{name}: <{tag} {attribute}>")
    assert missing == []


# 3. The policy knows its scripts: computed from the templates, never from the page.


def csp(html: str) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)


def test_every_page_and_the_404_carry_one_policy_from_the_templates(build):
    policies = {csp(page.read_text(encoding="utf-8")) for page in build.pages() if "assets" not in page.parts}
    assert len(policies) == 1, "one policy for every page, 404 included: nothing in it comes from a page"
    policy = policies.pop()
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert csp(build.html("404.html")) == policy


def test_the_policy_is_the_templates_whatever_a_page_contains(build):
    """The policy is computed from the theme's templates and the pages' depths alone: the build's
    pages carry exactly it, and a script a page adds is never in it."""
    from edition.project import Project

    pages = build.pages()
    depths = {"/".join([".."] * (len(p.relative_to(build.site).parts) - 1)) or "." for p in pages}
    policy = content_security_policy.theme_policy(Project.load(ROOT / "mkdocs.yml", environ={}), depths, offline=False)
    assert {csp(p.read_text(encoding="utf-8")) for p in pages} == {policy.text()}
    assert content_security_policy.sha256("alert(1)") not in policy.text()


SHIM = content_security_policy.OVERRIDES / "assets" / "javascripts" / "iframe-worker" / "shim.js"


def test_the_offline_shims_frame_script_is_computed_from_the_shipped_shim():
    readme = (SHIM.parent / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(SHIM.read_bytes()).hexdigest() in readme, "the shim changed: recheck"
    script = content_security_policy.shim_frame_script(SHIM.read_text(encoding="utf-8"), "../w.js")
    assert script.startswith("postMessage=function c(") and 'filename:"../w.js"' in script


def test_live_reload_injection_is_the_mkdocs_internal_the_policy_wraps():
    """Names LiveReloadServer._inject_js_into_html (an internal): fails first if MkDocs changes it."""
    from mkdocs.livereload import LiveReloadServer

    page = b'<html><head><meta content="script-src \'self\' x"></head><body>x</body></html>'
    injected = LiveReloadServer._inject_js_into_html(None, page, 1)
    with_hash = content_security_policy.add_injected_script_hash(page, injected)
    script = re.search(rb"<script>(.*)</script></body>", with_hash, re.DOTALL).group(1).decode()
    assert content_security_policy.sha256(script).encode() in with_hash


def visit(browser, url: str, *, wait: float = 0.5):
    """Open a page; record dialogs, requests to other hosts, navigations and console messages."""
    context = browser.new_context()
    page = context.new_page()
    seen = {"dialogs": [], "elsewhere": [], "console": [], "navigations": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["console"].append(m.text))
    page.on("framenavigated", lambda f: seen["navigations"].append(f.url))

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "file://")):
            r.continue_()
        else:
            seen["elsewhere"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.wait_for_timeout(wait * 1000)
    text = page.inner_text("body")
    context.close()
    return seen, text


def test_a_script_that_slipped_past_every_check_is_still_refused_by_the_browser(build, chromium, tmp_path):
    """The second wall: scripts written into a finished page after the build do not run."""
    import shutil

    from scripts.browser import serve

    site = tmp_path / "site"
    shutil.copytree(build.site, site)
    page = site / "about/index.html"
    html = page.read_text(encoding="utf-8")
    payloads = ['<script>alert("inline")</script>', '<img src=x onerror="alert(\'handler\')">',
                '<script>fetch("https://t.example/track")</script>', '<a id="go" href="javascript:alert(1)">x</a>']  # fmt: skip
    page.write_text(html.replace("</article>", "".join(payloads) + "</article>"), encoding="utf-8")
    with serve(site) as base:
        seen, _ = visit(chromium, base + "about/")
    assert seen["dialogs"] == [] and seen["elsewhere"] == []
    assert any("Content Security Policy" in line for line in seen["console"]), seen["console"]


# 4. Files: only pages, the images used and the stylesheet are published from docs/.

STYLESHEETS = {"assets/stylesheets/edition.css"}


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("assets/page.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>', "publishes from docs/ only"),
        ("assets/page.html", b"<script>alert(1)</script>", "publishes from docs/ only"),
        ("assets/tracker.js", b"fetch('https://t.example/')", "publishes from docs/ only"),
        ("data/figures.yml", b"a: 1", "data belongs in data/"),
        ("assets/x.json", b"{}", "publishes from docs/ only"),
        ("assets/images/logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script> is not allowed"),
        ("assets/images/logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
        ("assets/images/logo.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>', "DOCTYPE"),
        ("assets/images/logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://t.example/#p)"/></svg>', "not a colour"),
        ("assets/images/logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', "not allowed"),
        ("assets/images/photo.png", b"<html><script>alert(1)</script></html>", "is not a PNG image"),
        ("assets/stylesheets/more.css", b"a { color: red }", "does not name"),
        ("assets/stylesheets/edition.css", b"@import url(https://t.example/x.css);", "@import"),
        ("assets/stylesheets/edition.css", b"a { background: \\75 rl(https://t.example/p.gif) }", "url()"),
        ("assets/stylesheets/edition.css", b'a { content: "/*" } b { background: url(//t.example/p) } /* "*/', "url()"),
        ("assets/stylesheets/edition.css", b"a { background: image-set('https://t.example/a.png' 1x) }", "image-set"),
        ("assets/stylesheets/edition.css", b"a { behavior: url(x.htc); width: expression(alert(1)) }", "expression"),
    ],
    ids=["xhtml", "html", "script", "data file", "json", "svg script", "svg handler", "svg entities",
         "svg fill url", "svg foreignObject", "png that is html", "unlisted css", "css import", "css escape",
         "css string-quoted comment markers", "css image-set", "css expression"],
)  # fmt: skip
def test_files_under_docs_are_allowed_by_kind_and_checked(name, content, message):
    with timed(2):
        problem = source_guard.check_asset(name, content, STYLESHEETS)
    assert problem and message in problem, problem


def test_the_editions_own_files_pass():
    for path in sorted((ROOT / "docs").rglob("*")):
        if path.is_file() and path.suffix != ".md":
            uri = path.relative_to(ROOT / "docs").as_posix()
            assert source_guard.check_asset(uri, path.read_bytes(), STYLESHEETS) is None, uri


# 5. Includes: only from includes/ and CONTRIBUTING.md; workflows pinned, without persisted credentials.


OUTSIDE_SNIPPETS = {
    "git config": ('--8<-- ".git/config"', 0),
    "up a folder": ('--8<-- "../.git/config"', 0),
    "workflow": ('--8<-- ".github/workflows/deploy.yml"', 0),
    "absolute": ('--8<-- "/etc/passwd"', 0),
    "up from includes": ('--8<-- "includes/../mkdocs.yml"', 0),
    "single quotes": ("--8<-- '../references.bib'", 0),
    "missing": ('--8<-- "nope.md"', 0),
    "block form": ("--8<--\n.git/config\n--8<--", 1),
    "inside a fenced code sample": ('```text\n--8<-- ".git/config"\n```', 1),
    "indented": ('    --8<-- ".github/workflows/deploy.yml"', 0),
    "an address": ('--8<-- "https://t.example/x.md"', 0),
    "a line range of a secret": ('--8<-- ".git/config:1:3"', 0),
}


@pytest.mark.parametrize("snippet, offset", OUTSIDE_SNIPPETS.values(), ids=OUTSIDE_SNIPPETS.keys())
def checked_sources():
    """A project's sources with only its includes read: what a page's snippets are checked against."""
    from edition.project import Project

    sources = source_guard.Sources(Project.load(ROOT / "mkdocs.yml", environ={}))
    sources.includes = {name: files.read_text(ROOT, name, "include") for name in source_guard.include_files(ROOT)}
    return sources


@pytest.mark.parametrize("snippet, offset", OUTSIDE_SNIPPETS.values(), ids=OUTSIDE_SNIPPETS.keys())
def test_a_snippet_outside_the_includes_names_page_and_line(snippet, offset):
    """Snippets run before code fences: a snippet line in a code sample is read too, so it is checked too."""
    text = ABOUT_TEXT + "\n" + snippet + "\n"
    with timed(2):
        with pytest.raises((Refusal, Refusals)) as caught:
            source_guard.check_page(text, "about.md", checked_sources())
    assert f"docs/about.md:{len(ABOUT_TEXT.splitlines()) + 2 + offset}:" in str(caught.value)
    assert "is not an include" in str(caught.value) or "a form the edition does not compose" in str(caught.value)


@pytest.mark.parametrize("snippet", ['--8<-- "abbreviations.md"', '--8<-- "CONTRIBUTING.md"', ';--8<-- ".git/config"'])
def test_the_includes_are_allowed(snippet):
    page = source_guard.check_page(ABOUT_TEXT + "\n" + snippet + "\n", "about.md", checked_sources())
    assert page.includes in ((), ("includes/abbreviations.md",), ("CONTRIBUTING.md",))


def test_snippets_are_configured_from_the_includes_only(config):
    options = next(e["pymdownx.snippets"] for e in config["markdown_extensions"] if isinstance(e, dict) and "pymdownx.snippets" in e)
    assert options["base_path"] == ["includes", "CONTRIBUTING.md"] and options["restrict_base_path"] is True


def test_the_snippet_grammar_is_the_extensions_own():
    """Names the pymdownx internal the check reads (SnippetPreprocessor.RE_ALL_SNIPPETS)."""
    from pymdownx.snippets import SnippetPreprocessor

    assert source_guard._snippet_pattern() is SnippetPreprocessor.RE_ALL_SNIPPETS
    assert SnippetPreprocessor.RE_ALL_SNIPPETS.match('--8<-- "x.md"').group("snippet") == '"x.md"'


WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_and_no_checkout_keeps_its_token(workflow):
    text = workflow.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), f"{action}: the version in a comment"
    steps = [step for job in yaml.safe_load(text)["jobs"].values() for step in job.get("steps", [])]
    for step in steps:
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, workflow.name


def test_zizmor_finds_nothing_in_the_workflows():
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", str(ROOT / ".github/workflows")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# 6. The bibliography check reads exactly what pybtex reads.


def bib_entry(key="Wester2010test", kind="misc", **fields) -> str:
    fields = {"title": "{A Title}", "year": "2010", **fields}
    return f"\n@{kind}{{{key},\n" + ",\n".join(f"  {n} = {v}" for n, v in fields.items()) + ",\n}\n"


HOSTILE_BIBS = {
    "an entry inside @comment with a script address": (
        "@comment{\n" + bib_entry(url="{javascript:alert(1)}") + "}\n", "not a plain http(s) address"),
    "an unescaped % inside @comment": ("@comment{" + bib_entry(title="{Half 50% of cases}") + "}", "unescaped %"),
    "a @string bomb inside @comment": (
        "@comment{\n" + "".join(f"@string{{m{i} = m{i - 1} # m{i - 1}}}\n" for i in range(1, 40)).replace(
            "m0 # m0", '"aaaaaaaaaa" # "a"') + "}\n", "would expand to"),
    "an @ in a % comment line": ("% write to editors@example.org\n", "starts no entry"),
    "a key that differs only in case inside @comment": ("@comment{" + bib_entry(key="IOM2010Counter") + "}", "differ only in case"),
    "a brace escaped as TeX would, which BibTeX does not": (bib_entry(title="{A \\} B}") , "expected"),
    "a macro used before its @string": (bib_entry(title="later") + '@string{later = "x"}', "which no @string before it defines"),
    "markup in a title": (bib_entry(title="{<img src=x onerror=alert(1)>}"), "HTML markup"),
}  # fmt: skip


@pytest.mark.parametrize("addition, message", HOSTILE_BIBS.values(), ids=HOSTILE_BIBS.keys())
def test_the_bib_check_reads_what_pybtex_reads(addition, message):
    with timed(2):
        problems = [str(p) for p in bibliography_check.check_text(BIB + "\n" + addition)]
    assert any(message in p for p in problems), problems
    assert all(re.match(r"references\.bib:\d+: .*\(source guard\)$", p) for p in problems), problems


def test_a_bib_file_that_is_not_utf8_names_the_line(tmp_path):
    (tmp_path / "references.bib").write_bytes(BIB.encode() + b"\n@misc{Wester2010test, title = {Ol\xe9}}\n")
    with pytest.raises(Refusal) as caught:
        files.read_text(tmp_path, "references.bib", "bibliography")
    assert str(caught.value) == (f"references.bib:{len(BIB.splitlines()) + 2}: byte 0xe9 is not UTF-8: save the file "
                                 "as UTF-8 (the edition's only encoding) (source guard)")


def pybtex_reads(text: str):
    from pybtex.database.input.bibtex import Parser
    from pybtex.errors import set_strict_mode
    from pybtex.textutils import normalize_whitespace

    set_strict_mode(True)
    data = Parser(person_fields=[]).parse_string(text)
    return [(key, {name.lower(): normalize_whitespace(value) for name, value in entry.fields.items()})
            for key, entry in data.entries.items()]  # fmt: skip


def check_reads(text: str):
    from pybtex.textutils import normalize_whitespace

    entries, _, _ = bibliography_check.scan_text(text)
    return [(e.key, {n: normalize_whitespace(bibliography_check.expand(p)) for n, p in e.fields.items()}) for e in entries]


names = st.sampled_from(["A2010a", "B2010b", "a2010A", "C2010c"])
field_names = st.sampled_from(["title", "Title", "year", "note", "url", "author"])
texts = st.text(alphabet=st.sampled_from(list("ab {}\"@%\\#,=\n")), max_size=12)
value_part = st.one_of(
    texts.map(lambda t: "{" + t + "}"), texts.map(lambda t: '"' + t + '"'),
    st.sampled_from(["2010", "jan", "m", "n", "undefined"]),
)  # fmt: skip
values = st.lists(value_part, min_size=1, max_size=3).map(" # ".join)
fields = st.lists(st.tuples(field_names, values), max_size=4).map(lambda fs: ",\n ".join(f"{n} = {v}" for n, v in fs))
entries = st.tuples(st.sampled_from(["misc", "article", "comment", "Misc"]), names, fields, st.sampled_from(["", ","])).map(
    lambda e: f"@{e[0]}{{{e[1]},\n {e[2]}{e[3]}\n}}\n")
macros = st.tuples(st.sampled_from(["m", "n", "M"]), values).map(lambda m: f"@string{{{m[0]} = {m[1]}}}\n")
junk = st.sampled_from(["", "% a comment line\n", "@comment{", "}", "text between\n", "@preamble{\"p\"}\n", "\n\n"])
bib_files = st.lists(st.one_of(entries, macros, junk), max_size=8).map("".join)


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bib_files)
def test_the_bib_check_and_pybtex_agree_on_generated_files(text):
    """Property: on any file, both refuse it, or both read the same entries with the same fields."""
    try:
        expected = pybtex_reads(text)
    except Exception:  # noqa: BLE001 - pybtex's many error types
        expected = None
    try:
        found = check_reads(text)
    except bibliography_check.BibSyntaxError:
        found = None
    assert (expected is None) == (found is None), (text, expected, found)
    assert expected == found, text


# 8. Bounded cost: linear scans, and limits before Python-Markdown and YAML see the input.

COSTLY = {
    "a page of a few MB": ("x " * 2_000_000, "larger than"),
    "unclosed brackets": (("[" * 1_000 + "\n") * 60, "[ brackets"),
    "brackets in one paragraph over many lines": (("[a " * 10 + "\n") * 10, "[ brackets"),
    "unclosed start tags": (("<a " * 100 + "\n\n") * 200, "before a letter"),
    "deep block quotes": ("> " * 50 + "x", "nested more than"),
    "deep lists": "".join("    " * i + "- x\n" for i in range(40)),
    "a long line": ("a" * 50_000, "longer than"),
    "many abbreviations": ("".join(f"*[W{i}]: w\n\n" for i in range(1_000)), "definitions"),
    "a control character": ("Words\x1b[31m in colour", "control character"),
}
COSTLY["deep lists"] = (COSTLY["deep lists"], "indented more than")


@pytest.mark.parametrize("body, message", COSTLY.values(), ids=COSTLY.keys())
def test_costly_input_is_refused_before_markdown_sees_it(tmp_path, body, message):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/page.md").write_text(with_front_matter('title: T\ndescription: "D."', body), encoding="utf-8")
    with timed(2):
        try:
            text = files.read_text(tmp_path, "docs/page.md", "page")
            problems = [str(p) for p in source_guard.check_markdown(text, "docs/page.md", front_matter.YAML_RE.match(text).end())]
        except Refusal as refusal:
            problems = [str(refusal)]
    assert problems and message in problems[0], problems
    assert problems[0].startswith("docs/page.md") and problems[0].endswith("(source guard)")


def test_the_most_markdown_the_limits_allow_renders_within_seconds(md):
    """At the limits, the worst shapes we know of: a page of brackets and start tags, bounded."""
    paragraph = ("[" * 30 + " words " * 500)[: source_guard.LIMITS["block_chars"] - 100]
    text = ("<a " * 60) + "\n\n" + "\n\n".join([paragraph] * 15)
    text = "\n".join(text[i : i + 1000] for i in range(0, len(text), 1000))
    assert len(text) < files.KINDS["page"].max_bytes
    assert source_guard.check_markdown(text, "docs/page.md") == []
    md.reset()
    with timed(8):
        md.convert(text)


def test_a_page_of_escaped_brackets_renders_within_seconds():
    """Every escaped bracket is Python-Markdown's own (its escape pattern, before the citations):
    a page of them at the limits takes no time of the edition's (it once took 34 s)."""
    from markdown_pages import rendered

    text = ("\\[" * 30 + "]\n\n") * 100
    with timed(4):
        html = rendered({"essay/01-a.md": text})["essay/01-a.md"]
    assert html.count("[") == 3_000


@pytest.mark.parametrize(
    "text",
    ["a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")),
     "a: " + "[" * 50_000, "a: " + "{b: " * 10_000, "- " * 10_000 + "x"],
    ids=["alias bomb", "deep flow lists", "deep flow mappings", "deep block lists"],
)  # fmt: skip
def test_yaml_bombs_are_refused_quickly_and_small(text):
    import tracemalloc

    tracemalloc.start()
    with timed(3):
        with pytest.raises(SourceError):
            front_matter.load_yaml(text, max_depth=4)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 * 1024 * 1024


def test_a_bib_doubling_bomb_is_measured_not_built():
    import tracemalloc

    bomb = "".join(f"@string{{m{i} = m{i - 1} # m{i - 1}}}\n" for i in range(1, 64)).replace('m0 # m0', '"a" # "a"')
    tracemalloc.start()
    with timed(1):
        problems = [str(p) for p in bibliography_check.check_text(BIB + bomb + bib_entry(title="m63"))]
    assert tracemalloc.get_traced_memory()[1] < 50 * 1024 * 1024
    tracemalloc.stop()
    assert any("would expand to" in p for p in problems)


def test_one_string_used_in_many_entries_is_bounded_as_a_whole():
    """Each field under the per-field bound, the file's expansion over its bound: the build stops."""
    text = '@string{big = "' + "a" * 4_900 + '"}\n' + "".join(bib_entry(key=f"Wester2010x{chr(97 + i % 26)}{i}", title="big")
                                                         .replace(f"x{chr(97 + i % 26)}{i}", "x" + "abcdefghij"[i % 10] * (1 + i // 10))
                                                         for i in range(60))
    problems = [str(p) for p in bibliography_check.check_text(BIB + text)]
    assert any("expand to more than" in p and "together" in p for p in problems), problems[:3]


@pytest.mark.parametrize(
    "text",
    [BIB + "\n" + "{" * 300_000, BIB + "\n@misc{Wester2010test,\n" + "".join(f"  f{i} = {{x}},\n" for i in range(20_000)) + "}",
     BIB + "\n" + "@comment{" * 50_000, BIB + "\n" + "x = {a}\n" * 50_000],
    ids=["braces", "many fields (line numbers)", "many @comment", "no entries"],
)  # fmt: skip
def test_the_bib_check_is_linear(text):
    with timed(3):
        bibliography_check.check_text(text)


@pytest.mark.parametrize(
    "css", ["/*" * 100_000, "a{b:url(" * 50_000, '"' + "\\" * 200_000, "@media x{" * 20_000],
    ids=["unclosed comments", "unclosed url()", "escapes", "nested at-rules"],
)
def test_the_css_check_is_linear(css):
    with timed(3):
        content_guard.check_css(css)


# 9. No traceback, ever: one message naming file and line, in every mode.

EARLY_FAILURES = {
    "an unknown icon": (lambda p: replace(p, "docs/about.md", "title: About", "icon: material/nope\ntitle: About"),
                        "docs/about.md:2: front matter key 'icon'"),
    "a numeric title": (lambda p: replace(p, "docs/about.md", "title: About this edition", "title: 12"), "docs/about.md:2:"),
    "a binary value": (lambda p: replace(p, "docs/about.md", "title: About", "x: !!binary aGk=\ntitle: About"), "docs/about.md:2:"),
    "section: two": (lambda p: replace(p, "docs/" + SECTION, "section: 2", "section: two"), f"docs/{SECTION}:4:"),
    "two pages, one section": (lambda p: (p / "docs/essay/02-again.md").write_text(SECTION_TEXT), "is already the section"),
    "a missing snippet": (lambda p: append(p, "docs/about.md", '--8<-- "nope.md"'), "the snippet 'nope.md' is not an include"),
    "a snippet outside the includes": (lambda p: append(p, "docs/about.md", '--8<-- ".git/config"'), "docs/about.md:"),
    "a non-UTF-8 byte in a page": (lambda p: (p / "docs/about.md").write_bytes(ABOUT_TEXT.encode() + b"\n\xff\n"),
                                   "is not UTF-8"),
    "a non-UTF-8 byte in references.bib": (lambda p: (p / "references.bib").write_bytes(BIB.encode() + b"\xff"),
                                           "references.bib:"),
    "a YAML alias bomb in data/": (lambda p: append(p, "data/figures.yml", "a: &a [1, 1]\nb: [*a, *a]"), "data/figures.yml:"),
    "a chart value of true": (lambda p: replace(p, "data/figures.yml", "value: 63", "value: true"), "data/figures.yml:"),
    "deep nesting": (lambda p: append(p, "docs/about.md", "> " * 500 + "x"), "docs/about.md:"),
    "an XHTML file in docs/assets": (lambda p: (p / "docs/assets/x.xhtml").write_text("<html/>"), "docs/assets/x.xhtml:"),
}  # fmt: skip


@pytest.mark.parametrize("name", EARLY_FAILURES, ids=EARLY_FAILURES.keys())
def test_careless_input_stops_with_one_message_never_a_traceback(project, name):
    """Each of the kinds that were tracebacks, built with MkDocs' Python API (not strict: the guard stops anyway)."""
    change, expected = EARLY_FAILURES[name]
    change(project)
    result = build_in_process(project, strict=False)
    assert not result.ok, result.log
    from mkdocs.exceptions import Abort

    assert isinstance(result.error, Abort), f"{type(result.error).__name__}: a traceback for the contributor"
    assert expected in result.log, result.log
    assert result.seconds < 10


def test_strict_build_stops_on_hostile_markup_with_file_and_line(project):
    line = append(project, "docs/about.md", '<img src="x.png" alt="" onerror="alert(1)">')
    result = run_build(project, project / "site", strict=True)
    assert result.returncode != 0 and "Traceback" not in result.log
    assert f"docs/about.md:{line}: the event handler attribute onerror on <img> is not allowed" in result.log, result.log


def test_non_strict_build_stops_on_a_table_of_contents_breakout(project):
    line = append(project, "docs/essay/16-ecpat.md", '## Heading { id="x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" }')
    result = run_build(project, project / "site", strict=False)
    assert result.returncode != 0 and "Traceback" not in result.log
    assert re.search(rf"docs/essay/16-ecpat\.md:{line}[: ]", result.log) and "is not a plain name" in result.log, result.log


def test_offline_build_stops_on_a_snippet_of_the_git_config(project):
    line = append(project, "docs/about.md", '--8<-- ".git/config"')
    result = run_build(project, project / "site", strict=True, OFFLINE="true")
    assert result.returncode != 0 and "Traceback" not in result.log
    assert f"docs/about.md:{line}: the snippet '.git/config' is not an include" in result.log, result.log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_refuses_a_hostile_page_at_start_without_a_traceback(project):
    replace(project, "docs/about.md", "title: About this edition", "title: About this edition\ntemplate: redirect.html")
    process = subprocess.run(
        [str(MKDOCS), "serve", "--dev-addr", f"127.0.0.1:{free_port()}", "--no-livereload"],
        cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    log = process.stdout + process.stderr
    assert process.returncode != 0 and "Traceback" not in log
    assert "docs/about.md:3: front matter key 'template' is not allowed" in log, log


def test_serve_keeps_live_reload_under_the_policy_and_refuses_a_hostile_edit(project, chromium):
    """Under `mkdocs serve`: the live-reload script runs under a hash-only policy; a hostile edit is refused
    with one message, the open page keeps the last good build, and no dialog opens."""
    import threading

    from playwright.sync_api import Error

    port = free_port()
    process = subprocess.Popen(
        [str(MKDOCS), "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()

    def wait_for(text: str, seconds: float = 30) -> None:
        end = time.monotonic() + seconds
        while not any(text in line for line in lines):
            assert time.monotonic() < end and process.poll() is None, "".join(lines)
            time.sleep(0.1)

    try:
        wait_for("Serving on")
        context = chromium.new_context()
        page = context.new_page()
        console, dialogs = [], []
        page.on("console", lambda m: console.append(m.text))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"http://127.0.0.1:{port}/essay/about/")
        append(project, "docs/about.md", "A sentence written while the preview was open.")
        for _ in range(60):
            page.wait_for_timeout(250)
            try:
                if "written while the preview was open" in page.inner_text("article"):
                    break
            except Error:
                pass  # the page is reloading
        else:
            pytest.fail("live reload did not reload the page")
        assert "Enabled live reload" in console and not any("Content Security Policy" in c for c in console), console
        append(project, "docs/about.md", "<script>alert(1)</script>")
        wait_for("An error happened during the rebuild")  # MkDocs then holds requests until the page is fixed
        assert dialogs == [] and "alert(1)" not in page.content()
        context.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    log = "".join(lines)
    assert "<script> is not allowed in a page's content" in log and "docs/about.md:" in log, log
    assert "Traceback" not in log, log


# Found by a hostile review after the merge


@pytest.mark.parametrize(
    "html",
    ['<div id="__config">{"base": "https://evil.example/"}</div>', '<p data-md-component="search">x</p>',
     '<p class="md-header">x</p>', '<div id="__search">x</div>'],
)  # fmt: skip
def test_a_page_cannot_take_the_themes_names_inside_the_article(html):
    """Material reads its settings from the first #__config: a page's would hand it another host."""
    problems = [p.text for p in content_guard.check_content(html)]
    assert problems and all("the theme's, not a page's" in p for p in problems), problems


def test_a_page_saved_with_windows_line_endings_is_named_with_the_fix(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/page.md").write_bytes(b'---\r\ntitle: "T"\r\n---\r\n\r\nText.\r\n')
    with pytest.raises(Refusal) as error:
        files.read_text(tmp_path, "docs/page.md", "page")
    assert error.value.problem.line == 1 and "save it with LF line endings" in error.value.problem.message


def test_invisible_control_characters_in_references_bib_are_named():
    text = (ROOT / "references.bib").read_text(encoding="utf-8").replace("title", "ti\x02tle", 1)
    [problem] = bibliography_check.check_text(text)
    assert "U+0002" in problem.message and problem.file == "references.bib" and problem.line


# A second hostile review: ways around the first fixes


@pytest.mark.parametrize(
    "content",
    ['<div>x</div>\n</article><div id="__config">{"base": "https://evil.example"}</div>',
     'Words </article><span class="md-header" data-md-component="header">x</span>',
     "<p>x</p></main>", "<p>x</div>"],
)  # fmt: skip
def test_a_pages_content_cannot_close_the_themes_frame(content):
    problems = content_guard.check_fragment(content)
    assert problems and all("closes what the page's content did not open" in text for text, _ in problems)


@pytest.mark.parametrize("heading", ["## Words </article><div>x</div>", "# Title </main>"])
def test_a_headings_end_tag_is_judged_with_its_page(heading):
    """The stray end tag in a heading is refused once the page is whole (the table of contents
    and the title see the heading first, before the page is finished), with its line."""
    import markdown_pages

    with pytest.raises((Refusal, Refusals)) as error:
        markdown_pages.rendered({"about.md": f"Intro.\n\n{heading}\n\nText.\n"})
    problems = [error.value.problem] if isinstance(error.value, Refusal) else error.value.problems
    assert any("closes what the page's content did not open" in p.message and p.file == "docs/about.md"
               and p.line == 8 for p in problems), problems


def test_the_content_markdown_writes_is_balanced():
    """No false alarm: every page of the edition, converted as the site converts it, closes only what it opens."""
    md = site_markdown()
    for path in sorted((ROOT / "docs").rglob("*.md")):
        body = front_matter.split(path.read_text(encoding="utf-8")).body
        assert content_guard.check_fragment(md.reset().convert(body)) == [], path


def test_only_materials_settings_script_may_be_called_config():
    problems = [p.text for p in content_guard.check_page(
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<div id="__config">{}</div></body></html>')]  # fmt: skip
    assert any("__config" in text for text in problems), problems


@pytest.mark.parametrize("char", ["\u009b", "\u200b", "\u200f", "\u061c", "\U000e0041", "\u2028", "\u0085", "\ue000"])
def test_every_invisible_character_is_named_in_pages_and_references(tmp_path, char):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/page.md").write_text(f'---\ntitle: "T"\n---\n\nCall now{char} today.\n', encoding="utf-8")
    with pytest.raises(Refusal) as error:
        files.read_text(tmp_path, "docs/page.md", "page")
    assert error.value.problem.line == 5 and f"U+{ord(char):04X}" in error.value.problem.message
    [problem] = bibliography_check.check_text(BIB.replace("title", f"ti{char}tle", 1))
    assert f"U+{ord(char):04X}" in problem.message


# Share cards' cache (edition/metadata/cards.py): .cache/ is ignored by git, not by a pull
# request, which may commit a file (or a link) under the name of a page's card.


def plant_cards(project: Path, plants: dict[str, object], planted: list[Path]):
    """Before the build: the cache holds the project's good cards and, under the digest of each
    title's card, what `make(path)` puts there (`planted` gets each path)."""
    from edition.metadata import cards as social_cards

    cards = project / ".cache/social-cards"
    own = cards.resolve()
    cards.unlink()  # the project fixture links the project's own cache: never poison it
    cards.mkdir()
    for card in own.glob("*.png") if own.is_dir() else ():
        shutil.copyfile(card, cards / card.name)  # drawn again only where a plant sits

    def prepare(config):
        for title, make in plants.items():
            path = social_cards.cached_card(cards, title, config.site_name, config.site_author)
            path.unlink(missing_ok=True)
            make(path)
            planted.append(path)

    return prepare


@pytest.fixture(scope="module")
def planted_cards(pristine, tmp_path_factory):
    """A fork built with two cards planted in its cache (once per worker that runs these tests):
    a link to a file outside the project (about.md's card) and a script saved under a card's
    name (glossary.md's)."""
    project = tmp_path_factory.mktemp("cards") / "project"
    shutil.copytree(pristine, project, symlinks=True)
    secret = project.parent / "credentials"
    secret.write_text("AUTHORIZATION: basic SECRET-TOKEN\n")
    planted: list[Path] = []
    prepare = plant_cards(
        project,
        {
            "About this edition": lambda path: path.symlink_to(secret),
            "Abbreviations": lambda path: path.write_bytes(b"<script>alert(1)</script>"),
        },
        planted,
    )
    result = build_in_process(project, strict=True, prepare=prepare)
    assert result.ok, result.log
    # The build looked each plant up and drew over it: were a plant not where the hook looks,
    # it would lie unread and the good card copied beside it would pass for a defence.
    assert len(planted) == 2
    for path in planted:
        assert not path.is_symlink() and path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), path
    return project / "site/assets/images/social"


def test_a_card_in_the_cache_linking_outside_the_project_is_never_published(planted_cards):
    card = planted_cards / "about.png"
    assert card.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and b"SECRET-TOKEN" not in card.read_bytes()


def test_a_card_in_the_cache_that_is_not_a_png_is_never_published(planted_cards):
    card = planted_cards / "glossary.png"
    assert card.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and b"<script>" not in card.read_bytes()


def test_no_file_under_the_cache_folder_is_part_of_the_project():
    """.gitignore keeps .cache/ out of a contributor's commits, not out of a pull request, which may
    add a file or a link there on purpose (a card, or the cards' folder itself as a link): the
    project's tree holds nothing under .cache/, so such a pull request fails here."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--", ".cache"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == [], tracked
