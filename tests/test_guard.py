"""Nothing a pull request adds can run code or track a reader, and careless input fails clearly.

Each test copies the project into a temporary folder, makes one change a
contributor could make, builds it, and checks that the build stops (also
without --strict), that the message names the file and the problem, that no
Python traceback is printed, and, where words are merely kept safe, that they
are still on the page.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import KEEP_THE_VENV, MKDOCS, ROOT, STALE_PAGE
from reading import without_abbreviations
from red_team_support import append as _append
from red_team_support import HOSTILE_MARKDOWN, build_in_process

from edition.guard import bibliography
from edition.guard.content import check_content, check_css


def check_text(text: str) -> list[str]:
    """The bibliography check's problems, as the build prints them."""
    return [str(problem) for problem in bibliography.check_text(text)]

ABOUT = "docs/about.md"
SECTION = "docs/essay/14-opsc.md"
ABOUT_LINES = len((ROOT / ABOUT).read_text(encoding="utf-8").splitlines())
PAYLOAD_LINE = ABOUT_LINES + 2  # appended after a blank line


def append(project: Path, path: str, text: str) -> None:
    _append(project, path, text)


def replace(project: Path, path: str, old: str, new: str) -> None:
    file = project / path
    content = file.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not in {path}"
    file.write_text(content.replace(old, new, 1), encoding="utf-8")


def fails_clearly(project: Path, *expected: str, strict: bool = True) -> str:
    """MkDocs' Python API on the copy: the build stops with one message (an Abort), never another exception."""
    from mkdocs.exceptions import Abort

    result = build_in_process(project, strict=strict)
    assert not result.ok, f"the build passed:\n{result.log}"
    assert isinstance(result.error, Abort), f"{type(result.error).__name__}: {result.error}"
    for text in expected:
        assert text in result.log, f"{text!r} not in:\n{result.log}"
    return result.log


# Raw HTML, attr_list and addresses: anything that runs code or loads from elsewhere.



# One real build for the routes into the page (raw HTML, SVG, attr_list, links, images, style);
# every variant of HOSTILE_MARKDOWN is checked against the site's Markdown output in
# tests/test_red_team.py without a build.
BUILT_HOSTILE = [
    "script",
    "embed",
    "form",
    "script inside SVG",
    "onerror on an image",
    "attr_list on a heading",
    "entity-encoded javascript:",
    "image from another host",
    "CSS url() in attr_list style",
]


