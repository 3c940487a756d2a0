"""What a reviewer sees: the summary of what a pull request changes for readers (scripts/review.py).

Each pull request here is made on a copy of the project (conftest's `project`) and
changes ONE kind of thing; it is built plainly (no PDF, no EPUB) and compared with
the session's build of the project as it is (`build`, made from the same files as
`pristine`, which stands for its source tree). Its summary must name that change
exactly and nothing else. The hostile pull request goes through `make review` in a
git repository of its own, whose base holds the real comparing code: its summary
must be the base's. The downloads are compared on small folders made here.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import KEEP_THE_VENV, ROOT, copy_project, run_build

sys.path.insert(0, str(ROOT))  # scripts/ is a package of the project's root
from scripts import review

FIRST_VISIT = "First visit (compressed, the page and what it loads)"
NOT_BUILT = ["- not built (no downloads in the base and the head site)"]
WEIGHT = re.compile(r"- `(/[^`]*)`: \d+(\.\d)? (KiB|B) (\(unchanged\)|→ \d+(\.\d)? (KiB|B) \([+−]\d+(\.\d)? (KiB|B)\)), \d+ files")
RUNS_CODE = "**This pull request changes code that runs: {}. Its site was built by that code, so this summary cannot vouch for the build: a maintainer must read those files.**"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def pull_request(build, pristine, project, tmp_path, places: list[str] | None = None) -> str:
    """The summary of the changed copy `project` against the project as it is (the session's build);
    into `places`, where the changed pages' screenshots start."""
    head = run_build(project, tmp_path / "site")
    assert head.returncode == 0, head.log
    text, shown = review.summary(build.site, head.site, review.Trees(pristine, project), review.changed_files(pristine, project))
    if places is not None:
        places += shown
    return text


def parts(summary: str) -> dict[str, list[str]]:
    """The summary's parts, {heading: lines}; what comes before the first heading is under ""."""
    found: dict[str, list[str]] = {"": []}
    current = ""
    for line in summary.splitlines():
        if line.startswith("### "):
            current = line.removeprefix("### ")
            found[current] = []
        elif line:
            found[current].append(line)
    return found


def weighed(lines: list[str]) -> list[str]:
    """The pages of the first-visit part, each line checked for its shape (the numbers move with the site)."""
    for line in lines:
        assert WEIGHT.fullmatch(line), line
    return [WEIGHT.fullmatch(line).group(1) for line in lines]


def source_line_of(words: str) -> int:
    lines = (ROOT / "source/essay.txt").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if words in line)


# The pull requests, one kind of change each.


def test_an_unchanged_copy_says_no_change_for_readers(build, pristine, project, tmp_path):
    assert pull_request(build, pristine, project, tmp_path) == "No change for readers.\n"


def test_an_essay_word_is_named_by_section_with_its_line_of_the_source(build, pristine, project, tmp_path):
    edit(project / "docs/essay/04-status-of-legislation.md", "specific and comprehensive legislation", "specific and complete legislation")
    summary = parts(pull_request(build, pristine, project, tmp_path))
    line = source_line_of("Countries with specific and comprehensive legislation")
    assert list(summary) == ["", "Words, page by page", "The author's words", "Downloads", FIRST_VISIT]
    assert summary[""] == []
    assert summary["Words, page by page"] == [
        "- `/essay/04-status-of-legislation/`: +1 word, −1 word",
        "    - `comprehensive` → `complete`, after `world Countries with specific and`",
        "- `/whole-essay/`: +1 word, −1 word",
        "    - `comprehensive` → `complete`, after `world Countries with specific and`",
    ]
    assert summary["The author's words"] == [
        (
            "- **Section 4** (`/essay/04-status-of-legislation/`): `comprehensive` → `complete`, "
            f"differs from line {line} of source/essay.txt (`Countries with specific and comprehensive legislation`); "
            "**source/essay.txt is unchanged: the page no longer gives the author's text**"
        )
    ]
    assert summary["Downloads"] == NOT_BUILT
    assert weighed(summary[FIRST_VISIT]) == ["/essay/04-status-of-legislation/", "/whole-essay/"]


