"""The edition plugin's options, typed as Material's plugins type theirs (MkDocs `Config` classes).

In mkdocs.yml, under `plugins: - edition:`. The same classes validate the same
options when the edition runs without MkDocs (`python -m edition`, after
another generator): edition/project.py reads them from mkdocs.yml, and
`load` validates them here. Every switch is written one way, as Material's
offline plugin's is: `enabled: !ENV [NAME, false]`, set with `NAME=true`
(or `NAME=1`).

Tests: tests/test_sources.py (the options as MkDocs and as the command line read them).
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from edition.errors import SOURCE_GUARD, Refusal


class Switch(c.Type):
    """A switch: true or false, also from an environment variable set to 1 or 0."""

    def __init__(self, default: bool = False):
        super().__init__(bool, default=default)

    def run_validation(self, value):
        if value in (0, 1) and not isinstance(value, bool):
            return bool(value)
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        return super().run_validation(value)


class PdfConfig(base.Config):
    """The PDF, A4 and US Letter (edition/book/pdf.py)."""

    enabled = Switch()
    output_path = c.Type(str, default="downloads/essay.pdf")
    letter_output_path = c.Type(str, default="downloads/essay-letter.pdf")
    # What the cover says besides the title and the author.
    cover_date = c.Type(str, default="")
    edition = c.Type(str, default="")
    edition_note = c.Type(str, default="")
    toc_title = c.Type(str, default="Contents")
    # Seconds WeasyPrint may take for one paper: a page that takes longer stops the build.
    time_limit = c.Type(int, default=120)


class EpubConfig(base.Config):
    """The EPUB (edition/book/epub.py)."""

    enabled = Switch()
    output_path = c.Type(str, default="downloads/essay.epub")


class BookConfig(base.Config):
    """What the PDF and the EPUB hold besides the essay's sections, in this order (pages of docs/)."""

    back_pages = c.ListOfItems(c.Type(str), default=[])


class EditionConfig(base.Config):
    # Open Graph's og:locale (language_TERRITORY; the language is theme.language).
    locale = c.Type(str, default="en_GB")
    # The offline copy's zip, which `make site` makes; every page links it.
    offline_copy = c.Type(str, default="downloads/offline.zip")
    # Where the share cards are kept between builds.
    cache_dir = c.Type(str, default=".cache")
    pdf = c.SubConfig(PdfConfig)
    epub = c.SubConfig(EpubConfig)
    book = c.SubConfig(BookConfig)


def load(options: dict | None) -> EditionConfig:
    """The plugin's options from mkdocs.yml, validated as MkDocs validates them; a Refusal naming the key."""
    config = EditionConfig()
    config.load_dict(dict(options or {}))
    errors, _warnings = config.validate()
    if errors:
        key, error = errors[0]
        raise Refusal("mkdocs.yml", None, f"plugins.edition.{key}: {error}", SOURCE_GUARD)
    return config
