"""Judge every finished page, and every file published from docs/, against allowlists.

A pull request reaches a reader's browser by many routes: raw HTML and
attr_list in Markdown, a reference's address, a heading id that the table of
contents writes unescaped, a title that Material writes raw into `<title>`,
`<meta>` and the navigation of every page, a file dropped into docs/. Listing
what is forbidden always misses a route, so this hook allows only what the
edition is known to publish, and stops the build in every mode (a log warning
would let a non-strict build or `mkdocs serve` carry on), naming the file,
the line where the problem can be found and the problem.

- on_files: files under docs/ may be pages (.md), images (.svg, .png, .jpg,
  .webp; raster files must be what their name says, SVG is checked like a
  page) and the stylesheets named in `extra_css`; anything else stops the
  build.
- on_post_page and on_post_template (404.html): the whole page as Material's
  template and every hook left it, read with tinyhtml5 (edition/html5.py), a WHATWG parser (it
  builds the tree a browser builds, so markup cannot hide from it), and every
  element and attribute compared with ELEMENTS: what Material's templates
  (base.html and the partials this configuration uses), the enabled Markdown
  extensions and the edition's hooks write. Chrome-only elements (forms,
  inputs, scripts) may not appear inside the article. Every `<script>` must be
  one the theme or the edition writes: a file of the theme, a data block of
  valid JSON, or an inline script whose hash the Content-Security-Policy
  knows (edition/content_security_policy.py, computed from the templates).
- CSS (the stylesheet) is read with tinycss2, which tokenises `url()`,
  escapes and comments exactly as a browser does; `style` attributes are
  allowed only as Markdown's tables write them.

The edition forbids rather than sanitises (see CONTRIBUTING.md): a sanitiser
would silently change what a contributor wrote.
Tests: tests/test_red_team.py (families "finished page", "files", "CSS"),
tests/test_guard.py, tests/test_privacy.py.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import tinycss2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel

from edition import content_security_policy, html5

log = logging.getLogger("mkdocs.hooks.content_guard")

HTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
XMLNS = "{http://www.w3.org/2000/xmlns/}xmlns"

# Every attribute any allowed element may carry (ARIA and Material's data-md-*).
GLOBAL = {
    "id", "class", "title", "lang", "dir", "hidden", "role", "tabindex",
    "aria-label", "aria-labelledby", "aria-describedby", "aria-expanded", "aria-hidden", "aria-current",
    "data-md-component", "data-md-toggle", "data-md-level", "data-md-type", "data-md-scrollfix",
    "data-md-color-scheme", "data-md-color-primary", "data-md-color-accent", "data-md-color-media",
    "data-search-exclude",  # edition/search_scope.py
}  # fmt: skip

# Element -> its own attributes. Sources: Material 9.8's base.html, main.html and the
# partials header, nav, nav-item, toc, toc-item, search, palette, content, actions,
# footer, copyright, top; Markdown's core, abbr, admonition, attr_list, def_list,
# footnotes, tables, toc; pymdownx.details and superfences (with pymdownx.highlight);
# the edition's overrides/main.html and hooks (charts, cite_this, bibliography,
# glossary, note numbers). tests/test_red_team.py checks that every tag and attribute
# written in those templates is here, and the real site passes.
ELEMENTS = {
    # Document and head (Material's base.html, overrides/main.html)
    "html": {"class"}, "head": set(), "title": set(), "body": set(),
    "meta": {"charset", "name", "content", "property", "http-equiv"},
    "link": {"rel", "href", "hreflang", "type"},
    "script": {"src", "type", "id"},
    # Page chrome (Material's partials)
    "header": set(), "main": set(), "footer": set(), "nav": set(), "aside": set(),
    "form": {"name"},
    "input": {"type", "name", "autocomplete", "checked", "placeholder", "autocapitalize", "autocorrect",
              "spellcheck", "required"},
    "label": {"for"}, "button": {"type"},
    # Content (Markdown and its extensions, the edition's hooks)
    "article": set(), "div": set(), "span": set(), "p": set(), "hr": set(), "br": set(),
    "h1": set(), "h2": set(), "h3": set(), "h4": set(), "h5": set(), "h6": set(),
    "a": {"href", "rel", "target", "type", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "em": set(), "strong": set(), "code": set(), "pre": set(), "small": set(), "cite": set(),
    "abbr": set(), "sup": set(), "sub": set(), "blockquote": set(), "q": set(),
    "ul": set(), "ol": {"start"}, "li": {"value"}, "dl": set(), "dt": set(), "dd": set(),
    "table": set(), "caption": set(), "thead": set(), "tbody": set(), "tr": set(),
    "th": {"scope", "colspan", "rowspan", "style"}, "td": {"colspan", "rowspan", "style"},
    "details": {"open"}, "summary": set(), "figure": set(), "figcaption": set(),
    # SVG: Material's icons (svg, path) and the edition's charts (edition/charts.py)
    "svg": {"viewBox", "width", "height", "font-family", "font-size", "focusable", "preserveAspectRatio", XMLNS},
    "path": {"d", "fill"},
    "rect": {"x", "y", "width", "height", "rx", "ry", "fill", "data-value"},
    "text": {"x", "y", "fill", "text-anchor"},
    "svg:title": set(), "desc": set(), "g": set(),
}  # fmt: skip
SVG_ELEMENTS = {"svg", "path", "rect", "text", "svg:title", "desc", "g"}
# Material's classes that its templates put inside the article (the edit button, the
# download buttons of main.html); any other md-* class there would be a page's.
ARTICLE_MD_CLASSES = {"md-content__inner", "md-typeset", "md-content__button", "md-icon", "md-button",
                      "md-button--primary"}  # fmt: skip
# Elements of the page's frame, never inside the article, where a contributor's words are.
CHROME_ONLY = {"html", "head", "title", "body", "meta", "link", "script", "header", "main", "footer", "form",
               "input", "label", "button", "article"}  # fmt: skip
HEAD_ONLY = {"title", "meta", "link"}
# schema.DC and schema.DCTERMS name the Dublin Core vocabularies (edition/scholarly_meta.py): they load nothing.
LINK_RELS = {"canonical", "prev", "next", "icon", "stylesheet", "alternate", "schema.DC", "schema.DCTERMS"}
META_NAMES = {"viewport", "description", "author", "generator", "referrer", "twitter:card", "twitter:title",
              "twitter:description", "twitter:image", "twitter:image:alt",
              # Highwire Press and Dublin Core, for reference managers (edition/scholarly_meta.py)
              "citation_title", "citation_author", "citation_publication_date", "citation_online_date",
              "citation_book_title", "citation_language", "citation_pdf_url", "citation_public_url",
              "DC.title", "DC.creator", "DC.date", "DC.format", "DC.identifier", "DC.language", "DC.rights",
              "DC.type", "DCTERMS.available", "DCTERMS.isPartOf"}  # fmt: skip
META_PROPERTY = re.compile(r"^og:[a-z_:]+$")
TOKEN = re.compile(r"^[\w:.-]+$")  # ids, for=, class names
LINK_SCHEMES = {"http", "https", "mailto", "tel", "sms"}  # tel:, sms: call or text a hotline
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Invisible characters browsers skip inside a URL: "java\tscript:" is "javascript:".
INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
TABLE_STYLE = re.compile(r"^text-align:\s*(left|right|center);?$")
COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|currentColor|none|[a-z]{3,20})$")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}

# Files under docs/ that may be published.
IMAGE_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
               ".webp": (b"RIFF",)}  # fmt: skip
MAX_STATIC_BYTES = 1024 * 1024
MAX_CSS_BYTES = 256 * 1024  # edition.css is under 10 KiB


@dataclass
class Problem:
    text: str
    needle: str = ""  # something to look for in the sources, to name a line
    origin: str = ""  # the references.bib key of the note it is in


@event_priority(200)
def on_files(files, config):
    """Only pages, images and the stylesheet are published from docs/."""
    problems = []
    stylesheets = {str(path) for path in config.extra_css}
    docs = os.path.abspath(config.docs_dir)
    for file in files:
        if file.generated_by or not file.abs_src_path or file.inclusion is InclusionLevel.EXCLUDED:
            continue
        if not os.path.abspath(file.abs_src_path).startswith(docs + os.sep):
            continue  # the theme's own files (overrides/, Material)
        problem = check_static(file.src_uri, file.abs_src_path, stylesheets) if not file.is_documentation_page() else None
        if problem:
            problems.append(f"docs/{file.src_uri}: {problem}")
    if problems:
        raise PluginError("\n".join(problems))
    return files


def check_static(uri: str, path: str, stylesheets: set[str]) -> str | None:
    ext = os.path.splitext(uri)[1].lower()
    if ext not in {*IMAGE_MAGIC, ".svg", ".css"}:
        return (
            "the edition publishes from docs/ only pages (.md), images (.svg, .png, .jpg, .webp) and the "
            "stylesheet named in mkdocs.yml (extra_css); data belongs in data/, includes in includes/"
        )
    limit = MAX_CSS_BYTES if ext == ".css" else MAX_STATIC_BYTES
    if os.path.getsize(path) > limit:
        return f"larger than {limit // 1024} KiB"
    with open(path, "rb") as handle:
        data = handle.read()
    if ext in IMAGE_MAGIC:
        if not data.startswith(IMAGE_MAGIC[ext]) or (ext == ".webp" and data[8:12] != b"WEBP"):
            return f"is not a {ext[1:].upper()} image, whatever its name says"
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return f"line {line}: byte 0x{data[error.start]:02x} is not UTF-8"
    if ext == ".css":
        if uri not in stylesheets:
            return "a stylesheet that mkdocs.yml does not name (extra_css); the edition has one, edition.css"
        problems = check_css(text)
    else:
        problems = [p.text for p in check_svg(text)]
    return "; ".join(problems) if problems else None


@event_priority(-300)
def on_post_page(output, page, config):
    """Last of all: the page exactly as it will be written."""
    problems = [Problem(text, needle, "") for text, needle in stray_end_tags(page.content or "")]
    problems += check_page(output, config)
    if problems:
        _fail(problems, page, config)
    return output


@event_priority(-300)
def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html"):
        problems = check_page(output_content, config)
        if problems:
            _fail(problems, None, config, shown=f"{template_name} (overrides/ or Material's template)")
    return output_content


# The page check


def check_page(html: str, config=None) -> list[Problem]:
    """Every problem in a finished page (at most 20)."""
    root = html5.parse(html)
    checker = _Checker(config, known=content_security_policy.known_hashes())
    checker.walk(root, [])
    return checker.problems[:20]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def stray_end_tags(fragment: str) -> list[tuple[str, str]]:
    """End tags in a page's content that close an element the content did not open.

    `</article>` in a page would close the theme's article, and what follows would
    be judged, and read by Material, as the theme's frame (`<div id="__config">`).
    The rule is structural: the content closes only what it opened. A tokenizer
    is enough to see it (the WHATWG tree builder drops such tags silently).
    """
    from html.parser import HTMLParser

    found: list[tuple[str, str]] = []

    class Balance(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.open: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in VOID:
                self.open.append(tag)

        def handle_startendtag(self, tag, attrs):
            pass

        def handle_endtag(self, tag):
            if tag in VOID:
                return
            if tag not in self.open:
                found.append((f"the end tag </{tag}> closes what the page's content did not open", f"</{tag}"))
                return
            while self.open.pop() != tag:
                pass

    parser = Balance()
    parser.feed(fragment)
    parser.close()
    return found


def check_content(fragment: str) -> list[Problem]:
    """Problems in an article's HTML alone (Markdown's output), as check_page sees it inside the page."""
    page = f'<!doctype html><html><head><title>t</title></head><body><article class="md-content__inner">{fragment}</article></body></html>'
    return [p for p in check_page(page) if "must come first" not in p.text]


class _Checker:
    def __init__(self, config, known: set[str]):
        self.config = config
        self.known = known
        self.problems: list[Problem] = []
        self.notes: list[str] = []  # bib keys of the notes being read
        self.first_in_head = True
        self.allowed_sources = _allowed_sources(config)

    def add(self, text: str, needle: str = ""):
        if len(self.problems) < 20:
            self.problems.append(Problem(text, needle, self.notes[-1] if self.notes else ""))

    def walk(self, element, ancestors: list[str]):
        tag = element.tag
        if not isinstance(tag, str):
            return  # a comment: the browser shows and runs nothing of it
        name = _name(tag)
        note = _note_key(element)
        if note:
            self.notes.append(note)
        self.element(element, name, ancestors)
        for child in element:
            self.walk(child, [*ancestors, name])
        if note:
            self.notes.pop()

    def element(self, element, name: str, ancestors: list[str]):
        if name not in ELEMENTS:
            shown = name.replace("svg:", "")
            self.add(f"<{shown}> is not allowed", f"<{shown}")
            return
        if name in SVG_ELEMENTS and name != "svg" and "svg" not in ancestors:
            self.add(f"<{name}> outside an <svg> is not allowed", f"<{name}")
        in_article = "article" in ancestors
        if in_article and name in CHROME_ONLY:
            self.add(f"<{name}> is not allowed in a page's content", f"<{name}")
            return
        if name in HEAD_ONLY and ancestors[-1:] != ["head"]:
            self.add(f"<{name}> is not allowed outside the page's head", f"<{name}")
            return
        if ancestors[-1:] == ["head"]:
            first = self.first_in_head
            self.first_in_head = False
            if name == "meta" and element.get("http-equiv") is not None:
                self.meta_policy(element, first)
        if in_article:
            self.article_names(element, name)
        allowed = ELEMENTS[name] | GLOBAL
        for attribute, value in element.attrib.items():
            if attribute not in allowed:
                shown = attribute.split("}")[-1]
                kind = "event handler attribute" if shown.lower().startswith("on") else "attribute"
                self.add(f"the {kind} {shown} on <{name}> is not allowed", shown)
                continue
            self.attribute(name, attribute, value, element)
        if name == "script":
            self.script(element)

    def article_names(self, element, name: str):
        """Material reads its settings and wires its widgets by ids, classes and data-md-*
        attributes: inside the article these are the theme's own few, never a page's
        (`<div id="__config">` would hand Material another host as the site's base)."""
        ident = element.get("id") or ""
        if ident.startswith("__"):
            self.add(f"the id {ident[:40]!r} on <{name}> is the theme's, not a page's", ident[:40])
        for attribute in element.attrib:
            if str(attribute).startswith("data-md"):
                self.add(f"the attribute {attribute} on <{name}> is the theme's, not a page's", str(attribute))
        for part in (element.get("class") or "").split():
            if part.startswith("md-") and part not in ARTICLE_MD_CLASSES:
                self.add(f"the class {part!r} on <{name}> is the theme's, not a page's", part)

    def attribute(self, name: str, attribute: str, value: str, element):
        if attribute == "id" and value == "__config" and not (name == "script" and element.get("type") == "application/json"):
            self.add(f"the id '__config' on <{name}> is the theme's, not a page's (Material reads its settings from it)", "__config")
        if attribute in ("id", "for"):
            if not TOKEN.match(value):
                self.add(
                    f"the {attribute} {value[:40]!r} on <{name}> is not a plain name (letters, digits, - _ : .)",
                    f"{value[:40]}\0{attribute}=\0#{value[:1]}",
                )
        elif attribute in ("aria-labelledby", "aria-describedby", "class"):
            if any(not TOKEN.match(part) for part in value.split()):
                self.add(f"the {attribute} {value[:40]!r} on <{name}> holds something other than names", value[:40])
        elif attribute == "href" and name == "a":
            problem = check_url(value, resource=False)
            if problem:
                scheme = SCHEME.match(INVISIBLE.sub("", value).lower())
                hint = scheme.group(1)[1:] if scheme else ""  # found even when entity-encoded: &#106;avascript
                self.add(f"a link {problem}", f"{value.strip()[:40]}\0{hint}\0href")
            if element.get("target") not in (None, "_blank") or (
                element.get("target") and "noopener" not in (element.get("rel") or "").split()
            ):
                self.add("a link may open a new tab only with rel=noopener", "target")
        elif attribute == "href" and name == "link":
            rel = (element.get("rel") or "").split()
            if not rel or not set(rel) <= LINK_RELS:
                self.add(f"<link rel={element.get('rel')!r}> is not allowed", "<link")
            elif {"stylesheet", "icon"} & set(rel):
                problem = check_url(value, resource=True)
                if problem:
                    self.add(f"<link {' '.join(rel)}> {problem}", value[:40])
            else:
                problem = check_url(value, resource=False)
                if problem:
                    self.add(f"<link> {problem}", value[:40])
        elif attribute == "src":
            problem = check_url(value, resource=True)
            if problem:
                self.add(f"<{name} src> {problem}", value.strip()[:40])
        elif attribute == "style":
            if not TABLE_STYLE.match(value.strip()):
                self.add(
                    f"the style attribute on <{name}> is not allowed (only Markdown's table alignment); "
                    "the edition's styles are in edition.css",
                    "style",
                )
        elif attribute == "fill":
            if not COLOR.match(value.strip()):
                self.add(f"the fill {value[:40]!r} on <{name}> is not a colour", value[:40])
        elif attribute == "name" and name == "meta":
            if value not in META_NAMES:
                self.add(f"<meta name={value[:40]!r}> is not allowed", value[:40])
        elif attribute == "property":
            if not META_PROPERTY.match(value):
                self.add(f"<meta property={value[:40]!r}> is not allowed", value[:40])
        elif attribute == "content" and name == "meta":
            key = element.get("property") or element.get("name") or ""
            if key.endswith((":url", ":image", "_url")) or key == "DC.identifier":
                problem = check_url(value, resource=False)
                if problem or not value.startswith(("http://", "https://", "/")):
                    self.add(f"<meta {key}> must be an address of the site", value[:40])
        elif attribute == "preserveAspectRatio":
            if not re.match(r"^(none|x(Min|Mid|Max)Y(Min|Mid|Max)( meet| slice)?)$", value.strip()):
                self.add(f"the preserveAspectRatio {value[:40]!r} on <{name}> is not a keyword", value[:40])
        elif attribute in ("width", "height", "x", "y", "rx", "ry", "colspan", "rowspan", "start", "value", "tabindex"):
            if not re.match(r"^(-?\d+(\.\d+)?%?)?$", value.strip()):
                self.add(f"the {attribute} {value[:40]!r} on <{name}> is not a number", value[:40])
        elif attribute == "type" and name == "input":
            if value not in ("checkbox", "text", "radio"):
                self.add(f"<input type={value!r}> is not allowed", "<input")
        elif attribute == "type" and name == "button":
            if value not in ("button", "reset"):
                self.add(f"<button type={value!r}> is not allowed", "<button")

    def meta_policy(self, element, first: bool):
        if element.get("http-equiv", "").lower() != "content-security-policy":
            self.add(f"<meta http-equiv={element.get('http-equiv')!r}> is not allowed", "http-equiv")
            return
        if not first:
            self.add("the Content-Security-Policy must come first in the page's head", "http-equiv")
        if self.config is not None and element.get("content") != content_security_policy.policy(self.config):
            self.add("the Content-Security-Policy is not the edition's", "Content-Security-Policy")

    def script(self, element):
        src = element.get("src")
        kind = (element.get("type") or "").lower()
        body = element.text or ""
        if src is not None:
            if body.strip():
                self.add("a <script> with both src and text is not allowed", "<script")
            if self.allowed_sources is not None and _script_path(src, self.config) not in self.allowed_sources:
                self.add(f"<script src={src[:60]!r}> is not one of the theme's or the edition's scripts", "<script")
            return
        if kind in DATA_SCRIPT_TYPES:
            if kind == "application/json" and element.get("id") != "__config":
                self.add("a JSON <script> other than Material's __config is not allowed", "<script")
            if "<" in body:
                self.add("a data <script> may not contain <", "<script")
            try:
                json.loads(body)
            except ValueError:
                self.add("a data <script> that is not valid JSON is not allowed", "<script")
            return
        if kind not in ("", "text/javascript", "module"):
            self.add(f"<script type={kind!r}> is not allowed", "<script")
            return
        if content_security_policy.sha256(body) not in self.known:
            self.add("<script> is not allowed (not one of the theme's or the edition's scripts)", "<script")


def _name(tag: str) -> str:
    if tag.startswith(HTML):
        return tag[len(HTML):]
    if tag.startswith(SVG):
        local = tag[len(SVG):]
        return "svg:title" if local == "title" else local
    return tag.rsplit("}", 1)[-1] + (" (MathML)" if "MathML" in tag else "")


def _note_key(element) -> str:
    ident = element.get("id") or ""
    if ident.startswith("fn:ref-"):
        return ident[len("fn:ref-"):]
    if "reference" in (element.get("class") or "").split():
        return ident
    return ""


def _allowed_sources(config) -> set[str] | None:
    """Site paths of the scripts the theme and the edition load: Material's bundle, the offline shim, extra_javascript."""
    if config is None:
        return None
    return content_security_policy.script_files(config)


def _script_path(src: str, config) -> str:
    return content_security_policy.site_path(src, config)


# URLs and CSS


def check_url(value: str, resource: bool) -> str | None:
    """What is wrong with a URL in an attribute, or None. `value` is already entity-decoded."""
    url = INVISIBLE.sub("", value).replace("\\", "/")
    scheme = SCHEME.match(url.lower())
    if resource:
        if scheme or url.startswith("//"):
            return f"loads {value.strip()[:60]!r} from another host or scheme; images and media must be files in docs/"
        return None
    if scheme and scheme.group(1) not in LINK_SCHEMES:
        return f"the address {value.strip()[:60]!r} uses the {scheme.group(1)}: scheme; links may be http, https, mailto, tel or sms"
    return None


CSS_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "var", "calc", "min", "max", "clamp", "translate", "translatex",
                 "translatey", "rotate", "scale", "not", "is", "where"}  # fmt: skip


