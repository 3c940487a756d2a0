"""Citations are found where Python-Markdown finds them, and no word inside citation brackets ever vanishes.

In-process and fast: small pages rendered with the edition's Markdown
(edition/citations), as a generator renders them (tests/markdown_pages.py); the
built site is judged in test_citations.py and test_editorial_citations.py.
"""

from __future__ import annotations

import re

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_pages import BIB, render, rendered, session

from edition.errors import Refusal, Refusals



KEYS = ["UNODC2009global", "ECPAT2009protection", "UNOG2010committee"]
SECTION = "essay/01-a.md"
key = st.sampled_from([*KEYS, "Nobody2020nothing"])
words = st.text(alphabet="abc XYZ:,.;-–0123456789pP", min_size=0, max_size=20)
locator = st.sampled_from(["p. 22", "pp. 22–24", "p. 3f", "ch. 2", "para. 4"])


def refusal(pages: dict[str, str], bib: str = BIB) -> str:
    """The message the build stops with (it must stop)."""
    with pytest.raises((Refusal, Refusals)) as raised:
        session(pages, bib)
    return str(raised.value)


def notes(html: str) -> list[str]:
    return re.findall(r'<li id="fn:ref-([\w-]+)" value="\d+">', html)


# A bracket is either refused or printed whole


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key, st.one_of(st.just(""), locator.map(lambda l: ", " + l)), words)
def test_a_bracket_is_either_refused_or_printed_whole(k, loc, extra):
    raw = f"@{k}{loc}{extra}"
    try:
        html = rendered({SECTION: f"Text [{raw}]."})[SECTION]
    except (Refusal, Refusals) as error:
        assert f"docs/{SECTION}:" in str(error) and "(citations)" in str(error)
        return
    # Printed: a known key and at most a locator, nothing else; the locator is in the note.
    assert k in KEYS
    assert re.fullmatch(rf"@{k}(\s*,\s*[^;]+)?\s*", raw)
    assert notes(html) == [k]
    if loc:
        assert re.sub(r"\s+", "", loc.strip(", ")) in re.sub(r"\s+", "", html)
    assert "[@" not in html


@pytest.mark.parametrize("raw", ["@UNODC2009global and other words", "@UNODC2009global; see also UNICEF", "@UNODC2009global: more"])
def test_words_after_the_key_stop_the_build_with_the_line(raw):
    message = refusal({SECTION: f"First line.\nSecond [{raw}]."})
    assert f"docs/{SECTION}:10:" in message  # the page's second line, after its front matter
    assert "not a citation the edition can print whole" in message


def test_words_before_a_known_key_are_refused_but_other_brackets_stay_text():
    assert "would be dropped" in refusal({SECTION: "Text [see @UNODC2009global]."})
    html = rendered({SECTION: "Write [mail info@example.org] or [follow @the_editors on the web]."})[SECTION]
    assert "[mail info@example.org]" in html and "[follow @the_editors on the web]" in html


def test_an_unknown_key_is_refused_with_a_guess():
    message = refusal({SECTION: "Text[@UNODC2009globl]."})
    assert "@UNODC2009globl, which is not a key in references.bib; did you mean @UNODC2009global?" in message


# Code stays literal, in every form of code


CODE_SAMPLES = [
    "```\n[@Nobody2020nothing]\n```",
    "````markdown\n```\n[@Nobody2020nothing, p. 22]\n```\n````",
    "~~~~\n[@Nobody2020nothing]\n~~~~",
    "Text.\n\n    [@Nobody2020nothing] in indented code",
    "- item\n\n        [@Nobody2020nothing] code in a list",
    '!!! note "Editors\' note"\n    Words.\n\n        [@Nobody2020nothing] code in an admonition',
    "Inline `[@Nobody2020nothing]` and ``a ` [@Nobody2020nothing] `` here.",
    "A code span `` \\` [@Nobody2020nothing] `` after an escaped backtick.",
]


@pytest.mark.parametrize("sample", CODE_SAMPLES)
def test_code_is_left_as_written(sample):
    html = rendered({SECTION: sample})[SECTION]
    assert "[@Nobody2020nothing" in html
    assert "footnote" not in html


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("An escaped bracket \\[@Nobody2020nothing] is text.", []),
        ("A backslash \\\\[@UNODC2009global] before a citation.", ["UNODC2009global"]),
        ("The \\[2000 Protocol to Prevent and more[@UNODC2009global] here.", ["UNODC2009global"]),
        ("\\[see [@UNODC2009global] and ages \\[0, 18) [@UNOG2010committee].", ["UNODC2009global", "UNOG2010committee"]),
        ("Code keeps its backslash: `\\[@Nobody2020nothing]`.", []),
    ],
)
def test_an_escaped_bracket_is_text_as_markdown_prints_it(text, cited):
    html = rendered({SECTION: text})[SECTION]
    assert notes(html) == cited
    if not cited:
        assert "[@Nobody2020nothing]" in html


