"""The offline copy (OFFLINE=true, `make site`) carries what a reader needs from file://, and no more.

Material's offline plugin makes the site work from the file system; this
hook, for that build only, keeps its zip small and every page of it working:

- the "not found" page is written with links relative to the copy's root
  (MkDocs writes an error page's links from the server's root, which from
  file:// is the root of the disk: an unstyled page that leads nowhere);
- source maps (`*.map`, 28 % of the copy) and the lines that name them go: they
  serve a developer's tools, not a reader;
- of lunr's language files, only those of the search plugin's languages stay
  (an allowlist; English needs none, it is built into the search worker);
- `search/search_index.json` goes: from file:// Material reads the index from
  `search/search_index.js`, which the offline plugin writes from it.

Tests: tests/test_offline.py (size, contents, search and the 404 page from file://).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs import utils
from mkdocs.plugins import event_priority

from edition.pages import offline_build

log = logging.getLogger("mkdocs.hooks.offline_copy")

LUNR = Path("assets") / "javascripts" / "lunr"
SOURCE_MAP_LINE = re.compile(rb"\n?/[/*][#@] sourceMappingURL=[^\n]*?(\*/)?[ \t]*(?=\n|$)")
# Which of lunr's files a language needs beside lunr itself (Material's search worker loads them).
SUPPORT = ["min/lunr.stemmer.support.min.js", "min/lunr.multi.min.js"]
EXTRA = {"ja": ["tinyseg.js"], "jp": ["tinyseg.js"], "th": ["wordcut.js"]}


def on_template_context(context, template_name, config):
    if offline_build(config) and utils.is_error_template(template_name):
        context["base_url"] = "."
        context["extra_css"] = [utils.normalize_url(path, None, ".") for path in config.extra_css]
        context["extra_javascript"] = [utils.normalize_url(str(path), None, ".") for path in config.extra_javascript]
    return context


@event_priority(-200)  # after the offline plugin has written search_index.js from the JSON
def on_post_build(config):
    if not offline_build(config):
        return
    site = Path(config.site_dir)
    for source_map in site.rglob("*.map"):
        source_map.unlink()
    for path in [*site.rglob("*.js"), *site.rglob("*.css")]:
        data = path.read_bytes()
        lean = SOURCE_MAP_LINE.sub(b"", data)
        if lean != data:
            path.write_bytes(lean)
    keep = lunr_files(search_languages(config))
    lunr = site / LUNR
    for path in sorted(lunr.rglob("*")) if lunr.is_dir() else []:
        if path.is_file() and path.relative_to(lunr).as_posix() not in keep:
            path.unlink()
    for folder in sorted((p for p in lunr.rglob("*") if p.is_dir()), reverse=True) if lunr.is_dir() else []:
        if not any(folder.iterdir()):
            folder.rmdir()
    if lunr.is_dir() and not any(lunr.iterdir()):
        lunr.rmdir()
    script = site / "search" / "search_index.js"
    if script.exists():
        (site / "search" / "search_index.json").unlink(missing_ok=True)
    else:
        log.error("the offline copy has no search/search_index.js: search would not work from file://")


def search_languages(config) -> list[str]:
    plugin = config.plugins.get("search") or config.plugins.get("material/search")
    languages = plugin.config.get("lang") if plugin is not None else None
    return list(languages or [config.theme.get("language", "en")])


def lunr_files(languages: list[str]) -> set[str]:
    """The lunr files that Material's search worker loads for these languages (none for English alone)."""
    others = [language for language in languages if language != "en"]
    if not others:
        return set()
    files = set(SUPPORT)
    for language in others:
        files.add(f"min/lunr.{language}.min.js")
        files.update(EXTRA.get(language, []))
    return files