MAX_CSS_NESTING = 8


def check_css(css: str) -> list[str]:
    """A stylesheet as a browser tokenises it: no @import, no url() to another host, few functions, little nesting."""
    problems: list[str] = []
    pending = [(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), 0)]
    while pending and len(problems) <= 20:
        rules, depth = pending.pop()
        for rule in rules:
            if rule.type == "error":
                problems.append(f"line {rule.source_line}: the CSS cannot be read ({rule.message})")
            elif rule.type == "at-rule":
                keyword = rule.lower_at_keyword
                if keyword not in ("media", "supports", "font-face", "keyframes"):
                    problems.append(f"line {rule.source_line}: @{rule.at_keyword} is not allowed")
                    continue
                problems += _check_tokens(rule.prelude or [])
                if keyword in ("media", "supports") and rule.content is not None:
                    if depth >= MAX_CSS_NESTING:
                        problems.append(f"line {rule.source_line}: rules nested more than {MAX_CSS_NESTING} deep")
                        continue
                    pending.append((tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), depth + 1))
                else:
                    problems += _check_tokens(rule.content or [])
            elif rule.type == "qualified-rule":
                problems += _check_tokens(rule.prelude) + _check_tokens(rule.content)
    return problems[:20]


def _check_tokens(tokens) -> list[str]:
    problems = []
    stack = list(tokens)
    while stack:
        token = stack.pop()
        where = f"line {getattr(token, 'source_line', '?')}: "
        if token.type == "url":
            problem = check_url(token.value, resource=True)
            if problem:
                problems.append(where + "url() " + problem)
        elif token.type == "function":
            name = token.lower_name
            if name == "url":
                value = "".join(t.value for t in token.arguments if t.type == "string")
                problem = check_url(value, resource=True)
                if problem:
                    problems.append(where + "url() " + problem)
            elif name not in CSS_FUNCTIONS:
                problems.append(where + f"the CSS function {token.name}() is not allowed")
            stack.extend(token.arguments)
        elif token.type == "at-keyword":
            problems.append(where + f"@{token.value} is not allowed")
        elif token.type == "ident" and token.lower_value in ("behavior", "-moz-binding"):
            problems.append(where + f"{token.value} is not allowed")
        elif token.type in ("() block", "[] block", "{} block"):
            stack.extend(token.content)
        elif token.type == "declaration":
            stack.extend(token.value)
    return problems


