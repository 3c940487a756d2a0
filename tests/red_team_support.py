"""Helpers for the red-team tests: mutated copies of the project, built in-process or as a contributor builds."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import markdown
from conftest import ROOT
from edition import mkdocs_yml

PROJECT_FILES = ["docs", "overrides", "source", "data", "includes", "edition", "print", "mkdocs.yml",
                 "references.bib", "CONTRIBUTING.md", "CITATION.cff"]  # fmt: skip


def copy_project(target: Path) -> Path:
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def append(project: Path, path: str, text: str) -> int:
    """Append text after a blank line; return the line number its first line gets."""
    file = project / path
    old = file.read_text(encoding="utf-8")
    file.write_text(old + "\n" + text + "\n", encoding="utf-8")
    return len(old.splitlines()) + 2


def replace(project: Path, path: str, old: str, new: str) -> None:
    file = project / path
    content = file.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not in {path}"
    file.write_text(content.replace(old, new, 1), encoding="utf-8")


@dataclass
class Result:
    ok: bool
    log: str
    error: BaseException | None
    seconds: float


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def build_in_process(project: Path, strict: bool = True, **env: str) -> Result:
    """mkdocs' Python API on a copy: load_config + build, the log captured, the exception kept."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    capture = _Capture()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(capture)
    old_env = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    cwd = os.getcwd()
    start = time.monotonic()
    error = None
    try:
        os.chdir(project)
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=strict)
        build(config)
    except Abort as abort:  # BuildError and strict-mode warnings end as one message
        error = abort
    except Exception as other:  # noqa: BLE001 - anything else would be a traceback for the contributor
        error = other
    finally:
        os.chdir(cwd)
        logger.removeHandler(capture)
        for name, value in old_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return Result(error is None, "\n".join(capture.lines), error, time.monotonic() - start)


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with the site's extensions and their options (mkdocs.yml), for in-process checks."""
    config = mkdocs_yml.load(ROOT / "mkdocs.yml")
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, opts = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        if name == "pymdownx.snippets":
            continue  # snippets have their own family; here the page's own Markdown
        names.append(name)
        options[name] = opts or {}
    return markdown.Markdown(extensions=names, extension_configs=options)


@contextlib.contextmanager
def timed(limit: float):
    """Each hostile case ends within seconds: the bound the issue promises."""
    start = time.monotonic()
    yield
    spent = time.monotonic() - start
    assert spent < limit, f"took {spent:.1f} s (more than {limit} s)"
