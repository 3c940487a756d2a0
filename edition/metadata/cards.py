"""Share images for every page, drawn at build time with no network.

Material's social plugin fetches its fonts from Google while building. The
finishing step draws a 1200x630 card per page with Pillow and Source Sans Pro
from the `font-source-sans-pro` package, and names it in the page's Open Graph
and Twitter tags with what it says (edition/finish/pages.py). Drawing and
compressing a card takes 45 ms (zlib's default level: Pillow's `optimize`
would take 100 ms to save 5 % of 44 KB), so cards are kept in
`.cache/social-cards/` under a hash of what is drawn on them, as Material's own
social plugin does, and only copied when nothing changed: a file there that is
not a card of ours (a link, another kind of file) is drawn over. A card's bytes
depend only on what is drawn on it, so two builds of one commit publish the
same cards.

Tests: tests/test_sharing.py; tests/test_red_team.py (a planted cache file is never published).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

SIZE = (1200, 630)
BACKGROUND = (64, 28, 96)
FOREGROUND = (255, 255, 255)
MUTED = (221, 205, 240)
FOLDER = "assets/images/social"
CACHE = ".cache/social-cards"
MAX_CARD_BYTES = 512 * 1024  # a drawn card is about 30 KiB
DESIGN = "1"  # change it when the drawing changes, so that no old card is reused


def publish(site: Path, cache: Path, src_uri: str, title: str, site_name: str, author: str) -> str:
    """Draw (or take from the cache) the page's card, write it into the site; its path in the site."""
    import shutil

    uri = f"{FOLDER}/{src_uri.removesuffix('.md')}.png"
    cached = cached_card(cache, title, site_name, author)
    if not is_card(cached):
        draw_card(cached, title=title, site=site_name, author=author)
    target = site / uri
    os.makedirs(target.parent, exist_ok=True)
    shutil.copyfile(cached, target)
    return uri


# Helpers


def alt_text(title: str, site: str, author: str) -> str:
    """What the card says, for readers who cannot see it (og:image:alt, twitter:image:alt)."""
    return f"{site}: {title}. An essay by {author}."


def cached_card(cache: Path, title: str, site: str, author: str) -> Path:
    """Where the cache keeps a card: under a hash of the design and of what is drawn on it."""
    digest = hashlib.sha256("\0".join((DESIGN, title, site, author)).encode()).hexdigest()[:20]
    return cache / f"{digest}.png"


def is_card(path: Path) -> bool:
    """A file of the cache itself (not a link to elsewhere) that is a PNG of a card's size.

    `.cache/` is ignored by git, not by a pull request, which could commit a file,
    or a link to a secret outside the project, under the name of a page's card:
    anything else is drawn again (and the new card replaces the link itself).
    """
    from PIL import Image, UnidentifiedImageError

    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_CARD_BYTES:
        return False
    try:
        with Image.open(path, formats=["PNG"]) as image:
            return image.size == SIZE
    except (OSError, UnidentifiedImageError):
        return False


@lru_cache(maxsize=4)
def font(weight: str, size: int):
    from PIL import ImageFont
    import font_source_sans_pro

    path = Path(font_source_sans_pro.__file__).parent / "files" / f"SourceSansPro-{weight}.ttf"
    return ImageFont.truetype(str(path), size)


def wrap(text: str, face, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and face.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def draw_card(target: Path, title: str, site: str, author: str) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 80
    draw.rectangle([0, 0, 16, SIZE[1]], fill=MUTED)
    draw.text((margin, margin), site, font=font("Semibold", 36), fill=MUTED)
    size = 72
    face = font("Bold", size)
    lines = wrap(title, face, SIZE[0] - 2 * margin)
    while len(lines) > 4 and size > 40:
        size -= 8
        face = font("Bold", size)
        lines = wrap(title, face, SIZE[0] - 2 * margin)
    y = 190
    for line in lines[:5]:
        draw.text((margin, y), line, font=face, fill=FOREGROUND)
        y += int(size * 1.2)
    draw.text((margin, SIZE[1] - margin - 36), f"An essay by {author}", font=font("Regular", 34), fill=MUTED)
    os.makedirs(target.parent, exist_ok=True)
    # Written beside, then renamed: a build running at the same time never reads half a card.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    image.save(partial, "PNG")
    os.replace(partial, target)