# SVG files in docs/ (read as XML, as a browser opens them)

SVG_FILE_ATTRIBUTES = ELEMENTS["svg"] | {"version", "preserveAspectRatio"}


def check_svg(text: str) -> list[Problem]:
    """An SVG file: no DOCTYPE or entities, and only the elements and attributes allowed in pages."""
    head = text.lstrip()
    if head.startswith("<?xml"):
        head = head[head.find("?>") + 2 :].lstrip()
    if "<!" in head.replace("<!--", "") or "<?" in head:
        return [Problem("DOCTYPE, entities, CDATA and processing instructions are not allowed in an SVG file")]
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        return [Problem(f"the SVG cannot be read: {error}")]
    if root.tag != SVG + "svg":
        return [Problem("the file is not an SVG drawing (its root is not <svg> in the SVG namespace)")]
    checker = _Checker(None, known=set())
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if not element.tag.startswith(SVG):
            problems.append(Problem(f"<{element.tag}> is not an SVG element"))
            continue
        name = _name(element.tag)
        if name not in SVG_ELEMENTS:
            problems.append(Problem(f"<{name.replace('svg:', '')}> is not allowed"))
            continue
        for attribute, value in element.attrib.items():
            allowed = (SVG_FILE_ATTRIBUTES if name == "svg" else ELEMENTS[name]) | GLOBAL
            if attribute not in allowed:
                problems.append(Problem(f"the attribute {attribute.split('}')[-1]} on <{name}> is not allowed"))
            else:
                checker.attribute(name, attribute, value, element)
    return problems + checker.problems