def test_a_hotline_number_is_named_with_its_page(build, pristine, project, tmp_path):
    edit(project / "docs/take-action.md", "[1-888-373-7888](tel:+18883737888)", "[1-888-373-7999](tel:+18883737999)")
    places: list[str] = []
    summary = parts(pull_request(build, pristine, project, tmp_path, places))
    assert list(summary) == ["", "Words, page by page", "Phone numbers and reporting addresses", "Downloads", FIRST_VISIT]
    assert summary[""] == []
    assert summary["Words, page by page"] == [
        "- `/take-action/`: +1 word, −1 word",
        "    - `1-888-373-7888` → `1-888-373-7999`, after `National Human Trafficking Hotline Call`",
    ]
    assert summary["Phone numbers and reporting addresses"] == [
        "- `/take-action/`: changed tel: `1-888-373-7888` (`tel:+18883737888`) → tel: `1-888-373-7999` (`tel:+18883737999`)"
    ]
    assert weighed(summary[FIRST_VISIT]) == ["/take-action/"]
    # The screenshots start at the heading the change is under.
    assert places == ["take-action/#united-states-national-human-trafficking-hotline"]


def test_a_new_outside_link_names_its_host(build, pristine, project, tmp_path):
    about = project / "docs/about.md"
    about.write_text(
        about.read_text(encoding="utf-8") + "\nThe [Example Foundation](https://www.example.org/help) answers questions about this edition.\n",
        encoding="utf-8",
    )
    summary = parts(pull_request(build, pristine, project, tmp_path))
    assert list(summary) == ["", "Words, page by page", "Outside hosts new in this pull request", "Downloads", FIRST_VISIT]
    assert summary["Words, page by page"] == [
        "- `/about/`: +8 words, −0 words",
        '    - added `The Example Foundation answers questions about this edition.`, after `an "edit this page" button.`',
        "    - outside link added: `https://www.example.org/help` (`Example Foundation`)",
    ]
    assert summary["Outside hosts new in this pull request"] == ["- `www.example.org`, linked from `/about/`"]
    assert weighed(summary[FIRST_VISIT]) == ["/about/"]


def test_a_moved_citation_renumbers_the_notes(build, pristine, project, tmp_path):
    """Note 5's citation moves before note 4's, on the same page, and no word changes."""
    section = project / "docs/essay/14-opsc.md"
    edit(section, "ratified by 131 states[@UNOG2010committee].", "ratified by 131 states.")
    edit(section, "important legal tool when", "important legal tool[@UNOG2010committee] when")
    summary = parts(pull_request(build, pristine, project, tmp_path))
    assert list(summary) == ["", "Words, page by page", "Notes", "Downloads", FIRST_VISIT]
    # The list of sources says where each is cited: there, the numbers are words.
    assert summary["Words, page by page"] == [
        "- `/bibliography/`: +2 words, −2 words",
        "    - `4.` → `5.`, after `Cited in section 14, note`",
        "    - `5,` → `4,`, after `Cited in section 14, note`",
    ]
    assert summary["Notes"] == [
        "- renumbered: note 4 is now note 5 (`ECPAT2009legal`, on `/essay/14-opsc/`, `/whole-essay/`)",
        "- renumbered: note 5 is now note 4 (`UNOG2010committee`, on `/essay/14-opsc/`, `/whole-essay/`)",
    ]
    assert weighed(summary[FIRST_VISIT]) == ["/bibliography/", "/essay/14-opsc/", "/whole-essay/"]


def test_a_changed_chart_figure_gives_old_and_new_values(build, pristine, project, tmp_path):
    edit(project / "data/figures.yml", "value: 63", "value: 64")
    places: list[str] = []
    summary = parts(pull_request(build, pristine, project, tmp_path, places))
    assert list(summary) == ["", "Words, page by page", "Chart figures (data/figures.yml)", "Downloads", FIRST_VISIT]
    # The chart's bar and its table of figures; the author's own list still says 63 %.
    changes = [
        "    - `63` → `64`, after `chart Specific and comprehensive legislation`",
        "    - `63` → `64`, after `countries Specific and comprehensive legislation`",
    ]
    assert summary["Words, page by page"] == [
        "- `/essay/04-status-of-legislation/`: +2 words, −2 words", *changes,
        "- `/whole-essay/`: +2 words, −2 words", *changes,
    ]  # fmt: skip
    assert summary["Chart figures (data/figures.yml)"] == ["- `legislation`: `Specific and comprehensive legislation` `63 %` → `64 %`"]
    assert weighed(summary[FIRST_VISIT]) == ["/essay/04-status-of-legislation/", "/whole-essay/"]
    assert places == ["essay/04-status-of-legislation/#figure-legislation", "whole-essay/#figure-legislation"]  # at the chart


