"""A strict Content-Security-Policy on every page, with hashes made at build time.

Readers of this site may be at risk, so no page may load or run anything that
is not the site's own. The policy sits in a <meta> tag at the top of the
`site_meta` block (later is too late: scripts before it would run unchecked).
Material needs a few inline scripts whose text depends on the page's depth and
on `site_url`, so their sha256 hashes are computed here from the finished page,
never copied by hand: an upgrade of Material or a new site_url can't break it.

The offline copy (opened from file://) runs search through Material's
iframe-worker shim, which writes an inline script holding the worker's file
path on the reader's disk into a frame: no hash can be known in advance. Its
policy allows inline scripts instead of hashing them; everything else, and
above all the ban on loading anything from anywhere but the copy itself,
stays the same. So does the preview of `mkdocs serve`, whose live-reload
script is written into each page after this hook has run.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re

from mkdocs.plugins import event_priority

from edition.pages import offline_build

log = logging.getLogger("mkdocs.hooks.content_security_policy")

PLACEHOLDER = "csp-placeholder-filled-by-content_security_policy"

POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],  # plus the hashes of this page's inline scripts
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # Material's icons are data: URIs
    "font-src": ["'self'"],
    "connect-src": ["'self'"],  # the search index
    "worker-src": ["'self'"],  # the search worker
    "manifest-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}


_serving = False


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    config.extra["csp_placeholder"] = PLACEHOLDER
    return config


@event_priority(-90)  # after every hook that changes the page, before the PDF reads it (-100)
def on_post_page(output, page, config):
    return _fill(output, page.file.src_uri, inline_allowed(config))


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html"):
        return _fill(output_content, template_name, inline_allowed(config))
    return output_content


def inline_allowed(config) -> bool:
    """The offline copy and the live preview run inline scripts no hash can know."""
    return _serving or offline_build(config)


# Helpers

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script the browser would execute."""
    scripts = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs):
            continue
        kind = re.search(r'\btype\s*=\s*"([^"]*)"', attrs)
        if kind and kind.group(1).lower() not in ("", "text/javascript", "module", "application/javascript"):
            continue  # data blocks such as JSON-LD are not executed
        scripts.append(match.group("body"))
    return scripts


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def policy(html: str, inline: bool = False) -> str:
    directives = {name: list(values) for name, values in POLICY.items()}
    if inline:
        directives["script-src"].append("'unsafe-inline'")
        directives["frame-src"] = ["'self'"]
        return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
    for script in inline_scripts(html):
        digest = sha256(script)
        if digest not in directives["script-src"]:
            directives["script-src"].append(digest)
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _fill(html: str, where: str, inline: bool) -> str:
    if PLACEHOLDER not in html:
        log.error(f"{where}: no Content-Security-Policy placeholder; does the template extend overrides/main.html?")
        return html
    return html.replace(PLACEHOLDER, policy(html, inline))