# Where a problem is


def _fail(problems: list[Problem], page, config, shown: str | None = None):
    sources = _sources(page, config) if page is not None else []
    own = f"docs/{page.file.src_uri}" if page is not None else shown
    lines = [f"{_where(sources, own, p)}: {p.text}" for p in problems]
    head = "the page contains what the edition does not publish; the site was not built:"
    raise PluginError("\n".join([head, *lines]) if len(lines) > 1 else lines[0])


def _sources(page, config) -> list[tuple[str, str]]:
    """(name, text): the page, the files it includes, the other pages (composed pages), references.bib."""
    from edition import source_guard

    base = os.path.dirname(config.config_file_path or ".")
    found = [(f"docs/{page.file.src_uri}", source_guard._texts.get(page.file.src_uri, ""))]
    for name in re.findall(r'^\s*-+8<-+\s+"([^"]+)"', found[0][1], re.MULTILINE):
        path = name if name == "CONTRIBUTING.md" else posixpath.join("includes", name)
        found.append((path, _read(os.path.join(base, path))))
    found += [(name, _read(os.path.join(base, name))) for name in source_guard._include_files(Path(base))]
    found += [(f"docs/{uri}", text) for uri, text in source_guard._texts.items() if uri != page.file.src_uri]
    found.append(("references.bib", _read(os.path.join(base, "references.bib"))))
    return found


def _read(path) -> str:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read(256 * 1024)
    except (OSError, UnicodeDecodeError):
        return ""


def _occurrences(text: str, needle: str, limit: int = 50):
    """Where the needle occurs outside inline code (`<iframe>` in a sentence about it is not the culprit)."""
    lower = text.lower()
    at = lower.find(needle)
    while at != -1 and limit:
        line_start = lower.rfind("\n", 0, at) + 1
        if lower.count("`", line_start, at) % 2 == 0:
            yield at
        at = lower.find(needle, at + 1)
        limit -= 1


def _where(sources: list[tuple[str, str]], own: str, problem: Problem) -> str:
    """FILE:LINE where the needle first occurs, the page itself first; where a note came from."""
    place = own
    for needle in filter(None, problem.needle.lower().split("\0")):
        hit = next(((name, text, at) for name, text in sources for at in _occurrences(text, needle)), None)
        if hit:
            name, text, at = hit
            place = f"{name}:{text.count(chr(10), 0, at) + 1}" + ("" if name == own else f" (shown on {own})")
            break
    if problem.origin:
        place += f" (in the note made from references.bib entry {problem.origin})"
    return place
