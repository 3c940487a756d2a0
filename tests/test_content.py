"""Every section of the essay is a page, in order, in the author's words."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, front_matter, page_url, section_files
from reading import article, author_text, without_abbreviations

PARTS = ["Introduction", "The law", "Prevention", "Awareness", "Sexual exploitation", "Organisations", "Taking action"]
NAME = re.compile(r"^(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")


def test_eighteen_section_pages_named_by_number(essay):
    files = section_files()
    assert len(files) == len(essay.sections) == 18
    for number, path in enumerate(files, start=1):
        match = NAME.match(path.name)
        assert match, f"{path.name} is not NN-kebab-case.md"
        assert int(match.group(1)) == number


@pytest.mark.parametrize("path", section_files(), ids=lambda p: p.stem)
def test_front_matter(path):
    meta = front_matter(path)
    number = int(path.name[:2])
    assert set(meta) >= {"title", "description", "section", "part", "heading"}
    assert meta["section"] == number
    assert meta["title"].startswith(f"{number}. ")
    assert meta["part"] in PARTS
    assert meta["heading"] in ("author", "editors")
    assert 40 <= len(meta["description"]) <= 160, "a description is one line for search results"


def test_parts_follow_the_essay_in_order():
    parts = [front_matter(path)["part"] for path in section_files()]
    assert parts[0] == PARTS[0] and parts[-1] == PARTS[-1]
    order = [PARTS.index(part) for part in parts]
    assert order == sorted(order), "the parts must not interleave"
    assert set(parts) == set(PARTS)


def test_navigation_groups_the_sections_into_parts_in_order(config):
    essay_nav = next(item["The essay"] for item in config["nav"] if isinstance(item, dict) and "The essay" in item)
    assert [next(iter(part)) for part in essay_nav] == PARTS
    listed = [page for part in essay_nav for page in next(iter(part.values()))]
    assert listed == [f"essay/{path.name}" for path in section_files()]
    for path in section_files():
        page = f"essay/{path.name}"
        part = next(next(iter(p)) for p in essay_nav if page in next(iter(p.values())))
        assert part == front_matter(path)["part"]


@pytest.mark.parametrize("number", range(1, 19))
def test_section_text_is_verbatim(number, essay, build):
    """The author's words on the page are exactly the section's words in the source, no more, no fewer."""
    path = section_files()[number - 1]
    soup = build.soup(page_url(path))
    expected = essay.sections[number - 1].words
    found = author_text(soup, front_matter(path)["heading"])
    assert found == expected, word_difference(expected, found, path)


def word_difference(expected: str, found: str, path) -> str:
    """Where a page's words first differ from the essay's, named by file and line, and what to do."""
    ours, theirs = found.split(), expected.split()
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    before = " ".join(theirs[max(0, at - 4) : at])
    page_word = ours[at] if at < len(ours) else "(nothing)"
    essay_word = theirs[at] if at < len(theirs) else "(nothing)"
    source = path.read_text(encoding="utf-8")
    page_line = next((n for n, line in enumerate(source.splitlines(), 1) if page_word in line and (not before or before.split()[-1] in line)), "?")
    essay = (ROOT / "source/essay.txt").read_text(encoding="utf-8")
    essay_line = next((n for n, line in enumerate(essay.splitlines(), 1) if essay_word in line), "?")
    return (
        f"{path.relative_to(ROOT)}:{page_line}: the author's words differ from source/essay.txt (line {essay_line}): "
        f"after {before!r} the page has {page_word!r} where the essay has {essay_word!r}. The author's text is given "
        "verbatim: restore her word, or, if source/essay.txt itself is wrong, correct it too and say why in the pull request."
    )


@pytest.mark.parametrize("path", section_files(), ids=lambda p: p.stem)
def test_title_and_heading(path, essay, build):
    meta = front_matter(path)
    number = meta["section"]
    soup = build.soup(page_url(path))
    h1 = without_abbreviations(article(soup).find("h1"))
    heading = re.sub(r"\s+", " ", "".join(h1.find_all(string=True, recursive=False))).strip()
    assert heading == meta["title"], "the page's heading is its front-matter title"
    assert soup.title.get_text().startswith(meta["title"])
    own_words = essay.sections[number - 1].words
    if meta["heading"] == "author":
        assert own_words.startswith(meta["title"].split(". ", 1)[1]), "an author's heading is hers, verbatim"
    else:
        note = article(soup).select_one(".editors-title")
        assert note is not None and "editors" in note.get_text(), "an editors' title is marked as theirs"


@pytest.mark.parametrize("number", [4, 12, 18])
def test_lists_are_real_lists(number, essay, build):
    source = essay.sections[number - 1]
    soup = build.soup(page_url(section_files()[number - 1]))
    items = article(soup).select("ul:not(.sources) > li")  # not the editors' sources printed after the page
    bullets = [line for line in source.lines if line.startswith("- ")]
    expected = len(bullets) if bullets else 3  # section 4: three rows of figures
    assert len(items) == expected


@pytest.mark.parametrize("path", section_files(), ids=lambda p: p.stem)
def test_meta_description_is_the_front_matter_description(path, build):
    soup = build.soup(page_url(path))
    assert soup.find("meta", attrs={"name": "description"})["content"] == front_matter(path)["description"]


def test_previous_and_next_links(build):
    files = section_files()
    for index, path in enumerate(files):
        footer = build.soup(page_url(path)).select_one(".md-footer")
        if index > 0:
            assert footer.select_one(".md-footer__link--prev"), path.name
        if index < len(files) - 1:
            nxt = footer.select_one(".md-footer__link--next")
            assert files[index + 1].stem in nxt["href"], path.name


def test_every_editors_title_is_listed_on_the_about_page(build):
    about = without_abbreviations(article(build.soup("about/index.html"))).get_text(" ")
    for path in section_files():
        meta = front_matter(path)
        if meta["heading"] == "editors":
            assert meta["title"].split(". ", 1)[1] in about, meta["title"]


def test_home_page_introduces_the_essay_and_starts_reading(build, essay):
    home = article(build.soup("index.html"))
    text = home.get_text(" ")
    assert essay.author in text and "2010" in text
    start = home.find("a", string=re.compile("Start reading"))
    assert start and section_files()[0].stem in start["href"]
    assert home.find("a", href=re.compile("about"))


def test_whole_essay_page_has_every_section_in_order(essay, build):
    soup = build.soup("whole-essay/index.html")
    body = article(soup)
    headings = [h["id"] for h in body.select("h2[id^=section-]")]
    assert headings == [f"section-{n}" for n in range(1, 19)]
    text = author_text_of_whole(soup)
    # Every word of every section, in order: the sections' whole text, one after the other.
    position = 0
    for section in essay.sections:
        found = text.find(section.words, position)
        assert found >= 0, f"section {section.number} missing, changed or out of order"
        position = found + len(section.words)


def author_text_of_whole(soup):
    from reading import NOT_THE_AUTHOR, normalise

    body = without_abbreviations(article(soup))
    for selector in NOT_THE_AUTHOR:
        for element in body.select(selector):
            element.decompose()
    for heading in body.select("h2[id^=section-]"):
        heading.string = re_number(heading.get_text())
    return normalise(body.get_text(" "))


def re_number(text: str) -> str:
    return re.sub(r"^\d+\.\s*", "", text)


def test_the_source_is_the_shared_essay():
    shared = ROOT.parent / "shared" / "essay" / "essay.txt"
    if not shared.exists():
        pytest.skip("no shared/ folder beside this clone")
    assert (ROOT / "source" / "essay.txt").read_bytes() == shared.read_bytes()
