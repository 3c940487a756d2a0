"""Contributors find a guide, templates and checks that run the same here as in CI."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys

import pytest
import yaml
from pathlib import Path
from scripts.browser import run_server
from conftest import ROOT, front_matter
from pybtex.database import parse_file

GUIDE = ROOT / "CONTRIBUTING.md"
WORKFLOWS = ROOT / ".github" / "workflows"


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))


# The guide


@pytest.mark.parametrize(
    "topic",
    ["make serve", "make test", "references.bib", "AuthorYYYYword", "{{", "\\%", "`archived`", "`current`",
     "`shortauthor`", "One sentence per line", "never rewritten", "admonition", "What review looks for",
     "forbid rather than sanitise"],
)  # fmt: skip
def test_the_guide_covers(topic):
    assert topic in GUIDE.read_text(encoding="utf-8")


def test_the_guide_is_on_the_site_through_a_snippet_not_a_copy(config):
    page = ROOT / "docs" / "contributing.md"
    body = page.read_text(encoding="utf-8").split("\n---\n", 1)[1].strip()
    assert body == '--8<-- "CONTRIBUTING.md"'
    assert front_matter(page)["title"] and front_matter(page)["description"]
    snippets = next(e["pymdownx.snippets"] for e in config["markdown_extensions"] if isinstance(e, dict) and "pymdownx.snippets" in e)
    assert snippets["check_paths"] is True and "CONTRIBUTING.md" in snippets["base_path"]


def test_the_built_guide_shows_every_heading_of_contributing_md(build):
    headings = re.findall(r"^#{1,3} (.+)$", GUIDE.read_text(encoding="utf-8").split("```")[0], re.MULTILINE)
    article = build.soup("contributing/index.html").find("article")
    shown = [h.get_text().rstrip("¶").strip() for h in article.find_all(["h1", "h2", "h3"])]
    assert headings and all(h in shown for h in headings), (headings, shown)


def test_the_guide_is_in_the_navigation(config):
    about = next(item["About"] for item in config["nav"] if isinstance(item, dict) and "About" in item)
    assert {"Contributing": "contributing.md"} in about


def test_links_in_the_guide_work_on_github_and_on_the_site():
    """A relative link would point to different places from the repository root and from docs/."""
    for target in re.findall(r"\]\(([^)]+)\)", GUIDE.read_text(encoding="utf-8")):
        assert target.startswith(("https://", "#")), target


def test_every_page_has_an_edit_button_to_its_source(config, build):
    assert "content.action.edit" in config["theme"]["features"]
    base = config["edit_uri"]  # a full address: no repo_url, see mkdocs.yml
    assert base.startswith("https://") and base.endswith("/edit/main/docs/")
    for src in sorted((ROOT / "docs").rglob("*.md")):
        if src.relative_to(ROOT / "docs").parts[0] in config.get("exclude_docs", ""):
            continue  # not a page: e.g. includes/, appended to the pages by snippets
        rel = src.relative_to(ROOT / "docs").with_suffix("")
        html = "index.html" if rel.name == "index" else f"{rel.as_posix()}/index.html"
        button = build.soup(html).find("a", rel="edit")
        expected = base + src.relative_to(ROOT / "docs").as_posix()
        # A page made from another file opens that file: the guide, the sources, the abbreviations,
        # and for the whole essay the folder of its sections.
        repository = base.removesuffix("docs/")
        expected = {
            "contributing.md": repository + "CONTRIBUTING.md",
            "bibliography.md": repository + "references.bib",
            "glossary.md": repository + "includes/abbreviations.md",
            "whole-essay.md": repository.replace("/edit/", "/tree/") + "docs/essay/",
        }.get(src.name, expected)
        assert button is not None and button["href"] == expected, html


# Templates


def test_the_pull_request_template_has_a_checklist():
    template = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] (.+)$", template, re.MULTILINE)
    assert len(items) >= 5
    for promise in ("author's words", "references.bib", "make test", "raw HTML"):
        assert any(promise in item for item in items), promise


def test_the_correction_form_asks_for_section_problem_and_source():
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "content-correction.yml").read_text(encoding="utf-8"))
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    for field in ("section", "wrong", "source"):
        assert fields[field]["validations"]["required"] is True, field
    sections = [o for o in fields["section"]["attributes"]["options"] if re.match(r"\d+\. ", o)]
    assert [int(o.split(".")[0]) for o in sections] == list(range(1, 19))


# Automation: every CI step is a make target that runs here.


def test_pull_requests_run_the_tests_and_upload_the_pdf_and_screenshots():
    job = workflow("pull-request.yml")["jobs"]["test"]
    assert "pull_request" in workflow("pull-request.yml")["on"]
    steps = runs(job)
    assert steps.index("make test") < steps.index("make site") < steps.index("make screenshots")
    uploads = [step["with"]["path"] for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
    assert "site/downloads/*.pdf" in uploads and len(uploads) == 2


def test_main_deploys_only_after_the_tests_pass():
    flow = workflow("deploy.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    jobs = flow["jobs"]
    assert "make test" in runs(jobs["test"])
    assert jobs["build"]["needs"] == "test" and "make site" in runs(jobs["build"])
    assert "actions/upload-pages-artifact" in uses(jobs["build"])
    assert jobs["deploy"]["needs"] == "build" and uses(jobs["deploy"]) == ["actions/deploy-pages"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_external_links_are_checked_weekly_without_blocking_anyone():
    flow = workflow("links.yml")
    assert flow["on"]["schedule"] and "pull_request" not in flow["on"] and "push" not in flow["on"]
    job = flow["jobs"]["linkcheck"]
    assert job["continue-on-error"] is True
    assert runs(job) == ["make linkcheck"]


def test_every_workflow_step_is_a_make_target():
    targets = make_targets()
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in workflow(path.name)["jobs"].values():
            for command in runs(job):
                target = command.removeprefix("make ")
                assert command.startswith("make ") and " " not in target, f"{path.name}: {command}"
                if target == "screenshots" and target not in targets:
                    pytest.skip("`make screenshots` is added by the screenshots work; the workflow already calls it")
                assert target in targets, f"{path.name}: make {target}"


def test_ci_runs_the_lint_as_well_as_the_tests():
    """CI runs `make test`, the README's test command, and that runs the lint first."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in script
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert "lint" in test_rule.split(":", 1)[1].split()