def test_every_route_into_a_page_is_found_in_a_real_build_and_named_by_file_and_line(project):
    """One build of the real pipeline, each route on a page of its own (raw HTML, SVG, attr_list, links,
    images, style), an essay section and an included file: every one found, at its file and line."""
    expected = []
    nav = []
    for number, name in enumerate(BUILT_HOSTILE):
        payload, problem = HOSTILE_MARKDOWN[name]
        page = project / f"docs/route-{number}.md"
        page.write_text(f'---\ntitle: "Route {number}"\ndescription: "A route."\n---\n\nWords.\n\n{payload}\n', encoding="utf-8")
        nav.append(f"  - route-{number}.md")
        # The line named is the payload's (its last line, where attr_list puts the attribute).
        expected.append((f"docs/route-{number}.md:{8 + payload.count(chr(10))}:", problem))
    append(project, "docs/essay/16-ecpat.md", '<img src="x.png" alt="" onload="alert(1)">')
    expected.append(("docs/essay/16-ecpat.md:20", "event handler attribute onload"))
    append(project, "mkdocs.yml", "\n".join(nav))  # the new pages in the navigation, as a contributor adds them
    contributing_line = len((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").splitlines()) + 2
    append(project, "CONTRIBUTING.md", "<iframe src=https://example.org></iframe>")
    expected.append((f"CONTRIBUTING.md:{contributing_line}:", "<iframe> is not allowed (shown on docs/contributing.md)"))
    result = build_in_process(project, strict=False)
    assert not result.ok
    found = result.log.splitlines()
    for where, problem in expected:
        assert any(where in message and problem in message for message in found), f"{where} {problem}:\n{result.log}"


@pytest.mark.parametrize("name", ["script", "javascript: link"])
def test_hostile_markdown_stops_a_build_that_is_not_strict(project, name):
    """A log warning would not stop a non-strict build or `mkdocs serve`: the guard aborts."""
    payload, problem = HOSTILE_MARKDOWN[name]
    append(project, ABOUT, payload)
    fails_clearly(project, "docs/about.md", problem, strict=False)


def test_front_matter_cannot_break_out_of_the_page_head(project):
    """Material writes the description into <meta content="..."> unescaped: plain text only."""
    replace(project, ABOUT, "description: Who wrote", 'description: \'"><script>alert(1)</script>\'\nsummary: Who wrote')
    fails_clearly(project, "docs/about.md:3: front matter key 'description'", "contains '\"'", strict=False)


@pytest.mark.parametrize(
    "path, content, problem",
    [
        ("docs/assets/tracker.js", "fetch('https://t.example/')", "publishes from docs/ only"),
        ("docs/assets/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        ("docs/assets/stylesheets/edition.css", "@import url(https://t.example/x.css);", "@import"),
    ],
    ids=["script file", "SVG with a script", "CSS loading from another host"],
)
def test_static_files_cannot_run_code_or_load_from_elsewhere(project, path, content, problem):
    file = project / path
    file.write_text((file.read_text(encoding="utf-8") if file.exists() else "") + "\n" + content + "\n")
    fails_clearly(project, f"docs/{path.removeprefix('docs/')}", problem)


@pytest.mark.parametrize(
    "css",
    [
        "a { background: url(https://t.example/p.gif) }",
        "a { background: url('//t.example/p.gif') }",
        "a { background: \\75 rl(https://t.example/p.gif) }",
        "a { background: u/**/rl(x) url(\"data:image/png;base64,AAAA\") }",
        "a { width: expression(alert(1)) }",
    ],
)
def test_css_variants_are_found(css):
    assert check_css(css)


def test_the_sites_own_markup_is_allowed(build):
    """Footnotes, admonitions, headings with ids and classes, links out, the theme's chrome and scripts:
    the guard, with the build's own policy, finds nothing on any real page, as written; and it would
    find a script added to any of them (the check is not blind)."""
    from edition.finish import html
    from edition.guard import content, policy
    from edition.project import Project

    project = Project.load(ROOT / "mkdocs.yml", environ={})
    pages = build.pages()
    depths = {"/".join([".."] * (len(p.relative_to(build.site).parts) - 1)) or "." for p in pages}
    known = policy.theme_policy(project, depths, offline=False)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert content.judge(html.parse(text), known) == [], page
        tampered = text.replace("</article>", "<script>alert(1)</script></article>", 1)
        assert any("<script>" in p.text for p in content.judge(html.parse(tampered), known)), page


# References: the bibliography is checked before mkdocs-bibtex reads it.


def bib_entry(key="Wester2010test", kind="misc", **fields) -> str:
    fields = {"title": "{A Title}", "year": "2010", **fields}
    fields.setdefault("author", "{Wester, Johanna}")  # last, so that the other fields keep their lines
    body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return f"\n@{kind}{{{key},\n{body},\n}}\n"


BIB_LINES = len((ROOT / "references.bib").read_text(encoding="utf-8").splitlines())


def bib_line(text: str) -> int:
    """The line of references.bib where `text` begins."""
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    return bib.count("\n", 0, bib.index(text)) + 1


@pytest.mark.parametrize(
    "url",
    [
        "{javascript:alert(1)}",
        "{JavaScript:alert(1)}",
        "{ javascript:alert(1)}",
        "{jav&#x61;script:alert(1)}",
        "{data:text/html,<script>alert(1)</script>}",
        "{vbscript:msgbox(1)}",
        "{https://example.org/a)<img src=x onerror=alert(1)>}",
        '{https://example.org/"onmouseover="alert(1)}',
        "{https://example.org/a b}",
        "{//example.org/}",
    ],
)
def test_a_bib_address_must_be_a_plain_web_address(url):
    problems = check_text(bib_entry(url=url))
    assert any("Wester2010test, field url" in p and "not a plain http(s) address" in p for p in problems), problems


@pytest.mark.parametrize("name", ["archived", "current"])
def test_archived_and_current_addresses_are_checked_too(name):
    assert check_text(bib_entry(**{name: "{javascript:alert(1)}"}))


@pytest.mark.parametrize("name", ["url", "archived", "current"])
@pytest.mark.parametrize("escaped", ["\\%28", "\\_", "\\&"])
def test_an_address_is_written_as_it_is_with_no_tex_escape(name, escaped):
    """biber turns \\%28 into %5C%28 (a dead link) and pybtex keeps the backslash: the check names the fix."""
    address = f"https://example.org/a{escaped}b"
    problems = check_text(bib_entry(**{name: "{" + address + "}"}))
    assert len(problems) == 1, problems
    assert f"field {name}: {address} has a TeX escape" in problems[0]
    assert f"exactly as it is, https://example.org/a{escaped[1:]}b" in problems[0]


def test_an_address_with_percent_encoding_is_fine():
    assert check_text(bib_entry(url="{https://example.org/%28a%29?b=1}")) == []


@pytest.mark.parametrize("fields", [{}, {"author": "{}"}, {"author": "{ }"}], ids=["none", "empty", "blank"])
def test_an_entry_that_no_style_can_sort_is_refused(fields):
    problems = check_text(bib_entry(**fields) if fields else bib_entry().replace("  author = {Wester, Johanna},\n", ""))
    assert problems == [
        "references.bib:2: entry Wester2010test has no author, editor or key, so BibTeX styles cannot sort it; "
        "add author = {{Organisation}} (double braces for an organisation), or key = {Name} if it has none (source guard)"
    ]


@pytest.mark.parametrize("field", ["author", "editor", "key"])
def test_an_author_an_editor_or_a_key_makes_an_entry_sortable(field):
    entry = bib_entry().replace("  author = {Wester, Johanna},\n", "")
    assert check_text(entry.replace("  year = 2010,", f"  year = 2010,\n  {field} = {{{{UNCJIN}}}},")) == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "{<img src=x onerror=alert(1)>}"),
        ("note", "{See [here](javascript:alert(1))}"),
        ("howpublished", "{<script>alert(1)</script>}"),
    ],
)
def test_bib_text_fields_hold_no_markup(field, value):
    assert check_text(bib_entry(**{field: value}))


def test_a_bib_address_that_breaks_out_of_its_link_stops_the_build(project):
    """The research's payload: a `)` closes the Markdown link, then an image runs a script on load."""
    append(project, "references.bib", bib_entry(url="{https://example.org/x)<img src=x onerror=alert(1)>}"))
    fails_clearly(project, f"references.bib:{BIB_LINES + 6}", "entry Wester2010test, field url", strict=False)


def test_a_javascript_address_in_the_bib_stops_the_build(project):
    replace(project, "references.bib", "url          = {http://www.uncjin.org/}", "url = {javascript:alert(1)}")
    fails_clearly(project, "references.bib:", "entry UNCJIN2010network, field url", "javascript:alert(1)")


def test_markup_reaching_a_note_by_any_other_way_names_the_bib_key(tmp_path):
    """Second line of defence: the rendered-HTML guard says which entry a note came from."""
    html = '<div class="footnote"><ol><li id="fn:ref-Wester2010test"><p><img src=x onerror=alert(1)></p></li></ol></div>'
    [problem] = [p for p in check_content(html) if "onerror" in p.text]
    assert problem.origin == "Wester2010test"


# Careless input fails clearly, or keeps the words: never a traceback, never lost text.


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "not strict"])
def test_an_unknown_citation_key_stops_the_build(project, strict):
    append(project, ABOUT, "A claim that needs a source[@Nobody2010nothing].")
    fails_clearly(project, f"docs/about.md:{PAYLOAD_LINE}", "@Nobody2010nothing", "not a key", strict=strict)