# What Markdown does not print as text: a citation there would be lost, so the build stops


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[@UNODC2009global]: https://example.org/", "reads as a link definition"),
        ('<div markdown="0">\nA box [@UNODC2009global].\n</div>', "raw HTML"),
        ('A <span title="[@UNODC2009global]">tooltip</span>.', "inside an HTML tag"),
        ("An image ![a chart [@UNODC2009global]](chart.png).", "where Markdown prints no text"),
        ("A citation split [@UNODC2009global,\np. 22] over two lines.", "not rendered"),
        ("*[OPSC]: the protocol [@UNODC2009global]\n\nThe OPSC.", "abbreviation"),
        ("A link right after it[@UNODC2009global](https://example.org).", "right after a citation"),
    ],
)
def test_a_citation_markdown_would_not_print_stops_the_build(text, said):
    message = refusal({SECTION: text})
    assert said in message
    assert f"docs/{SECTION}:" in message


# Notes: the author's, numbered through the essay; the editors' citations in the text


def test_notes_are_numbered_through_the_essay_in_reading_order():
    pages = {
        "essay/01-a.md": "One[@ECPAT2009protection].",
        "essay/02-b.md": "Two[@UNODC2009global] and one again[@ECPAT2009protection].",
    }
    html = rendered(pages)
    assert re.findall(r'class="footnote-ref" href="#fn:ref-(\w+)"[^>]*>(\d+)<', html["essay/02-b.md"]) == [
        ("UNODC2009global", "2"),
        ("ECPAT2009protection", "1"),
    ]
    assert 'value="2"' in html["essay/02-b.md"] and 'value="1"' in html["essay/02-b.md"]


def test_the_editors_citations_are_short_citations_linking_to_the_sources():
    pages = {
        "essay/01-a.md": "One[@ECPAT2009protection].\n\n!!! update \"Since\"\n    Now [@UNODC2009global, p. 22].",
        "about.md": "The editors [@UNOG2010committee].",
        "bibliography.md": "# Sources\n\n<!-- bibliography -->",
    }
    html = rendered(pages)
    assert re.search(r'\(<a class="editorial-cite" href="\.\./bibliography\.md#UNODC2009global" '
                     r'id="cite-UNODC2009global-1">.*UNODC.* 2009, p\. 22</a>\)', html["essay/01-a.md"])
    assert notes(html["essay/01-a.md"]) == ["ECPAT2009protection"]
    assert 'id="cite-UNOG2010committee-1"' in html["about.md"] and "footnote" not in html["about.md"]
    assert 'href="essay/01-a.md#cite-UNODC2009global-1">section 1, editors\' note</a>' in html["bibliography.md"]
    assert 'href="essay/01-a.md#fnref:ref-ECPAT2009protection">section 1, note 1</a>' in html["bibliography.md"]


def test_a_source_cited_twice_on_a_page_has_two_markers_and_two_back_links():
    html = rendered({SECTION: "One[@UNODC2009global], two[@UNODC2009global]."})[SECTION]
    assert 'id="fnref:ref-UNODC2009global"' in html and 'id="fnref2:ref-UNODC2009global"' in html
    assert html.count('class="footnote-backref"') == 2


def test_two_locators_for_one_note_are_refused():
    prepared = session({SECTION: "One[@UNODC2009global, p. 22], two[@UNODC2009global, p. 23]."})
    with pytest.raises(Refusal) as raised:
        render(prepared, SECTION)
    assert "cited with two locators ('p. 22' and 'p. 23') on one page" in str(raised.value)


# Whatever the text, the output holds no citation unrendered


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(words, st.sampled_from(["\\", "[", "]", "`", "\\[", "[@", "@", *[f"[@{k}]" for k in KEYS]])),
                max_size=12))
def test_no_citation_is_left_unrendered_outside_code(parts):
    text = "".join(parts).replace("\n", " ").strip() or "Words."
    try:
        html = rendered({SECTION: text})[SECTION]
    except (Refusal, Refusals) as error:
        assert "(citations)" in str(error) or "(source guard)" in str(error)
        return
    prose = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)
    for left in re.findall(r"\[@(?:" + "|".join(KEYS) + r")\]", prose):
        assert "\\" + left in text, f"{left} was not escaped, yet it is printed as text"
