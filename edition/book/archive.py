"""Reproducible zips (the offline copy, the EPUB's container) and the one date a build writes.

A download must be checkable against the commit it was built from: two builds
of one commit, on any machine, on any day, in any folder, give the same bytes.
Python's `zipfile` (and `python -m zipfile -c`, which `make site` used) takes
each entry's time from the file or the clock, its permissions from the
disk, and its order from the folder's listing; so this module writes zips
itself, with `zipfile`'s own writer:

- entries sorted by name (folders before what they hold), the EPUB's
  `mimetype` first and stored, as the OCF container requires;
- every timestamp the build's date (`build_date`), permissions fixed
  (0644 for files, 0755 for folders), made on Unix (`create_system` 3),
  compressed at a fixed level;
- symbolic links refused, never followed (the offline copy holds none).

`build_date` is the date every download carries: `SOURCE_DATE_EPOCH`
(seconds since 1970, as reproducible-builds.org defines it; the Makefile sets
it from `git log -1 --format=%ct`), or else the edition's release date from
CITATION.cff (`date-released`), never the clock.

The offline copy is zipped by the Makefile with
`python -m edition.book.archive SOURCE_DIR TARGET.zip`.

Tests: tests/test_book.py (two zips of one folder made at different times and
places are byte-identical; the EPUB's entries and their order).
"""

from __future__ import annotations

import os
import stat
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from edition.errors import BOOK, Refusal

ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the earliest time a zip entry can hold
FILE_MODE = 0o100644
FOLDER_MODE = 0o040755
LEVEL = 9
UNIX = 3


def build_date(environ: dict, released: str | None) -> datetime:
    """The build's date: SOURCE_DATE_EPOCH if set, else CITATION.cff's `date-released` (UTC midnight)."""
    epoch = (environ or {}).get("SOURCE_DATE_EPOCH")
    if epoch not in (None, ""):
        if not str(epoch).strip().isdigit():
            raise Refusal("SOURCE_DATE_EPOCH", None, f"is {epoch!r}: it must be whole seconds since 1970 "
                          "(the Makefile sets it to `git log -1 --format=%ct`)", BOOK)
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    if released:
        return datetime.fromisoformat(released).replace(tzinfo=timezone.utc)
    raise Refusal("CITATION.cff", None, "has no date-released, and SOURCE_DATE_EPOCH is not set: "
                  "the downloads have no date to carry", BOOK)


def zip_time(date: datetime) -> tuple[int, int, int, int, int, int]:
    """A date as a zip entry holds it (UTC, to the even second, from 1980 on)."""
    date = max(date.astimezone(timezone.utc), ZIP_EPOCH)
    return (date.year, date.month, date.day, date.hour, date.minute, date.second - date.second % 2)


def write_entries(target, entries: list[tuple[str, bytes]], date: datetime, stored: tuple[str, ...] = ()) -> None:
    """A zip of `entries` (name, bytes) in the order given, every one dated `date`; names in `stored` uncompressed.

    A name ending in "/" is a folder. `target` is a path or a binary file.
    """
    when = zip_time(date)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = UNIX
            if name.endswith("/"):
                info.external_attr = (FOLDER_MODE << 16) | 0x10
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, b"")
                continue
            info.external_attr = FILE_MODE << 16
            if name in stored:
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, data)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=LEVEL)


def folder_entries(source: Path) -> list[tuple[str, bytes]]:
    """Every folder and file under `source`, as entries under the folder's own name, sorted; links refused."""
    source = Path(source)
    if source.is_symlink() or not source.is_dir():
        raise Refusal(str(source), None, "is not a folder", BOOK)
    top = source.name
    entries = [(f"{top}/", b"")]
    for path in source.rglob("*"):
        name = f"{top}/{path.relative_to(source).as_posix()}"
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise Refusal(name, None, "is a symbolic link: the archive holds only files", BOOK)
        if stat.S_ISDIR(info.st_mode):
            entries.append((name + "/", b""))
        elif stat.S_ISREG(info.st_mode):
            entries.append((name, path.read_bytes()))
        else:
            raise Refusal(name, None, "is not a regular file", BOOK)
    return sorted(entries, key=lambda entry: entry[0])  # by name as the zip holds it: a folder before its files


def zip_folder(source: Path, target: Path, date: datetime) -> None:
    """A reproducible zip of a folder (its name the zip's top folder, as `python -m zipfile -c` makes it)."""
    entries = folder_entries(source)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    write_entries(partial, entries, date)
    os.replace(partial, target)


def main(argv: list[str] | None = None) -> int:
    """`python -m edition.book.archive SOURCE_DIR TARGET.zip` (from the repository's root)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m edition.book.archive SOURCE_DIR TARGET.zip", file=sys.stderr)
        return 2
    try:
        released = None
        if not os.environ.get("SOURCE_DATE_EPOCH"):
            from edition.metadata import citation_file

            released = citation_file.read(Path.cwd()).date_released
        zip_folder(Path(args[0]), Path(args[1]), build_date(dict(os.environ), released))
    except Refusal as refusal:
        print(refusal, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