def test_a_moved_page_is_a_rename_whose_old_address_404s(build, pristine, project, tmp_path):
    (project / "docs/essay/09-more-research.md").rename(project / "docs/essay/09-research.md")
    edit(project / "mkdocs.yml", "essay/09-more-research.md", "essay/09-research.md")
    summary = parts(pull_request(build, pristine, project, tmp_path))
    assert list(summary) == ["", "Pages added, removed or moved", "Words, page by page", "Downloads", FIRST_VISIT]
    assert summary[""] == [RUNS_CODE.format("`mkdocs.yml`")]
    assert summary["Pages added, removed or moved"] == [
        (
            "- moved: `/essay/09-more-research/` → `/essay/09-research/` (very similar text); "
            "**the old address now answers 404**: links and bookmarks to it break"
        )
    ]
    # Only "Cite this section" changes: it gives the page's address.
    old, new = ("https://protecting-children.github.io/essay/essay/09-more-research/", "https://protecting-children.github.io/essay/essay/09-research/")
    assert summary["Words, page by page"] == [
        "- `/essay/09-research/`: +2 words, −2 words",
        f"    - `{old}.` → `{new}.`, after `Johanna Wester's essay, version 1.0.0,`",
        f"    - `{{{old}}},` → `{{{new}}},`, after `essay, version 1.0.0}}, url =`",
    ]
    assert weighed(summary[FIRST_VISIT]) == ["/essay/09-research/"]


HOSTILE_REVIEW = 'import sys\n\nsys.stdout.write("No change for readers.\\n")\n'


