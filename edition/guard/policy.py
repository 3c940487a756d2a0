"""A strict Content-Security-Policy on every page, listing only the scripts the theme is known to write.

Readers of this site may be at risk, so no page may load or run anything that
is not the site's own. The finishing step (edition/finish) writes the policy as
a `<meta>` at the top of each page's head, right after the character set
(later would be too late: a script before it would run unchecked; the
character set stays within the first bytes, where a browser looks for it).

The policy is a second wall, independent of the page: its script hashes are
computed from the theme's templates, never from the page's contents, so a
script that slips past every check (edition/guard/content.py) is still refused
by the browser. Known inline scripts:

- every inline script of Material's `partials/javascripts/*.html`, rendered
  with this site's `extra` and features for every `base_url` a page of this
  build has (the scope script names it; 404.html uses the site's path);
- in the offline copy (file://), the script that Material's iframe-worker
  shim writes into its frame to run search: its text is the shim's own
  functions and the search worker's address, which depends only on the page's
  depth, so it is computed from the shipped shim.js for every depth;
- under `mkdocs serve`, the live-reload script, which MkDocs' server writes
  into each response: its text holds a timestamp, so the plugin wraps the
  server's injection (edition/plugin.py, `on_serve`) to add that one script's
  hash to the response's policy. `LiveReloadServer._inject_js_into_html` is an
  internal of MkDocs; tests/test_upstream.py names it and fails first if it changes.

Tests: tests/test_privacy.py, tests/test_red_team.py (family "policy"),
tests/test_offline.py (search from file:// under the policy).
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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
OVERRIDES = Path(__file__).resolve().parent.parent.parent / "overrides"
SHIM_PATH = "assets/javascripts/iframe-worker/shim.js"
BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js")
WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")


@dataclass
class Policy:
    """The build's policy: the hashes of the known inline scripts, and the script files pages may load."""

    known: set[str] = field(default_factory=set)  # "'sha256-…'"
    scripts: set[str] = field(default_factory=set)  # site paths, "assets/javascripts/bundle….min.js"
    site_path: str = "/"  # the site's path on its host ("/essay/")

    def text(self) -> str:
        directives = {name: list(values) for name, values in POLICY.items()}
        directives["script-src"] += sorted(self.known)
        return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())

    def allows_file(self, src: str) -> bool:
        return site_path(src, self.site_path) in self.scripts


def theme_policy(project, depths: set[str], offline: bool) -> Policy:
    """The policy of a build: the theme's inline scripts rendered for every page depth (`base_url`s)."""
    import jinja2

    site = urlsplit(project.site_url or "/").path or "/"
    theme = project.config.get("theme") or {}
    folders = [project.root / theme.get("custom_dir", "overrides"), material_templates()]
    loader = jinja2.FileSystemLoader([str(folder) for folder in folders])
    env = jinja2.Environment(loader=loader, auto_reload=False)
    config = {"extra": project.config.get("extra") or {}, "theme": theme}
    features = theme.get("features") or []
    bases = {*depths, site}
    texts = set()
    # The theme's script partials, in either folder (not `env.list_templates()`, which walks Material's icons too).
    names = {
        path.relative_to(folder).as_posix()
        for folder in folders
        for path in (folder / "partials" / "javascripts").rglob("*.html")
    }
    for name in sorted(names):
        template = env.get_template(name)
        for base in bases:
            texts |= set(inline_scripts(template.render(config=config, base_url=base, features=features)))
    base_source = (material_templates() / "base.html").read_text(encoding="utf-8")
    policy = Policy(site_path=site)
    policy.scripts.add(BUNDLE.search(base_source).group(0))
    policy.scripts.update(str(script) for script in project.config.get("extra_javascript") or [])
    if offline:
        worker = WORKER.search(base_source).group(0)
        # The worker's address as Material writes it in each page's `__config`: relative to the
        # page ("../assets/…"; "assets/…" at the root, and in the 404 page the finishing step rewrote).
        targets = {worker if depth == "." else posixpath.join(depth, worker) for depth in depths}
        shim = (OVERRIDES / "assets" / "javascripts" / "iframe-worker" / "shim.js").read_text(encoding="utf-8")
        texts |= {shim_frame_script(shim, target) for target in targets}
        policy.scripts.add(SHIM_PATH)
    policy.known = {sha256(text) for text in texts}
    return policy


def material_templates() -> Path:
    import material

    return Path(material.__file__).resolve().parent / "templates"


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script a browser would run, read with the WHATWG parser."""
    from edition.finish import html as html5

    root = html5.parse(html)
    return [
        element.text or ""
        for element in root.iter(f"{html5.HTML}script")
        if element.get("src") is None
        and (element.get("type") or "").lower() in ("", "text/javascript", "module", "application/javascript")
    ]


def site_path(src: str, prefix: str = "/") -> str | None:
    """A script's address as a path in the site ('assets/…'), or None if it is not one of the site's."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return None
    path = parts.path
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
