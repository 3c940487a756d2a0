"""List the site's abbreviations on the glossary page, from the one file that defines them.

`pymdownx.snippets` appends `includes/abbreviations.md` to every page, so
that each abbreviation is explained wherever it appears (`<abbr title>`). A
page whose front matter says `compose: glossary` gets, in place of the line
`<!-- glossary -->`, the same definitions as a definition list, so that the
list is written once.

Tests: tests/test_abbreviations.py::test_glossary_lists_every_abbreviation_once.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from edition.pages import composes

log = logging.getLogger("mkdocs.hooks.glossary")

PLACEHOLDER = "<!-- glossary -->"
DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<meaning>.+)$")


def on_page_markdown(markdown, page, config, files):
    if not composes(page, markdown, "glossary", PLACEHOLDER, log):
        return markdown
    terms = []
    for path in abbreviation_files(config):
        terms += read_definitions(path)
    if not terms:
        log.error(f"{page.file.src_uri}: no abbreviations found (pymdownx.snippets auto_append)")
        return markdown
    listing = "\n\n".join(f"{term}\n:   {meaning}" for term, meaning in sorted(terms, key=lambda t: t[0].lower()))
    return markdown.replace(PLACEHOLDER, listing)


# Helpers


def abbreviation_files(config) -> list[Path]:
    """The files that pymdownx.snippets appends to every page."""
    options = config.mdx_configs.get("pymdownx.snippets", {})
    root = Path(config.config_file_path).parent
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else bases
    found = []
    for name in options.get("auto_append", []):
        candidates = [root / base / name for base in bases]
        existing = [path for path in candidates if path.is_file()]
        if existing:
            found.append(existing[0])
        else:
            log.error(f"mkdocs.yml: pymdownx.snippets auto_append file '{name}' was not found")
    return found


def read_definitions(path: Path) -> list[tuple[str, str]]:
    terms = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = DEFINITION.match(line)
        if match:
            terms.append((match.group("term"), match.group("meaning").strip()))
        else:
            log.warning(f"{path.name}:{number}: not an abbreviation definition ('*[TERM]: meaning')")
    return terms