@pytest.mark.slow
def test_a_hostile_pull_request_is_judged_by_the_bases_code(tmp_path):
    """`make review` on a branch whose scripts/review.py says all is well and whose workflow
    runs on pull_request_target: the summary is the base's, and says in bold what runs."""
    repo = copy_project(tmp_path / "repo")
    for name in ("scripts", ".github"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml", "requirements.txt", "requirements-build.txt", "requirements-test.txt", ".gitignore"):
        shutil.copy2(ROOT / name, repo / name)  # the copies keep their times: the venv's stamp stays newer
    env = {**os.environ, "GIT_AUTHOR_NAME": "Base", "GIT_AUTHOR_EMAIL": "base@example.org", "GIT_COMMITTER_NAME": "Base",
           "GIT_COMMITTER_EMAIL": "base@example.org", "GIT_CONFIG_NOSYSTEM": "1", "NO_MKDOCS_2_WARNING": "1"}  # fmt: skip

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "--quiet", "-b", "main")
    git("add", "--all")
    git("commit", "--quiet", "-m", "base")
    git("checkout", "--quiet", "-b", "hostile")
    (repo / "scripts/review.py").write_text(HOSTILE_REVIEW, encoding="utf-8")
    edit(repo / ".github/workflows/pull-request.yml", "  pull_request:\n", "  pull_request:\n  pull_request_target:\n")
    git("commit", "--quiet", "--all", "-m", "all is well")
    result = subprocess.run(
        ["make", "--no-print-directory", *KEEP_THE_VENV, "review", "BASE=main", f"VENV={sys.prefix}"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == RUNS_CODE.format("`.github/workflows/pull-request.yml`, `scripts/review.py`") + "\n\nNo change for readers.\n"
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert len(worktrees.splitlines()) == 1, "make review leaves no worktree behind"


# The parts that need no build.


def test_sources_added_removed_and_changed_fields_are_named(build, pristine, project):
    bib = project / "references.bib"
    edit(bib, "url          = {https://www.unicef.org/protection},", "url          = {https://www.unicef.org/child-protection},")
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "\n@misc{Editors2026example,\n  author = {{The Editors}},\n  title = {{An Example}},\n  year = {2026},\n  url = {https://example.org/},\n}\n",
        encoding="utf-8",
    )
    text, _ = review.summary(build.site, build.site, review.Trees(pristine, project), review.changed_files(pristine, project))
    assert parts(text) == {
        "": [],
        "Sources (references.bib)": [
            "- added: `Editors2026example`: `{An Example}` (2026), `https://example.org/`",
            "- `UNICEF2010protection`: `url` `https://www.unicef.org/protection` → `https://www.unicef.org/child-protection`",
        ],
        "Downloads": NOT_BUILT,
    }


def page_of_notes(folder: Path, notes: list[tuple[int, str, str]]) -> Path:
    """A site of one page with these notes (number, source key, text), marked up as mkdocs-bibtex does."""
    folder.mkdir()
    items = "".join(f'<li id="fn:ref-{key}" value="{number}"><p>{text}</p></li>' for number, key, text in notes)
    (folder / "index.html").write_text(f"<!doctype html><article><h1>Notes</h1><p>Words.</p><div class='footnote'><ol>{items}</ol></div></article>", encoding="utf-8")
    return folder


def test_a_note_that_cites_another_source_is_named_in_bold(pristine, tmp_path):
    base = page_of_notes(tmp_path / "base", [(1, "Alpha2001a", "Alpha, p. 1."), (2, "Beta2002b", "Beta."), (3, "Gamma2003c", "Gamma.")])
    head = page_of_notes(tmp_path / "head", [(1, "Alpha2001a", "Alpha, p. 2."), (2, "Delta2004d", "Delta."), (3, "Gamma2003c", "Gamma."), (4, "Eta2005e", "Eta.")])
    summary = parts(review.summary(base, head, review.Trees(pristine, pristine), [])[0])
    assert summary["Notes"] == [
        "- note 1 (`Alpha2001a`) reads differently: `1.` → `2.`, after `Alpha, p.`",
        "- **note 2 now cites another source**: `Delta2004d` instead of `Beta2002b` (on `/`): `Delta.`",
        "- added: note 4 (`Eta2005e`, on `/`): `Eta.`",
    ]
    assert "Words, page by page" not in summary  # the notes are compared as notes, not as words


def tiny_site(root: Path, pdf_pages: int, epub_documents: int) -> Path:
    """A site of one page and its downloads: a PDF, an EPUB and the offline zip."""
    import pikepdf

    (root / "downloads").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>x</title><article><h1>Home</h1></article>", encoding="utf-8")
    pdf = pikepdf.new()
    for _ in range(pdf_pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(root / "downloads/book.pdf")
    with zipfile.ZipFile(root / "downloads/book.epub", "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
                      '<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')  # fmt: skip
        spine = "".join(f'<itemref idref="p{n}"/>' for n in range(epub_documents))
        book.writestr("EPUB/package.opf", f'<package xmlns="http://www.idpf.org/2007/opf"><spine>{spine}</spine></package>')
    with zipfile.ZipFile(root / "downloads/book-offline.zip", "w") as archive:
        archive.writestr("copy/index.html", "<p>offline</p>")
        archive.writestr("copy/404.html", "<p>missing</p>")
    return root


def test_the_downloads_pages_and_sizes_before_and_after(pristine, tmp_path):
    base, head = tiny_site(tmp_path / "base", 2, 3), tiny_site(tmp_path / "head", 3, 3)
    text, _ = review.summary(base, head, review.Trees(pristine, pristine), [])
    sizes = {side: {p.name: p.stat().st_size for p in (root / "downloads").iterdir()} for side, root in (("base", base), ("head", head))}
    pdf = review.before_after(sizes["base"]["book.pdf"], sizes["head"]["book.pdf"])
    assert parts(text) == {
        "": [],
        "Downloads": [
            f"- `book-offline.zip`: 2 files, {sizes['head']['book-offline.zip']} B (unchanged)",
            f"- `book.epub`: 3 documents in reading order, {sizes['head']['book.epub']} B (unchanged)",
            f"- `book.pdf`: 2 pages → 3 pages, {pdf}",
        ],
    }


def test_downloads_only_one_side_has_are_a_change(pristine, tmp_path):
    base, head = tiny_site(tmp_path / "base", 2, 3), tmp_path / "head"
    head.mkdir()
    shutil.copy(base / "index.html", head / "index.html")
    assert parts(review.summary(base, head, review.Trees(pristine, pristine), [])[0]) == {
        "": [],
        "Downloads": ["- not built (no downloads in the head site)"],
    }
    assert review.summary(head, head, review.Trees(pristine, pristine), [])[0] == "No change for readers.\n"


def test_code_that_runs_is_named_first_in_bold():
    runs = ["edition/citations.py", "overrides/main.html", "mkdocs.yml", "Makefile", ".github/workflows/deploy.yml",
            "requirements.txt", "requirements-test.txt", "tools/lint/package-lock.json", "pyproject.toml",
            "scripts/review.py", "print/cover.html", ".ci/run"]  # fmt: skip
    content = ["docs/about.md", "references.bib", "data/figures.yml", "source/essay.txt", "includes/abbreviations.md", "docs/requirements.txt"]
    assert [name for name in runs + content if review.runs_code(name)] == runs


def test_phone_numbers_in_text():
    text = ("Call 1-888-373-7888 or text 233733. Call 08000 121 700, or +44 20 7946 0958, or (020) 7946 0958. "
            "Checked on 2026-11-28; from 65% in 2003 to 20% in November 2008; ratified by 131 states; 2003 65 2008 20.")  # fmt: skip
    assert review.phone_numbers(text) == ["1-888-373-7888", "233733", "08000 121 700", "+44 20 7946 0958", "(020) 7946 0958"]


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("plain words", "`plain words`"),
        ("<img src=x onerror=alert(1)>", "`<img src=x onerror=alert(1)>`"),
        ("[a link](https://evil.example/)", "`[a link](https://evil.example/)`"),
        ("a `tick` inside", "`` a `tick` inside ``"),
        ("`", "`` ` ``"),
        ("two\nlines", "`two lines`"),
    ],
)
def test_what_a_page_says_is_quoted_never_rendered(text, quoted):
    """A page's words in the summary are inline code: no markup, link or image of a pull request's
    reaches the reviewer's page as anything but text."""
    assert review.code(text) == quoted


