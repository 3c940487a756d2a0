"""One citation grammar: mkdocs-bibtex's, and no word inside citation brackets ever vanishes.

In-process and fast: the scanner (edition/citation_scan.py) and the
pipeline's steps (edition/citations.py) on generated Markdown, with
hypothesis; the built site is judged in test_citations.py.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_bibtex.citation import CitationBlock

from edition.citation_scan import blocks, is_citation, judge, scan, unclosed
from edition.citations import KEEP, CitationPipeline

KEYS = {"UNODC2009global", "ECPAT2009protection", "UNOG2010committee"}
key = st.sampled_from(sorted(KEYS) + ["Nobody2020nothing"])
words = st.text(alphabet="abc XYZ:,.;-–0123456789pP", min_size=0, max_size=20)
locator = st.sampled_from(["p. 22", "pp. 22–24", "p. 3f", "ch. 2", "para. 4"])


def pipeline() -> CitationPipeline:
    plugin = CitationPipeline()
    plugin.keys = set(KEYS)
    return plugin


def page(src_uri="essay/01-x.md"):
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), meta={})


# The same blocks as mkdocs-bibtex


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(words, key.map(lambda k: f"[@{k}]"), st.builds(lambda k, w: f"[{w}@{k}{w}]", key, words)), max_size=8))
def test_the_scanner_finds_every_block_mkdocs_bibtex_finds(parts):
    markdown = " ".join(parts)
    theirs = [block.raw for block in CitationBlock.from_markdown(markdown)]
    ours = [block.raw for block in blocks(markdown)]
    assert ours == theirs


# No words vanish


@settings(max_examples=150, deadline=None)
@given(key, st.one_of(st.just(""), locator.map(lambda l: ", " + l)), words)
def test_a_bracket_is_either_refused_or_printed_whole(k, loc, extra):
    raw = f"@{k}{loc}{extra}"
    [block] = list(blocks(f"Text [{raw}]."))
    problems = judge(block, KEYS)
    if not problems:
        # Accepted: the bracket holds a known key and at most a locator, nothing else.
        assert k in KEYS
        assert re.fullmatch(rf"\s*@{k}(\s*,\s*[^;]+)?\s*", raw)
        [cite] = scan(f"Text [{raw}].")
        rebuilt = f"@{cite.key}" + (f", {cite.locator}" if cite.locator else "")
        assert re.sub(r"\s+", "", rebuilt) == re.sub(r"\s+", "", raw)


def test_words_after_the_key_stop_the_build_with_a_message():
    for raw in ("@UNODC2009global and other words", "@UNODC2009global; see also UNICEF", "@UNODC2009global: more"):
        [block] = list(blocks(f"[{raw}]"))
        [problem] = [p for p in judge(block, KEYS)]
        assert "not a citation the edition can print whole" in problem


def test_words_before_a_known_key_are_refused_but_other_brackets_stay_text():
    [block] = list(blocks("[see @UNODC2009global]"))
    assert "would be dropped" in judge(block, KEYS)[0]
    for text in ("[mail info@example.org]", "[follow @ECPAT on the web]"):
        [block] = list(blocks(text)) or [None]
        assert block is None or judge(block, KEYS) == []


# Code stays literal, in every form of code


CODE_SAMPLES = [
    "```\n[@UNODC2009global]\n```",
    "````markdown\n```\n[@UNODC2009global, p. 22]\n```\n````",
    "~~~~\n[@UNODC2009global]\n~~~~",
    "Text.\n\n    [@UNODC2009global] in indented code",
    "- item\n\n        [@UNODC2009global] code in a list",
    '!!! note "Editors\' note"\n    Words.\n\n        [@UNODC2009global] code in an admonition',
    "Inline `[@UNODC2009global]` and ``a ` [@UNODC2009global] `` here.",
]


def test_code_is_hidden_from_mkdocs_bibtex_and_restored_as_written():
    plugin = pipeline()
    for sample in CODE_SAMPLES:
        assert all(block.in_code for block in blocks(sample)), sample
        hidden, kept = plugin.hide(sample)
        assert "[@" not in hidden, sample
        restored = hidden
        for index, text in enumerate(kept):
            restored = restored.replace(KEEP.format(index), text, 1)
        assert restored == sample


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("An escaped bracket \\[@Nobody2020nothing] is text.", []),
        ("A backslash \\\\[@UNODC2009global] before a citation.", ["UNODC2009global"]),
        ("Three \\\\\\[@Nobody2020nothing] escape the bracket again.", []),
        # An escaped "[" with no "]" of its own: the citation after it is still one.
        ("The \\[2000 Protocol to Prevent and more[@UNODC2009global] here.", ["UNODC2009global"]),
        ("\\[see [@UNODC2009global] and ages \\[0, 18) [@UNOG2010committee].", ["UNODC2009global", "UNOG2010committee"]),
        ("Code keeps its backslash: `\\[@Nobody2020nothing]`.", []),
    ],
)
def test_an_escaped_bracket_is_text_as_markdown_prints_it(text, cited):
    r"""Python-Markdown prints `\[` as `[`: no citation starts there, and mkdocs-bibtex, which
    knows no escapes, never sees that bracket; an escaped backslash (`\\`) escapes nothing after it."""
    assert [cite.key for cite in scan(text)] == cited
    assert all(is_citation(block, KEYS) for block in blocks(text) if not block.in_code)
    hidden, kept = pipeline().hide(text)
    assert [block.raw.strip("@ ") for block in CitationBlock.from_markdown(hidden)] == cited
    assert restore(hidden, kept) == text
    # Left open, an escaped bracket is still text; an open citation is refused.
    opened = text.replace("[@UNODC2009global]", "[@UNODC2009global").replace("[@UNOG2010committee]", "x")
    assert list(unclosed(opened)) == ([1] if "[@UNODC2009global" in opened else [])


@pytest.mark.parametrize(
    "text",
    ["<div>\\[@UNODC2009global]</div>", "*[ZZQ]: Meaning \\[@UNODC2009global]"],
    ids=["raw HTML", "abbreviation"],
)
def test_where_markdown_reads_no_escapes_a_citation_is_still_refused(text):
    """Raw HTML and an abbreviation's definition print a backslash as it is: the escape is
    not text there, and the citation would not be rendered; the build says so."""
    (block,) = blocks(text)
    assert judge(block, KEYS) and "is not rendered" in judge(block, KEYS)[0]


pieces = st.sampled_from(["\\", "\\\\", "[", "]", "(", ")", " ", "a", "@", ";", ", p. 2"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(pieces, key.map(lambda k: f"[@{k}]"), key.map(lambda k: f"\\[@{k}]")), max_size=14))
def test_mkdocs_bibtex_sees_exactly_the_citations_the_pipeline_accepts(parts):
    """With backslashes and stray brackets anywhere: after the pipeline hides what is not a
    clean citation (escaped brackets included), mkdocs-bibtex reads exactly the accepted blocks,
    and the page is restored as written."""
    text = "".join(parts)
    hidden, kept = pipeline().hide(text)
    ours = [block.raw for block in blocks(text) if is_citation(block, KEYS)]
    assert [block.raw for block in CitationBlock.from_markdown(hidden)] == ours
    assert restore(hidden, kept) == text


def restore(hidden: str, kept: list[str]) -> str:
    for index, text in enumerate(kept):
        hidden = hidden.replace(KEEP.format(index), text, 1)
    return hidden


@pytest.mark.parametrize(
    "text",
    [
        '!!! note "Ages \\[0, 18)"\n\n    Since then [@UNOG2010committee].',
        '!!! note "Update"\n\n    The range \\[0, 18) applies\n\n    as reported [@UNOG2010committee].',
        "- An item \\[x\n\n    Continued [@UNODC2009global, p. 5] here.",
        '```text title="Ages [0, 18)"\nage < 18\n```\n\nLater [@UNODC2009global, p. 5].',
        "Mail [a ` b@c.org] then ` [@UNODC2009global, p. 5] and ` end",
    ],
    ids=["admonition title", "admonition body", "list opener", "fence title", "backtick in a hidden block"],
)
def test_hiding_keeps_the_structure_that_the_later_steps_read(text):
    """The steps after `hide` (the editors' citations, the locators, the count of notes) read the
    hidden text: it must hold the page's citations with their locators, the editors' still the
    editors' (a third hostile review: a line's unclosed tail hid its "!!!" or its list marker,
    and a hidden backtick paired the others differently)."""
    hidden, kept = pipeline().hide(text)
    assert restore(hidden, kept) == text
    before = [(c.key, c.locator, c.editorial) for c in scan(text)]
    assert before and [(c.key, c.locator, c.editorial) for c in scan(hidden, code_spans=False)] == before


@pytest.mark.parametrize(
    "text, cited",
    [
        ("a \\\\\\\\[@UNODC2009global] b", ["UNODC2009global"]),  # four backslashes: two, then a citation
        ("a \\\\\\\\\\[@UNODC2009global] b", []),  # five: the bracket is escaped
        ("\\[@UNODC2009global]: words", []),  # an escape at the start of a line
        ("\\[[@UNODC2009global]", ["UNODC2009global"]),
        ("| \\[@Nobody2010x] [@UNODC2009global] | \\[x |", ["UNODC2009global"]),  # a table row
        ("## T \\[@Nobody2010x] [@UNODC2009global] { #zq }", ["UNODC2009global"]),  # a heading
        ("<span>\\[@Nobody2010x]</span> [@UNODC2009global] \\[y", ["UNODC2009global"]),  # inline HTML
        ("<div>x</div> \\[@Nobody2010x] [@UNODC2009global]", ["UNODC2009global"]),  # after a raw block
        ("[^zq]: Note \\[@Nobody2010x] and [@UNODC2009global].", ["UNODC2009global"]),
        ('[zq]: https://example.org "\\[@UNODC2009global]"', []),
    ],
)
def test_escaped_brackets_in_every_context_are_text_and_leave_the_citations_beside_them(text, cited):
    """Cases of the third hostile review that held: runs of backslashes, a line's start, tables,
    headings, inline HTML, after a raw block, a footnote's definition, a link's title."""
    hidden, kept = pipeline().hide(text)
    assert restore(hidden, kept) == text
    assert [c.key for c in scan(text)] == cited
    assert not list(unclosed(text))


def test_text_around_code_is_still_cited():
    sample = "Cited [@UNODC2009global].\n\n```\n[@ECPAT2009protection]\n```\n\nAgain [@UNOG2010committee]."
    assert [c.key for c in scan(sample)] == ["UNODC2009global", "UNOG2010committee"]


def test_admonitions_are_the_editors_and_become_author_year_links():
    plugin = pipeline()
    plugin.entries = {
        "UNODC2009global": SimpleNamespace(fields={"shortauthor": "UNODC", "year": "2009"}, persons={}),
    }
    text = 'Hers [@UNODC2009global].\n\n!!! note "Editors\' note"\n    Ours [@UNODC2009global, p. 22].\n'
    out = plugin.editors_citations(text, page())
    assert "Hers [@UNODC2009global]." in out
    assert "Ours ([UNODC 2009, p. 22](../bibliography.md#UNODC2009global){ #cite-UNODC2009global-2 .editorial-cite })." in out


def test_locators_go_into_the_note_before_its_addresses():
    plugin = pipeline()
    plugin.footnote_format = "ref-{key}"
    markdown, found = plugin.take_locators("See[@UNODC2009global, p. 22].", page())
    assert markdown == "See[@UNODC2009global]." and found == {"UNODC2009global": "p. 22"}
    note = "[^ref-UNODC2009global]: UNODC. Global Report, 2009. Online: [x](x)."
    assert plugin.put_locator(note, "UNODC2009global", "p. 22", page()) == (
        "[^ref-UNODC2009global]: UNODC. Global Report, 2009, p. 22. Online: [x](x)."
    )


def test_brackets_that_never_close_are_hidden_so_no_scan_rescans_a_line():
    """A "[" with no "]" after it would make mkdocs-bibtex's pattern rescan the line: quadratic.
    The tail is hidden from that first "[" on; the words before it stay for the later steps."""
    plugin = pipeline()
    line = "[@UNODC2009global] then " + "[@x " * 20000
    hidden, kept = plugin.hide(line)
    assert hidden == "[@UNODC2009global] then " + KEEP.format(0)
    assert kept == ["[@x " * 20000]
    assert [b.raw for b in blocks(line)] == ["@UNODC2009global"]


# Includes: only from includes/ (and CONTRIBUTING.md), and their citations read like any other


def files_of(pages: dict[str, str]):
    docs = [SimpleNamespace(src_uri=uri, content_string=text) for uri, text in pages.items()]
    return SimpleNamespace(documentation_pages=lambda: docs)


def included_pipeline(tmp_path) -> CitationPipeline:
    plugin = pipeline()
    plugin.root = tmp_path
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "box.md").write_text("Boxed words [@UNODC2009global].\n", encoding="utf-8")
    (tmp_path / "includes" / "bad.md").write_text("One.\nTwo [@Nobody2020nothing].\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[remote]\n  token = secret\n", encoding="utf-8")
    return plugin


def check_pages(plugin, pages: dict[str, str]) -> str:
    from mkdocs.exceptions import PluginError

    try:
        plugin.on_files(files_of(pages), SimpleNamespace(docs_dir="docs"))
    except PluginError as error:
        return str(error)
    return ""


def test_an_include_is_composed_into_the_page_so_its_citations_are_rendered(tmp_path):
    plugin = included_pipeline(tmp_path)
    page_text = 'Text.\n\n--8<-- "box.md"\n'
    assert check_pages(plugin, {"about.md": page_text}) == ""
    composed = plugin.include(page_text)
    assert "Boxed words [@UNODC2009global]." in composed and "--8<--" not in composed
    assert [c.key for c in scan(composed)] == ["UNODC2009global"]


def test_a_bad_citation_in_an_include_names_the_include_and_its_line(tmp_path):
    plugin = included_pipeline(tmp_path)
    message = check_pages(plugin, {"about.md": 'Text.\n--8<-- "bad.md"\n'})
    assert message.startswith("includes/bad.md:2: [@Nobody2020nothing] cites @Nobody2020nothing")


@pytest.mark.parametrize(
    "line",
    ['--8<-- ".git/config"', '--8<-- "../.git/config"', '--8<-- "includes/../.git/config"',
     '--8<-- ".github/workflows/deploy.yml"', '--8<-- "/etc/passwd"', '--8<-- "missing.md"'],
)  # fmt: skip
def test_an_include_from_outside_the_allowlist_is_never_composed_into_a_page(tmp_path, line):
    """source_guard.py stops the build on these, naming page and line (tests/test_red_team.py);
    the pipeline never reads them."""
    plugin = included_pipeline(tmp_path)
    text = f"Text.\n\n{line}\n"
    assert plugin.include(text) == text
    assert check_pages(plugin, {"about.md": text}) == ""


def test_a_citation_in_a_file_appended_to_every_page_stops_the_build(tmp_path):
    plugin = included_pipeline(tmp_path)
    (tmp_path / "includes" / "abbreviations.md").write_text("*[OPSC]: Optional Protocol [@UNODC2009global]\n")
    config = SimpleNamespace(docs_dir="docs", mdx_configs={"pymdownx.snippets": {"auto_append": ["abbreviations.md"]}})
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match=r"includes/abbreviations.md:1: \[@UNODC2009global\]: a file appended"):
        plugin.on_files(files_of({"about.md": "Text.\n"}), config)


# What a hostile review found (each once a way for words to be scrambled or left unrendered)


@pytest.mark.parametrize(
    "text, message",
    [
        ("<div>\nText [@UNODC2009global] inside.\n</div>", "a citation in raw HTML is not rendered"),
        ("*[OPSC]: Optional Protocol [@UNODC2009global]", "a citation in an abbreviation's definition"),
        ("Text [@UNODC2009global]{onclick=alert(1)}.", "a { later on the line would join the citation's attributes"),
        ("[@UNODC2009global](https://example.org/x)", "a link's address right after a citation"),
        ("Text [@UNODC2009global,\np. 3 words].", "closes on the same line"),
    ],
)  # fmt: skip
def test_citations_where_they_would_be_scrambled_or_unrendered_stop_the_build(text, message):
    problem = check_pages(pipeline(), {"about.md": text})
    assert problem.startswith("docs/about.md:") and message in problem, problem


def test_an_include_of_part_of_a_file_with_citations_stops_the_build(tmp_path):
    plugin = included_pipeline(tmp_path)
    message = check_pages(plugin, {"about.md": 'Text.\n--8<-- "box.md:1:1"\n'})
    assert message.startswith("docs/about.md:2: includes/box.md holds citations"), message


def test_a_citation_beside_a_code_sample_or_in_prose_html_free_text_still_renders():
    assert check_pages(pipeline(), {"about.md": "Words [@UNODC2009global]. And `[@x` in code.\n"}) == ""


# A second hostile review: ways around the first fixes, and pages they wrongly refused


@pytest.mark.parametrize(
    "text, message",
    [
        ("Call now [@UNODC2009global] { #__x }", "a { later on the line"),
        ("Parties grew [@UNODC2009global] {x} more.", "a { later on the line"),
        ("Call now [ @UNODC2009global\n].", "closes on the same line"),
        ("Call now [see @UNODC2009global\n].", "closes on the same line"),
        ("Some words here.\n<div>Call now [@UNODC2009global].</div>", "a citation in raw HTML"),
        ("<div>\nCall now.\n\nAgain [@UNODC2009global].\n</div>", "a citation in raw HTML"),
        ("<!--\n\nhidden [@UNODC2009global]\n\n-->", "a citation in raw HTML"),
        ("- item one\n<div>[@UNODC2009global]</div>", "a citation in raw HTML"),
        ("[@UNODC2009global]: Fake words for the note.", "reads as a link definition"),
    ],
)  # fmt: skip
def test_citations_that_would_still_be_scrambled_or_unrendered(text, message):
    problem = check_pages(pipeline(), {"about.md": text})
    assert problem.startswith("docs/about.md:") and message in problem, problem


@pytest.mark.parametrize(
    "text",
    ["<q>Call now</q>, the hotline says [@UNODC2009global].",
     "<span>Call now</span>, it says [@UNODC2009global].",
     '<abbr title="x">NHTH</abbr> takes calls [@UNODC2009global].',
     "<https://example.org> takes reports [@UNODC2009global].",
     "<!-- checked 2026 -->The hotline takes reports [@UNODC2009global].",
     "<em>Note:</em> words\nIt takes reports by text too [@UNODC2009global].",
     "<div>x</div> Call now [@UNODC2009global].",
     "<!-- TODO cite [@ here -->",
     "Call [@UNODC2009global] (at any hour)."],
)  # fmt: skip
def test_citations_beside_inline_html_comments_and_parentheses_are_fine(text):
    assert check_pages(pipeline(), {"about.md": text}) == ""


@pytest.mark.parametrize(
    "line",
    ["--8<-- 'box.md:1:1'", '-8<- "box.md:1:1"', '--8<--\t"box.md:1:1"', '--8<--\nbox.md\n--8<--', "--8<-- 'box.md'",
     '-8<- "box.md"'],
)  # fmt: skip
def test_an_include_with_citations_in_any_other_form_stops_the_build(tmp_path, line):
    plugin = included_pipeline(tmp_path)
    message = check_pages(plugin, {"about.md": f"Text.\n{line}\n"})
    assert message.startswith("docs/about.md:") and "includes/box.md holds citations" in message, message


def test_an_include_may_not_include_another(tmp_path):
    plugin = included_pipeline(tmp_path)
    (tmp_path / "includes" / "outer.md").write_text('Outer.\n--8<-- "box.md:1:1"\n', encoding="utf-8")
    message = check_pages(plugin, {"about.md": 'Text.\n--8<-- "outer.md"\n'})
    assert "includes/outer.md:2: an include may not include another file" in message, message


def test_a_note_in_a_heading_keeps_the_headings_own_attributes():
    """The whole essay gives each section's heading an anchor: `## 4. Title[@key] { #section-4 }`."""
    text = "## 4. The status of legislation[@UNODC2009global] { #section-4 }"
    assert check_pages(pipeline(), {"whole-essay.md": text}) == ""
    assert [b.raw for b in blocks(text) if is_citation(b, KEYS)] == ["@UNODC2009global"]