def test_a_handle_in_citation_form_is_an_unknown_key(project):
    append(project, ABOUT, "Follow them [@ECPAT].")
    fails_clearly(project, f"docs/about.md:{PAYLOAD_LINE}", "@ECPAT", "not a key", "&#64;")


def test_words_before_a_citation_would_be_dropped_so_the_build_stops(project):
    append(project, ABOUT, "As the report shows [see @UNODC2009global, p. 22].")
    fails_clearly(project, f"docs/about.md:{PAYLOAD_LINE}", "'see'", "outside the brackets")


KEPT = [
    "Write to us [contact: info@example.org] with corrections.",
    "Find ECPAT online [as @ECPAT on social media] and elsewhere.",
    "A literal citation in code: `[@Nobody2010nothing]` stays as written.",
    "Mail [the editors at editors@example.org](mailto:editors@example.org) today.",
    "To show the form, write \\[@Nobody2010nothing] with its backslash; \\\\[@UNODC2009global] is a citation.",
    "An \\[open bracket, then[@UNODC2009global] still cites.",
]


def test_brackets_that_are_not_citations_keep_their_words(project):
    """E-mail addresses, handles and code keep their words; a fenced citation stays code; an escaped
    bracket (`\\[@key]`) is printed as written, and an escaped backslash before a citation is a backslash."""
    fenced = "```text\nCite a source like this: [@UNODC2009global, p. 22]\n```"
    append(project, ABOUT, "\n\n".join([*KEPT, fenced]))
    result = build_in_process(project)
    assert result.ok, f"{result.error}\n{result.log}"
    text = BeautifulSoup((project / "site/about/index.html").read_text(encoding="utf-8"), "html.parser")
    words = " ".join(without_abbreviations(text.find("article")).get_text(" ").split())
    for sentence in ["contact: info@example.org", "as @ECPAT on social media", "[@Nobody2010nothing]",
                     "the editors at editors@example.org", "write [@Nobody2010nothing] with its backslash;",
                     "\\( UNODC 2009 ) is a citation", "An [open bracket, then( UNODC 2009 ) still cites."]:  # fmt: skip
        assert sentence in words, sentence
    assert text.find("a", href="mailto:editors@example.org") is not None
    assert any("[@UNODC2009global, p. 22]" in code.get_text() for code in text.find_all("code"))