# pre-commit and the lint behind `make lint`


def test_pre_commit_runs_the_projects_checks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    for name in ("trailing-whitespace", "end-of-file-fixer", "check-yaml", "codespell", "markdownlint-cli2"):
        assert name in hooks, name
    assert "--unsafe" in hooks["check-yaml"]["args"]  # mkdocs.yml's !ENV tags
    assert hooks["references-bib"]["entry"].endswith("edition-check-bib")


def test_markdownlint_fits_material():
    rules = yaml.safe_load((ROOT / ".markdownlint-cli2.yaml").read_text(encoding="utf-8"))["config"]
    assert rules["ul-indent"] == {"indent": 4}
    assert rules["code-block-style"] is False and rules["first-line-h1"] is False
    assert rules["no-duplicate-heading"] == {"siblings_only": True}
    assert rules["line-length"] is False and rules["link-fragments"] is False


def test_make_lint_runs_the_bib_check_spelling_and_markdownlint():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n", 1)[0]
    for tool in ("edition-check-bib", "codespell", "markdownlint-cli2"):
        assert tool in recipe, tool


def test_the_bib_check_runs_from_the_command_line(tmp_path):
    script = Path(sys.executable).with_name("edition-check-bib")
    good = subprocess.run([str(script), str(ROOT / "references.bib")], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    bad = tmp_path / "bad.bib"
    bad.write_text("@misc{Wester2010one,\n  title = {One},\n  year = 2010,\n}\n@misc{Wester2010one,\n  title = {Two}\n}\n")
    result = subprocess.run([str(script), str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and f"{bad}:5: duplicate key Wester2010one" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_project_passes_its_spelling_check():
    codespell = ROOT / ".venv" / "bin" / "codespell"
    executable = codespell if codespell.exists() else "codespell"
    result = subprocess.run([str(executable)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# The weekly link check, against a local server only


class Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802
        if self.path == "/refuses-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/live", "/refuses-head") else 404)
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self.send_response(200 if self.path in ("/live", "/refuses-head") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_link_check_names_a_dead_source_and_passes_live_ones():
    with run_server(Handler) as root:
        base = root.rstrip("/")
        urls = [f"{base}/live", f"{base}/refuses-head", f"{base}/gone"]
        result = subprocess.run(
            [sys.executable, "-m", "scripts.link_check", *urls], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
    assert result.returncode == 1
    dead = [line for line in result.stdout.splitlines() if line.startswith("DEAD")]
    assert dead == [f"DEAD {base}/gone: HTTP 404"]
    assert "2 of 3 addresses answer" in result.stdout


def test_the_link_check_reads_every_address_of_every_source():
    from scripts.link_check import collect

    urls = set(collect(ROOT))
    for key, entry in parse_file(str(ROOT / "references.bib")).entries.items():
        for field in ("url", "archived", "current"):
            if field in entry.fields:
                assert entry.fields[field].replace("\\%", "%") in urls, f"{key} {field}"


# The map for the next maintainer: each module names its tests, the guide's table of
# the pipeline and the README's table of the layout name what is there.


def named_tests(text: str) -> list[tuple[str, str]]:
    """Every `tests/test_x.py` and `tests/test_x.py::test_y` a text names (the name may be '')."""
    return re.findall(r"tests/(test_\w+\.py)(?:::(\w+))?", text)


def missing_tests(named: list[tuple[str, str]]) -> list[str]:
    missing = []
    for module, test in named:
        path = ROOT / "tests" / module
        if not path.is_file():
            missing.append(module)
        elif test and not re.search(rf"^def {test}\(", path.read_text(encoding="utf-8"), re.MULTILINE):
            missing.append(f"{module}::{test}")
    return missing


BUILD_MODULES = sorted(
    p.relative_to(ROOT / "edition").as_posix() for p in (ROOT / "edition").rglob("*.py")
    if p.name != "__init__.py" or p.stat().st_size > 200  # a package's own module, when it holds code
)  # fmt: skip
PYTHON_FILES = {p.relative_to(ROOT).as_posix() for folder in ("edition", "tests", "scripts") for p in (ROOT / folder).rglob("*.py")}


def missing_modules(text: str) -> list[str]:
    """Every module a text names (`edition/guard/policy.py`, or a bare `policy.py`) that is not there."""
    missing = []
    for name in re.findall(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.py)\b", text):
        if "/" in name:
            if name not in PYTHON_FILES:
                missing.append(name)
        elif not any(path.rsplit("/", 1)[-1] == name for path in PYTHON_FILES):
            missing.append(name)
    return missing


@pytest.mark.parametrize("module", BUILD_MODULES)
def test_every_build_module_names_its_tests_and_they_exist(module):
    """The map for the next maintainer: each module names the tests that test it, and every module
    it names (its neighbours, the tests) is there: a renamed or removed module is found here."""
    import ast

    docstring = ast.get_docstring(ast.parse((ROOT / "edition" / module).read_text(encoding="utf-8"))) or ""
    named = named_tests(docstring)
    assert named, f"edition/{module}: its docstring names no test (tests/test_x.py or tests/test_x.py::test_y)"
    assert not missing_tests(named), f"edition/{module} names tests that are not there: {missing_tests(named)}"
    assert not missing_modules(docstring), f"edition/{module} names modules that are not there: {missing_modules(docstring)}"


def test_the_guides_table_of_the_pipeline_names_modules_and_tests_that_exist():
    guide = GUIDE.read_text(encoding="utf-8")
    table = guide[guide.index("| When | Step | Module | Tests |") :].split("\n\n", 1)[0]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert len(rows) >= 8, table
    modules = {name for row in rows for name in re.findall(r"`([\w/]+\.py)`", row[2])}
    tests = {name for row in rows for name in re.findall(r"`(test_\w+\.py)`", row[3])}
    assert modules and tests
    assert not [name for name in modules if not (ROOT / "edition" / name).is_file()]
    assert not missing_tests([(name, "") for name in tests])


def test_the_readmes_layout_covers_every_part_of_the_tree_and_names_nothing_else():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| Path | What it holds |") :].split("\n\n", 1)[0]
    paths = [path for line in table.splitlines()[2:] for path in re.findall(r"`([^`]+)`", line.split(" | ")[0])]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    # What a clean clone has: a file of the tree, or a folder holding some.
    there = [path for path in paths if path in tracked or any(name.startswith(path.rstrip("/") + "/") for name in tracked)]
    assert there == paths, f"the layout names what a clone does not have: {sorted(set(paths) - set(there))}"
    top = {name.split("/", 1)[0] for name in tracked}
    uncovered = [name for name in top if not any(path.rstrip("/").split("/", 1)[0] == name for path in paths)]
    assert not uncovered, f"README's layout does not say what these hold: {sorted(uncovered)}"
