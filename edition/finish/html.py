"""Finished pages as a browser reads them: parsed once (tinyhtml5, WHATWG), changed as trees, written back.

Every step after the build (the guard, the policy, the metadata, the book) reads
and changes a page through this module: a page is parsed once, with tinyhtml5
(WeasyPrint's own parser, a WHATWG parser: it builds the tree a browser builds,
so markup cannot hide from it), every step changes the same tree, the guard
judges that tree, and `serialize` writes it with the HTML standard's
serialisation algorithm, which a browser (and WeasyPrint, for the PDF) parses
back into the same tree. No library in the lock writes an HTML tree back
(tinyhtml5 has no serialiser; Python's ElementTree writes XML, which HTML
parsers read differently: `<br></br>`, `<p/>`, raw text in `<script>`), hence
`serialize`, whose round trip tests/test_finish.py checks with generated trees.

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
tree is unchanged; tests/test_finish.py (the serialiser's round trip). `make bench` prints the build's time.
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


HTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
NAMESPACES = {HTML: "", SVG: "", MATHML: ""}
ATTRIBUTE_PREFIXES = {
    "{http://www.w3.org/1999/xlink}": "xlink:",
    "{http://www.w3.org/XML/1998/namespace}": "xml:",
    "{http://www.w3.org/2000/xmlns/}": "xmlns:",
}
# The HTML standard's lists: elements with no end tag, and those whose text is written raw.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "basefont", "bgsound", "frame", "keygen", "param"}
RAW_TEXT = {"style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext", "noscript"}
DOCTYPE = "<!DOCTYPE>"
ROOT = "DOCUMENT_ROOT"


def parse(html: str):
    """The whole document's tree, as tinyhtml5 builds it: a DOCUMENT_ROOT holding the doctype and <html>."""
    mend()
    return tinyhtml5.parse(html, full_tree=True)


def parse_fragment(html: str, container: str = "div") -> list:
    """The nodes of an HTML fragment as a `container` element's children (the edition's own markup)."""
    from tinyhtml5.parser import HTMLParser

    mend()
    fragment = HTMLParser().parse_fragment(html, container=container)
    nodes = list(fragment)
    if fragment.text:
        raise ValueError(f"the fragment starts with text outside an element: {fragment.text[:40]!r}")
    return nodes


def document_element(document):
    """The <html> element of a document."""
    return document.find(f"{HTML}html")


def local(tag) -> str:
    """An element's name without its namespace ("div", "svg", "title"); "" for a comment."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def element(name: str, attributes: dict | None = None, text: str | None = None):
    """A new HTML element."""
    import xml.etree.ElementTree as etree

    node = etree.Element(f"{HTML}{name}", attributes or {})
    node.text = text
    return node


def classes(node) -> list[str]:
    return (node.get("class") or "").split()


def text_of(node) -> str:
    """An element's words, as a reader reads them (spaces collapsed)."""
    return " ".join("".join(node.itertext()).split())


def serialize(document) -> str:
    """A document (or an element) as HTML, by the HTML standard's serialisation algorithm."""
    out: list[str] = []
    if local(document.tag) == ROOT:
        for child in document:
            _node(child, out, None)
            out.append(child.tail or "")
    else:
        _node(document, out, None)
    return "".join(out)


def _node(node, out: list[str], parent_name: str | None) -> None:
    import xml.etree.ElementTree as etree

    if node.tag is etree.Comment:
        out.append(f"<!--{node.text or ''}-->")
        return
    if node.tag == DOCTYPE:
        out.append(f"<!DOCTYPE {node.text or 'html'}>")
        return
    name = local(node.tag)
    out.append("<" + name)
    for key, value in node.attrib.items():
        out.append(f' {_attribute_name(key)}="{_escape(value, attribute=True)}"')
    out.append(">")
    html_element = node.tag.startswith(HTML)
    if html_element and name in VOID:
        return
    text = node.text or ""
    if html_element and name in ("pre", "textarea", "listing") and text.startswith("\n"):
        out.append("\n")  # the parser drops a first line feed after these start tags
    if html_element and name in RAW_TEXT:
        out.append(text)
    else:
        out.append(_escape(text))
    for child in node:
        _node(child, out, name)
        tail = child.tail or ""
        out.append(tail if html_element and name in RAW_TEXT else _escape(tail))
    out.append(f"</{name}>")


def _attribute_name(key: str) -> str:
    if key.startswith("{"):
        namespace, _, name = key.rpartition("}")
        prefix = ATTRIBUTE_PREFIXES.get(namespace + "}", "")
        if prefix == "xmlns:" and name == "xmlns":
            return "xmlns"
        return prefix + name
    return key


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("\u00a0", "&nbsp;")
    if attribute:
        return text.replace('"', "&quot;")
    return text.replace("<", "&lt;").replace(">", "&gt;")