def test_an_unclosed_bracket_in_an_editors_box_keeps_its_citation_the_editors(project):
    """A box's title with an unclosed (escaped) bracket: its citation stays "(UNOG 2019)", never
    a note that would shift the author's 1 to 11 (a third hostile review found a 12th note)."""
    append(project, SECTION, '!!! note "States parties, ages \\[0, 18)"\n\n'
           "    The figure was updated by the committee [@UNOG2019committee].")  # fmt: skip
    result = build_in_process(project)
    assert result.ok, f"{result.error}\n{result.log}"
    whole = BeautifulSoup((project / "site/whole-essay/index.html").read_text(encoding="utf-8"), "html.parser")
    assert len(whole.select("div.footnote li[id^='fn:']")) == 11
    section = BeautifulSoup((project / "site/essay/14-opsc/index.html").read_text(encoding="utf-8"), "html.parser")
    words = " ".join(without_abbreviations(section.find("article")).get_text(" ").split())
    assert "ages [0, 18)" in words and "committee ( UNOG 2019 )" in words


def test_an_unclosed_bracket_in_a_list_item_keeps_the_locator_of_a_citation_below(project):
    append(project, SECTION, "- An item \\[x\n\n    Continued [@ECPAT2009legal, p. 5] here.")
    result = build_in_process(project)
    assert result.ok, f"{result.error}\n{result.log}"
    page = BeautifulSoup((project / "site/essay/14-opsc/index.html").read_text(encoding="utf-8"), "html.parser")
    assert ", p. 5" in page.find("li", id="fn:ref-ECPAT2009legal").get_text(" ")


