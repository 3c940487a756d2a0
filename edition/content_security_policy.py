"""A strict Content-Security-Policy on every page, listing only the scripts the theme is known to write.

Readers of this site may be at risk, so no page may load or run anything that
is not the site's own. The policy sits in a <meta> tag at the top of the
`site_meta` block (later is too late: scripts before it would run unchecked),
on every page and on 404.html.

The policy is a second wall, independent of the page: its script hashes are
computed from the theme's templates, never from the page's contents, so a
script that slips past every check (edition/content_guard.py) is still
refused by the browser. Known inline scripts (on_env, once per build):

- every inline script of Material's `partials/javascripts/*.html`, rendered
  with this site's configuration for every `base_url` a page of this build
  has (the scope script names it; 404.html uses the site's path);
- in the offline copy (file://), the script that Material's iframe-worker
  shim writes into its frame to run search: its text is the shim's own
  functions and the search worker's address, which depends only on the page's
  depth, so it is computed from the shipped shim.js for every depth;
- under `mkdocs serve`, the live-reload script, which MkDocs' server writes
  into each response: its text holds a timestamp, so the server's injection
  is wrapped (on_serve) to add that one script's hash to the response's
  policy. `LiveReloadServer._inject_js_into_html` is an internal of MkDocs;
  tests/test_red_team.py names it and fails first if it changes.

Tests: tests/test_privacy.py, tests/test_red_team.py (family "policy"),
tests/test_offline.py (search from file:// under the policy).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from edition import html5
from edition.pages import offline_build

log = logging.getLogger("mkdocs.hooks.content_security_policy")

PLACEHOLDER = "csp-placeholder-filled-by-content_security_policy"

POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],  # plus the hashes of the known inline scripts
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # Material's icons are data: URIs
    "font-src": ["'self'"],
    "connect-src": ["'self'"],  # the search index; live reload under serve
    "worker-src": ["'self'"],  # the search worker
    "manifest-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}
SHIM = Path(__file__).resolve().parent.parent / "overrides" / "assets" / "javascripts" / "iframe-worker" / "shim.js"
SHIM_PATH = "assets/javascripts/iframe-worker/shim.js"
BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js")
WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")

_known: set[str] = set()  # 'sha256-…' of every inline script the theme and the edition write in this build
_scripts: set[str] = set()  # site paths of the script files pages may load
_policy: list[str] = [""]
if __name__ != "edition.content_security_policy":
    # MkDocs loads this file as a hook under another module name; content_guard reads
    # the known scripts from the package module: share its objects.
    from edition.content_security_policy import _known, _policy, _scripts  # noqa: F811


def on_config(config):
    config.extra["csp_placeholder"] = PLACEHOLDER
    return config


@event_priority(100)
def on_env(env, config, files):
    """Before any template is rendered: the known scripts, from the templates."""
    _known.clear()
    _scripts.clear()
    bases = {".", urlsplit(config.site_url or "/").path or "/"}
    bases |= {get_relative_url(".", page.url) for page in files.documentation_pages()}
    base_source = env.loader.get_source(env, "base.html")[0]
    texts = set()
    for name in sorted(env.list_templates()):
        if name.startswith("partials/javascripts/") and name.endswith(".html"):
            template = env.get_template(name)
            for base in bases:
                texts |= set(inline_scripts(template.render(config=config, base_url=base, features=config.theme.get("features") or [])))
    if offline_build(config):
        worker = WORKER.search(base_source).group(0)
        targets = {posixpath.join(urlsplit(config.site_url or "/").path or "/", worker)}
        targets |= {get_relative_url(worker, page.url) for page in files.documentation_pages()}
        texts |= {shim_frame_script(SHIM.read_text(encoding="utf-8"), target) for target in targets}
        _scripts.add(SHIM_PATH)
    _known.update(sha256(text) for text in texts)
    _scripts.add(BUNDLE.search(base_source).group(0))
    _scripts.update(str(script) for script in config.extra_javascript)
    _policy[0] = _render_policy()
    return env


@event_priority(-90)  # after every hook that changes the page, before the PDF reads it (-100)
def on_post_page(output, page, config):
    return _fill(output, page.file.src_uri)


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html"):
        return _fill(output_content, template_name)
    return output_content


def on_serve(server, config, builder):
    """Live reload under the policy: hash the one script MkDocs' server writes into each page."""
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is None:
        log.warning("MkDocs' live-reload injection was not found: the policy will block live reload")
        return server

    def inject_with_hash(content: bytes, epoch: int) -> bytes:
        return add_injected_script_hash(content, inject(content, epoch))

    server._inject_js_into_html = inject_with_hash
    return server


