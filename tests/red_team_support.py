"""Helpers for the red-team tests: mutated copies of the project, built in-process or as a contributor builds."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import markdown
from conftest import ROOT
from edition.project import Project




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


def build_in_process(project: Path, strict: bool = True, prepare=None, **env: str) -> Result:
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
        if prepare is not None:
            prepare(config)
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
    config = Project.load(ROOT / "mkdocs.yml", environ={}).config
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, opts = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        if name == "pymdownx.snippets" or name.startswith("edition."):
            continue  # snippets have their own family, citations theirs; here the page's own Markdown
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


# Hostile Markdown, one variant a line, and a phrase of the problem the page check reports.
HOSTILE_MARKDOWN = {
    "script": ("<script>alert(1)</script>", "<script> is not allowed"),
    "script, odd case, with src": ('<ScRiPt src="/x.js"></sCrIpT>', "<script> is not allowed"),
    "iframe": ('<iframe src="https://example.org/"></iframe>', "<iframe> is not allowed"),
    "object": ('<object data="x.swf"></object>', "<object> is not allowed"),
    "embed": ('<EMBED src="x.swf">', "<embed> is not allowed"),
    "style": ("<style>body { display: none }</style>", "<style> is not allowed"),
    "form": ('<form><input name="q"></form>', "<form> is not allowed"),
    "input alone": ('<input autofocus onfocus="alert(1)">', "not allowed"),
    "script inside SVG": ("<svg><script>alert(1)</script></svg>", "<script> is not allowed"),
    "style inside MathML": ("<math><mtext><style>x</style></mtext></math>", "not allowed"),
    "SVG animation rewriting a link": (
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>', "is not allowed"),
    "SVG fill from another host": ('<svg><rect fill="url(https://t.example/#a)"/></svg>', "is not a colour"),
    "SVG filter attribute": ('<svg><rect filter="url(https://t.example/#f)"/></svg>', "filter"),
    "SVG mask attribute": ('<svg><rect mask="url(https://t.example/#m)"/></svg>', "mask"),
    "SVG cursor attribute": ('<svg><rect cursor="url(https://t.example/c.cur)"/></svg>', "cursor"),
    "onerror on an image": ('<img src="missing.png" onerror="alert(1)">', "event handler attribute onerror"),
    "onclick with a slash for a space": ('<p/onclick="alert(1)">x</p>', "event handler attribute onclick"),
    "ONMOUSEOVER in capitals": ('<span ONMOUSEOVER="alert(1)">x</span>', "event handler attribute onmouseover"),
    "attr_list on a heading": ('## A heading { onclick="alert(1)" }', "event handler attribute onclick"),
    "attr_list on a paragraph": ('Some words.\n{ onmouseover="alert(1)" }', "event handler attribute onmouseover"),
    "attr_list id breaking out of the table of contents": (
        '## A heading { id="x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" }', "is not a plain name"),
    "javascript: link": ("[Click](javascript:alert(1))", "javascript: scheme"),
    "JaVaScRiPt: link": ("[Click](JaVaScRiPt:alert(1))", "javascript: scheme"),
    "entity-encoded javascript:": ('<a href="&#106;avascript&#58;alert(1)">x</a>', "javascript: scheme"),
    "tab inside javascript:": ('<a href="java&#x09;script:alert(1)">x</a>', "javascript: scheme"),
    "leading control character": ('<a href="&#x01; javascript:alert(1)">x</a>', "javascript: scheme"),
    "named entity colon": ('<a href="javascript&colon;alert(1)">x</a>', "javascript: scheme"),
    "data: link": ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "data: scheme"),
    "vbscript: link": ('<a href="VBScript:msgbox(1)">x</a>', "vbscript: scheme"),
    "javascript: through attr_list": ('[x](about.md){ href="javascript:alert(1)" }', "javascript: scheme"),
    "image from another host": ("![pixel](https://tracker.example/p.gif)", "from another host"),
    "protocol-relative image": ('<img src="//tracker.example/p.gif" alt="">', "from another host"),
    "backslash host image": ('<img src="/\\tracker.example/p.gif" alt="">', "from another host"),
    "srcset from another host": ('<img src="a.png" srcset="a.png 1x, https://t.example/b.png 2x" alt="">', "srcset"),
    "video poster from another host": ('<video poster="https://t.example/p.jpg"></video>', "<video> is not allowed"),
    "data: image": ('<img src="data:image/svg+xml,<svg/onload=alert(1)>" alt="">', "from another host"),
    "SVG image from another host": ('<svg><image href="https://t.example/p.png"/></svg>', "<image> is not allowed"),
    "link element": ('<link rel="stylesheet" href="https://t.example/s.css">', "not allowed"),
    "CSS url() in attr_list style": ('Words.\n{ style="background: url(https://t.example/p.gif)" }', "style"),
    "any other style attribute": ('<div style="position: fixed; inset: 0">x</div>', "style"),
    "srcdoc": ('<p srcdoc="x">y</p>', "srcdoc"),
    "comment hiding markup from a parser": ("<!--><img src=x onerror=alert(1)>-->", "onerror"),
    "text element hiding markup from a parser": (
        '<textarea><!--</textarea><img src="https://t.example/p.gif">-->', "<textarea> is not allowed"),
    "details ontoggle": ("<details open ontoggle=alert(1)><summary>x</summary></details>", "ontoggle"),
    "SVG xlink:href": ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "is not allowed"),
    "SVG use from another host": ('<svg><use href="https://t.example/i.svg#a"/></svg>', "<use> is not allowed"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://t.example/">', "not allowed"),
    "base element": ('<base href="https://t.example/">', "<base> is not allowed"),
    "ping on a link": ('<a href="https://example.org/" ping="https://t.example/">x</a>', "ping"),
    "numeric entity without semicolon": ('<a href="javascript&#0000058alert(1)">x</a>', "javascript: scheme"),
    "a title in the body": ("<title>x</title>", "<title> is not allowed"),
    "a template element": ("<template><script>alert(1)</script></template>", "<template> is not allowed"),
    "a new tab without noopener": ('<a href="https://example.org/" target="_blank">x</a>', "noopener"),
}  # fmt: skip