BAD_BIBS = {
    "missing brace": (
        lambda t: t.replace("year         = {2010},\n  url          = {http://www.uncjin.org/},",
                            "year         = {2010,\n  url          = {http://www.uncjin.org/},"),
        "references.bib:" + str(bib_line("year         = {2010},\n  url          = {http://www.uncjin.org/}")),
        "a closing brace is missing",
    ),  # fmt: skip
    "missing closing brace of an entry": (lambda t: t.replace("}\n\n@misc{ECPAT2009legal", "\n@misc{ECPAT2009legal"),
                                          f"references.bib:{bib_line('@book{UNODC2009global')}",
                                          "UNODC2009global is not closed"),
    "duplicate key": (lambda t: t + bib_entry(key="IOM2010counter"), "duplicate key IOM2010counter"),
    "duplicate key differing in case": (lambda t: t + bib_entry(key="IOM2010Counter"), "differ only in case"),
    "type the style cannot format": (lambda t: t + bib_entry(kind="report"), "type @report cannot be formatted"),
    "missing required field": (
        lambda t: t + bib_entry(kind="techreport", title="{}", author="{A. Person}", institution="{X}").replace(
            "  title = {},\n", ""), "@techreport needs the field title"),
    "unescaped percent": (lambda t: t + bib_entry(title="{Half 50% of cases}"), "unescaped %", "Wester2010test"),
    "empty file": (lambda t: "% nothing here yet\n", "references.bib: the bibliography has no entries"),
    "@string bomb": (
        lambda t: t + "".join(f"@string{{m{i} = m{i - 1} # m{i - 1}}}\n" for i in range(1, 25)).replace(
            "m0 # m0", '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" # "a"') + bib_entry(title="m24"),
        "would expand to"),
    "key not AuthorYYYYword": (lambda t: t + bib_entry(key="Wester2010"), "does not follow AuthorYYYYword"),
    "a space in a key": (lambda t: t + bib_entry(key="my source"), "expected a comma"),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD_BIBS)
def test_bib_mistakes_are_named_without_building(name):
    """Fast: the checker on its own."""
    change, *expected = BAD_BIBS[name]
    problems = check_text(change((ROOT / "references.bib").read_text(encoding="utf-8")))
    joined = "\n".join(problems)
    assert problems
    for text in expected:
        assert text.replace("references.bib:", "") in joined, joined


@pytest.mark.parametrize(
    "name", ["missing brace", "duplicate key differing in case", "type the style cannot format",
             "missing required field", "unescaped percent", "empty file", "@string bomb"],
)  # fmt: skip
def test_bib_mistakes_stop_the_build(project, name):
    change, *expected = BAD_BIBS[name]
    bib = project / "references.bib"
    bib.write_text(change(bib.read_text(encoding="utf-8")), encoding="utf-8")
    fails_clearly(project, *expected, strict=name != "unescaped percent")


def test_a_missing_bib_file_stops_the_build(project):
    (project / "references.bib").unlink()
    fails_clearly(project, "references.bib: cannot be read (No such file or directory) (source guard)")


def test_a_broken_internal_link_stops_the_build(project):
    append(project, ABOUT, "See [the sources](bibliography.md#no-such-anchor) and [a page](no-such-page.md).")
    fails_clearly(project, "about.md", "no-such-anchor")


# Every mode: `mkdocs serve` too, and `make site` never leaves a half-written site.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_mkdocs_serve_refuses_hostile_markup(project):
    """The content guard, on the rendered page, during serve's first build (the source guard at
    start, and the content guard on an edit while serving: tests/test_red_team.py, family 9)."""
    append(project, ABOUT, HOSTILE_MARKDOWN["script"][0])
    process = subprocess.Popen(
        [str(MKDOCS), "serve", "--dev-addr", f"127.0.0.1:{free_port()}", "--no-livereload"],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        log, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        log, _ = process.communicate()
        pytest.fail(f"mkdocs serve kept serving a page with a script:\n{log}")
    assert process.returncode != 0
    assert "<script> is not allowed" in log and "Traceback" not in log, log


def make_site(project: Path, site: Path) -> subprocess.CompletedProcess:
    """`make site` in the copy, with this checkout's virtual environment."""
    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *KEEP_THE_VENV, "site", f"VENV={venv}", f"SITE={site}"],
        cwd=project, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_make_site_keeps_the_last_good_site_when_a_build_fails(project):
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site")
    # In the first page built, so that both builds stop early.
    append(project, "docs/index.md", HOSTILE_MARKDOWN["script"][0])
    result = make_site(project, site)
    assert result.returncode != 0, result.stdout + result.stderr
    assert (site / "index.html").read_text() == "the last good site"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == ["site"]


def test_make_site_replaces_the_site_only_when_the_build_succeeds(production):
    """The session's `make site` ran over a folder holding the last site: it is replaced whole."""
    assert (production.site / "index.html").exists() and not (production.site / STALE_PAGE).exists()
    assert re.search(r"<title>[^<]*Protecting", (production.site / "index.html").read_text(encoding="utf-8"))