# Helpers


def known_hashes() -> set[str]:
    return set(_known)


def script_files(config) -> set[str]:
    return set(_scripts)


def policy(config=None) -> str:
    return _policy[0] or _render_policy()


def _render_policy() -> str:
    directives = {name: list(values) for name, values in POLICY.items()}
    directives["script-src"] += sorted(_known)
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script a browser would run, read with a WHATWG parser."""
    root = html5.parse(html)
    return [
        element.text or ""
        for element in root.iter("{http://www.w3.org/1999/xhtml}script")
        if element.get("src") is None
        and (element.get("type") or "").lower() in ("", "text/javascript", "module", "application/javascript")
    ]


def site_path(src: str, config=None) -> str | None:
    """A script's address as a path in the site ('assets/…'), or None if it is not one of the site's."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return None
    path = parts.path
    prefix = urlsplit((config.site_url if config else None) or "/").path or "/"
    if path.startswith("/"):
        if not path.startswith(prefix):
            return None
        path = path[len(prefix) :]
    segments = path.split("/")
    while segments and segments[0] in ("..", "."):
        segments.pop(0)
    if any(s in ("", ".", "..") for s in segments):
        return None
    return "/".join(segments)


def shim_frame_script(shim: str, worker: str) -> str:
    """The inline script the iframe-worker shim writes into its frame for a worker at `worker`.

    The shim writes `<script>postMessage=${c};importScripts=${d};…"${e}"…</script>`,
    where c and d are its own functions (a function's text is its source) and e the
    worker's address as Material gives it (relative to the page).
    """
    start = shim.index("document.write(`") + len("document.write(`")
    template = shim[start : shim.index("`)", start)]
    body = template[template.index("<script>") + len("<script>") : template.index("<\\/script>")]
    functions = {name: _function_source(shim, name) for name in re.findall(r"\$\{(\w)\}", body) if name != "e"}
    for name, source in functions.items():
        body = body.replace("${" + name + "}", source)
    return body.replace("${e}", worker)


def _function_source(source: str, name: str) -> str:
    start = source.index(f"function {name}(")
    depth = 0
    for index in range(source.index("{", start), len(source)):
        depth += {"{": 1, "}": -1}.get(source[index], 0)
        if depth == 0:
            return source[start : index + 1]
    raise ValueError(f"function {name} of the shim does not end")


def add_injected_script_hash(original: bytes, injected: bytes) -> bytes:
    """Given a page before and after MkDocs' server injected its script, add that script's hash to the policy."""
    try:
        body_end = original.rindex(b"</body>")
    except ValueError:
        body_end = len(original)
    added = injected[body_end : len(injected) - (len(original) - body_end)]
    if not (added.startswith(b"<script>") and added.endswith(b"</script>")):
        return injected
    digest = sha256(added[len(b"<script>") : -len(b"</script>")].decode("utf-8")).encode()
    return injected.replace(b"script-src 'self'", b"script-src 'self' " + digest, 1)


def _fill(html: str, where: str) -> str:
    if PLACEHOLDER not in html:
        log.error(f"{where}: no Content-Security-Policy placeholder; does the template extend overrides/main.html?")
        return html
    return html.replace(PLACEHOLDER, policy(), 1)