def test_screenshot_names_are_the_screenshot_scripts():
    from scripts import screenshots

    for address in ("", "take-action/", "essay/04-status-of-legislation/", "take-action/#canada-canadian-human-trafficking-hotline", "a/b:c?d/"):
        for view in screenshots.VIEWPORTS:
            assert review.screenshot_name(address, view) == screenshots.name(address, view, "light")


def test_the_comparing_code_imports_nothing_of_the_project():
    """The base's scripts/review.py is copied and run on its own (`make review`), and must outlive
    any rewrite of the build code: it imports no module of the project."""
    tree = ast.parse((ROOT / "scripts/review.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"edition", "scripts", "tests", "conftest"}, imported


def test_the_workflow_compares_with_the_bases_code_and_runs_none_of_the_heads():
    flow = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    assert set(flow.pop(True)) == {"pull_request"}  # YAML 1.1 reads the key `on` as True
    assert flow["permissions"] == {"contents": "read"}
    jobs = flow["jobs"]
    assert all("permissions" not in job for job in jobs.values())
    head, compare, shots = jobs["review-head"], jobs["review"], jobs["review-screenshots"]
    # The head is built by its own code on a machine of its own, and leaves its site and offline copy.
    assert [step["run"] for step in head["steps"] if "run" in step] == ["make review-site"]
    uploads = {step["with"]["name"]: step["with"]["path"] for step in head["steps"] if "upload-artifact" in step.get("uses", "")}
    assert uploads == {"head-site": "site/", "offline-copy": "site/downloads/*-offline.zip"}
    # Where the summary is written and the screenshots taken, only the base's checkout runs.
    assert compare["needs"] == "review-head" and shots["needs"] == "review"
    for job in (compare, shots):
        checkouts = {step["with"]["path"]: step["with"] for step in job["steps"] if "actions/checkout" in step.get("uses", "")}
        assert checkouts["base"]["ref"] == "${{ github.event.pull_request.base.sha }}"
        assert all(step.get("working-directory") == "base" for step in job["steps"] if "run" in step)
        assert all("cache" not in step.get("with", {}) for step in job["steps"])  # no cache the head's job wrote
    assert [step["run"] for step in compare["steps"] if "run" in step] == ["make review-site", "make review-summary"]
    assert [step["run"] for step in shots["steps"] if "run" in step] == ["make review-screenshots"]
    compare_uploads = [step["with"] for step in compare["steps"] if "upload-artifact" in step.get("uses", "")]
    assert compare_uploads == [{"name": "review", "path": "review/", "if-no-files-found": "error"}]
    for job in jobs.values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), "a value reaches a script through env:, never pasted into it"
