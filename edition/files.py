"""The one reader of the repository's files: every file the build reads comes through here.

A pull request controls the tree: it can commit a symbolic link named like a
page (`docs/notes.md -> ../.git/config`) or an include, a file of another
kind under an allowed name, a file too large to read, or bytes that are not
UTF-8. So every read names its kind, and the reader allows a path only when

- it is relative, inside the repository, with no `..` and no empty part;
- its folder and suffix are those the kind allows (`KINDS`, an allowlist);
- no part of it, from the repository's root down, is a symbolic link, and
  after resolving it is still inside the repository;
- it is a regular file (no device, pipe or folder), at most the kind's size;

and decodes text as UTF-8 (naming the line of a bad byte), refusing Windows
line endings and invisible control characters. Python's own `open` follows
links and knows no kinds, hence this module; `Path.resolve` and `lstat` do the
work. Every refusal names the file and the line: `edition.errors.Refusal`.

Tests: tests/test_red_team.py (family "files": links, kinds, sizes, bytes),
tests/test_sources.py (the reader itself).
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from edition.errors import SOURCE_GUARD, Refusal


@dataclass(frozen=True)
class Kind:
    """What may be read as one kind of file: where, with which suffixes, how large."""

    folders: tuple[str, ...]  # "" is the repository's root (then only `names` are allowed there)
    suffixes: tuple[str, ...]
    max_bytes: int
    names: tuple[str, ...] = ()  # files allowed by exact path, whatever the folders


KiB = 1024
KINDS = {
    # Pages and includes: Markdown, read as text (edition/guard/sources.py bounds them further).
    "page": Kind(("docs",), (".md",), 64 * KiB),
    "include": Kind(("includes",), (".md",), 64 * KiB, names=("CONTRIBUTING.md",)),
    # Files published from docs/ as they are (edition/guard/sources.py checks their contents).
    "asset": Kind(("docs",), (".svg", ".png", ".jpg", ".jpeg", ".webp", ".css"), 1024 * KiB),
    "bibliography": Kind((), (), 1024 * KiB, names=("references.bib",)),
    "citation_file": Kind((), (), 64 * KiB, names=("CITATION.cff",)),
    "data": Kind(("data",), (".yml",), 64 * KiB),
    "print": Kind(("print",), (".css", ".html"), 256 * KiB),
    "config": Kind((), (), 64 * KiB, names=("mkdocs.yml",)),
    "essay": Kind(("source",), (".txt",), 256 * KiB),
}


def check_path(root: Path, relative: str, kind: str) -> Path:
    """The file's absolute path, if `relative` is a file of this kind that may be read; else Refusal."""
    allowed = KINDS[kind]
    shown = relative
    parts = tuple(relative.split("/"))
    if (
        not relative
        or relative.startswith(("/", "\\"))
        or "\\" in relative
        or any(part in ("", ".", "..") for part in parts)
        or ":" in parts[0]
    ):
        raise Refusal(shown, None, "is not a plain path inside the repository (no /…, .., \\ or :)", SOURCE_GUARD)
    folder = "/".join(parts[:-1])
    in_folder = any(folder == f or folder.startswith(f + "/") for f in allowed.folders)
    if relative not in allowed.names and not (in_folder and relative.lower().endswith(allowed.suffixes)):
        where = ", ".join(f"{f}/ ({' '.join(allowed.suffixes)})" for f in allowed.folders) or ""
        names = ", ".join(allowed.names)
        raise Refusal(
            shown, None, f"is not a file the build reads as {kind.replace('_', ' ')} (allowed: {where or names})", SOURCE_GUARD
        )
    base = root.resolve()
    path = base
    for part in parts:
        path = path / part
        try:
            info = os.lstat(path)
        except OSError as error:
            raise Refusal(shown, None, f"cannot be read ({error.strerror})", SOURCE_GUARD) from None
        if stat.S_ISLNK(info.st_mode):
            raise Refusal(
                shown, None, "is a symbolic link (or lies in a linked folder); commit the file itself", SOURCE_GUARD
            )
    if not stat.S_ISREG(info.st_mode):
        raise Refusal(shown, None, "is not a regular file", SOURCE_GUARD)
    if base not in path.resolve().parents:
        raise Refusal(shown, None, "lies outside the repository", SOURCE_GUARD)
    if info.st_size > allowed.max_bytes:
        raise Refusal(
            shown, None, f"is larger than {allowed.max_bytes // KiB} KiB; split it, or is it the file you meant?", SOURCE_GUARD
        )
    return path


def read_bytes(root: Path, relative: str, kind: str) -> bytes:
    """The bytes of an allowed file (see `check_path`), read at most to the kind's size."""
    path = check_path(root, relative, kind)
    limit = KINDS[kind].max_bytes
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise Refusal(relative, None, f"cannot be read ({error.strerror})", SOURCE_GUARD) from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise Refusal(relative, None, "is not a regular file", SOURCE_GUARD)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refusal(relative, None, f"is larger than {limit // KiB} KiB", SOURCE_GUARD)
    return data


def read_text(root: Path, relative: str, kind: str) -> str:
    """An allowed file as text: UTF-8, LF line endings, no invisible control characters."""
    return decode(read_bytes(root, relative, kind), relative)


def decode(data: bytes, shown: str) -> str:
    """Bytes as text, or a Refusal naming the line of the first bad byte or character."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise Refusal(
            shown,
            line,
            f"byte 0x{data[error.start]:02x} is not UTF-8: save the file as UTF-8 (the edition's only encoding)",
            SOURCE_GUARD,
        ) from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        raise Refusal(
            shown,
            line_of(text, text.index("\r")),
            "has Windows (CR LF) or old Mac (CR) line endings: save it with LF line endings",
            SOURCE_GUARD,
        )
    at = invisible(text)
    if at is not None:
        raise Refusal(
            shown, line_of(text, at), f"contains an invisible control character, U+{ord(text[at]):04X}; delete it", SOURCE_GUARD
        )
    return text


def line_of(text: str, index: int) -> int:
    """The 1-based line of a character of the text."""
    return text.count("\n", 0, index) + 1


# What a visible text may hold, by Unicode category: letters, marks, numbers, punctuation,
# symbols and spaces, with tabs and line feeds. Control and format characters (zero-width,
# direction marks, the \x02 and \x03 Python-Markdown uses as placeholders), line and
# paragraph separators, private-use and unassigned code points are none of these.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}
NOT_PLAIN_ASCII = re.compile(r"[^\t\n\x20-\x7e]")


def invisible(text: str) -> int | None:
    """The index of the first character a reader cannot see, or None (tab and line feed are fine)."""
    for match in NOT_PLAIN_ASCII.finditer(text):  # printable ASCII, tab and line feed need no lookup
        if unicodedata.category(match.group()) in INVISIBLE_CATEGORIES:
            return match.start()
    return None


def listing(root: Path, folder: str) -> list[str]:
    """Every entry under a folder of the repository, as paths from the root, sorted; links listed, never followed.

    The caller reads each through `read_text` or `read_bytes`, which refuses what may not be read:
    a listing never hides a file from the checks.
    """
    base = root / folder
    if base.is_symlink():
        return [folder]
    if not base.is_dir():
        return []
    found = []
    for directory, folders, files in os.walk(base, followlinks=False):
        relative = Path(directory).relative_to(root).as_posix()
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in folders:
            if (Path(directory) / name).is_symlink():
                found.append(f"{relative}/{name}")
        found += [f"{relative}/{name}" for name in files]
    return sorted(found)
