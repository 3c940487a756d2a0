"""The WHATWG HTML parser the guards read finished pages with: tinyhtml5, its cache mended.

The content guard (content_guard.py) and the policy (content_security_policy.py)
parse every finished page as a browser would, with tinyhtml5, WeasyPrint's own
parser (already a dependency; no faster parser follows the WHATWG tree-building
rules and is kept as well). It was the largest part of every build.

Why a mend: tinyhtml5 2.1.0 means to cache one compiled regular expression per
set of characters in `HTMLUnicodeInputStream.chars_until`, but its chained assignment
`characters = characters_until_regex[(characters, opposite)] = regex` binds
`characters` to the regex first and then stores the regex under the regex:
the cache never answers, and every call of the tokenizer builds the pattern
again. Giving the module a cache that fills itself on a miss (`__missing__`),
with the very pattern tinyhtml5 builds, parses the pages in less than half the
time and changes nothing in the tree. It applies to WeasyPrint's parse of the
PDF too, which runs in the same process.

Tests: tests/test_upstream.py::test_tinyhtml5_chars_until_still_looks_up_its_cache
names the internal this relies on (and fails first when it changes);
tests/test_upstream.py::test_the_mended_cache_parses_the_same_tree_and_fills_itself proves the
tree is unchanged. `make bench` prints the build's time.
"""

from __future__ import annotations

import re

import tinyhtml5
import tinyhtml5.inputstream


class _PatternCache(dict):
    """(characters, opposite) → the compiled pattern `chars_until` would build, built once."""

    def __missing__(self, key):
        characters, opposite = key
        # The same pattern as tinyhtml5.inputstream.HTMLUnicodeInputStream.chars_until builds.
        pattern = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            pattern = f"^{pattern}"
        compiled = self[key] = re.compile(f"[{pattern}]+")
        return compiled


def mend() -> None:
    """Give tinyhtml5 a pattern cache that works (once per process)."""
    if not isinstance(tinyhtml5.inputstream.characters_until_regex, _PatternCache):
        tinyhtml5.inputstream.characters_until_regex = _PatternCache()


def parse(html: str):
    """The page's tree, as tinyhtml5 builds it (an ElementTree element, namespaced tags)."""
    mend()
    return tinyhtml5.parse(html)
