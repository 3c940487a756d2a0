"""The content guard: every finished page judged against allowlists, as the browser and the book will read it.

A pull request reaches a reader's browser by many routes: raw HTML and
attr_list in Markdown, a reference's address, a heading id that the table of
contents writes unescaped, a title that Material writes raw into `<title>`,
`<meta>` and the navigation of every page. Listing what is forbidden always
misses a route, so this guard allows only what the edition is known to
publish, and stops the build in every mode, naming the file, the line where
the problem can be found, and itself.

It judges the finished page's tree (edition/finish: parsed once with tinyhtml5,
a WHATWG parser, after every other step has changed it), which is exactly what
is written, what a browser builds from it, and what the PDF and the EPUB are
made from (edition/book): every element and attribute is compared with
ELEMENTS, what Material's templates (base.html and the partials this
configuration uses), the enabled Markdown extensions and the edition write.
Chrome-only elements (forms, inputs, scripts) may not appear inside the
article. Every `<script>` must be one the theme or the edition writes: a file
of the theme, a data block of valid JSON, or an inline script whose hash the
Content-Security-Policy knows (edition/guard/policy.py, computed from the
templates). A link may carry only the relations the edition writes (no
`rel="attachment"`, which would make the PDF embed a file). CSS (the
stylesheet) is read with tinycss2, which tokenises `url()`, escapes and
comments exactly as a browser does; `style` attributes are not allowed (the
Content-Security-Policy would refuse them anyway).

The edition forbids rather than sanitises (see CONTRIBUTING.md): a sanitiser
would silently change what a contributor wrote.
Tests: tests/test_red_team.py (families "finished page", "files", "CSS"),
tests/test_guard.py, tests/test_privacy.py.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import tinycss2

from edition.errors import CONTENT_GUARD
from edition.errors import Problem as Refused
from edition.finish import html as html5
from edition.guard.policy import sha256

HTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
XMLNS = "{http://www.w3.org/2000/xmlns/}xmlns"

# Every attribute any allowed element may carry (ARIA and Material's data-md-*).
GLOBAL = {
    "id", "class", "title", "lang", "dir", "hidden", "role", "tabindex",
    "aria-label", "aria-labelledby", "aria-describedby", "aria-expanded", "aria-hidden", "aria-current",
    "data-md-component", "data-md-toggle", "data-md-level", "data-md-type", "data-md-scrollfix",
    "data-md-color-scheme", "data-md-color-primary", "data-md-color-accent", "data-md-color-media",
    "data-search-exclude",  # the notes and the cite box, left out of search (edition/citations/extension.py)
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
    "article": set(), "section": set(), "div": set(), "span": set(), "p": set(), "hr": set(), "br": set(),
    "h1": set(), "h2": set(), "h3": set(), "h4": set(), "h5": set(), "h6": set(),
    "a": {"href", "rel", "target", "type", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "em": set(), "strong": set(), "code": set(), "pre": set(), "small": set(), "cite": set(),
    "abbr": set(), "sup": set(), "sub": set(), "blockquote": set(), "q": set(),
    "ul": set(), "ol": {"start"}, "li": {"value"}, "dl": set(), "dt": set(), "dd": set(),
    "table": set(), "caption": set(), "thead": set(), "tbody": set(), "tr": set(),
    # Markdown's tables align columns with `align` (use_align_attribute: a style would break the policy).
    "th": {"scope", "colspan", "rowspan", "align"}, "td": {"colspan", "rowspan", "align"},
    "details": {"open"}, "summary": set(), "figure": set(), "figcaption": set(),
    # SVG: Material's icons (svg, path) and the edition's charts (edition/pages/charts.py)
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
# schema.DC and schema.DCTERMS name the Dublin Core vocabularies (edition/metadata/scholarly.py): they load nothing.
LINK_RELS = {"canonical", "prev", "next", "icon", "stylesheet", "alternate", "schema.DC", "schema.DCTERMS"}
META_NAMES = {"viewport", "description", "author", "generator", "referrer", "twitter:card", "twitter:title",
              "twitter:description", "twitter:image", "twitter:image:alt",
              # Highwire Press and Dublin Core, for reference managers (edition/metadata/scholarly.py)
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
# The relations a link may have: what Material and the edition write. Never "attachment",
# which makes WeasyPrint embed the linked file in the PDF.
A_RELS = {"edit", "noopener", "noreferrer", "nofollow", "prev", "next", "license", "external"}
COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|currentColor|none|[a-z]{3,20})$")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}



@dataclass
class Problem:
    text: str
    needle: str = ""  # something to look for in the sources, to name a line
    origin: str = ""  # the references.bib key of the note it is in


# The page check


def check_page(html: str, policy=None) -> list[Problem]:
    """Every problem in a finished page's HTML (at most 20): the tests' entry; the build judges trees."""
    return judge(html5.parse(html), policy)


def judge(document, policy=None) -> list[Problem]:
    """Every problem in a finished page's tree (at most 20). `policy`: the build's (edition/guard/policy.py)."""
    checker = _Checker(policy)
    checker.walk(html5.document_element(document), [])
    return checker.problems[:20]


def check_fragment(fragment: str) -> list[tuple[str, str]]:
    """End tags in a page's content (Markdown's output) that close an element the content did not open.

    `</article>` in a page would close the theme's article, and what follows would
    be judged, and read by Material, as the theme's frame (`<div id="__config">`).
    The rule is structural: the content closes only what it opened. The WHATWG
    parser (tinyhtml5) reads the fragment as the article's content and reports
    every end tag it had to ignore or that closed more than was opened.
    """
    from tinyhtml5.parser import HTMLParser

    html5.mend()
    parser = HTMLParser()
    parser.parse_fragment(fragment, container="div")
    found = []
    for _, code, data in parser.errors:
        if code in ("unexpected-end-tag", "end-tag-too-early", "unexpected-end-tag-before-html",
                    "unexpected-end-tag-after-body", "adoption-agency-1.1", "adoption-agency-1.2",
                    "adoption-agency-1.3", "adoption-agency-4.4", "end-tag-too-early-named"):
            name = data.get("name", "")
            found.append((f"the end tag </{name}> closes what the page's content did not open", f"</{name}"))
    return found


def check_content(fragment: str) -> list[Problem]:
    """Problems in an article's HTML alone (Markdown's output), as the guard sees it inside the page."""
    page = f'<!doctype html><html><head><title>t</title></head><body><article class="md-content__inner">{fragment}</article></body></html>'
    return [p for p in check_page(page) if "Content-Security-Policy" not in p.text and "character set" not in p.text]


class _Checker:
    def __init__(self, policy):
        self.policy = policy
        self.known = policy.known if policy is not None else set()
        self.problems: list[Problem] = []
        self.notes: list[str] = []  # bib keys of the notes being read
        self.head_position = 0

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
            position = self.head_position
            self.head_position += 1
            if name == "meta" and element.get("http-equiv") is not None:
                self.meta_policy(element, position)
            elif position == 0 and not (name == "meta" and element.get("charset")):
                self.add("the page's head must begin with its character set, <meta charset>", "<head")
        if in_article:
            self.article_names(element, name)
            if name == "img" and element.get("alt") is None:
                self.add("an image needs a text alternative, what it shows in words: ![what it shows](file.png) "
                         '(alt="" for an image that only decorates)', "![\0<img")
        allowed = ELEMENTS[name] | GLOBAL
        for attribute, value in element.attrib.items():
            if attribute not in allowed:
                shown = attribute.split("}")[-1]
                kind = "event handler attribute" if shown.lower().startswith("on") else "attribute"
                hint = "; the edition's styles are in edition.css" if shown == "style" else ""
                self.add(f"the {kind} {shown} on <{name}> is not allowed{hint}", shown)
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
        elif attribute == "align":
            if value not in ("left", "right", "center"):
                self.add(f"the align {value[:40]!r} on <{name}> is not left, right or center", value[:40])
        elif attribute == "rel" and name == "a":
            unknown = [part for part in value.split() if part.lower() not in A_RELS]
            if unknown:
                self.add(f"a link's relation {unknown[0][:40]!r} is not allowed (the PDF would embed an "
                         "'attachment'); links may be plain", f"rel=\0{unknown[0][:40]}")
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

    def meta_policy(self, element, position: int):
        if element.get("http-equiv", "").lower() != "content-security-policy":
            self.add(f"<meta http-equiv={element.get('http-equiv')!r}> is not allowed", "http-equiv")
            return
        if position != 1:
            self.add("the Content-Security-Policy must come right after the character set, before any script", "http-equiv")
        if self.policy is not None and element.get("content") != self.policy.text():
            self.add("the Content-Security-Policy is not the edition's", "Content-Security-Policy")

    def script(self, element):
        src = element.get("src")
        kind = (element.get("type") or "").lower()
        body = element.text or ""
        if src is not None:
            if body.strip():
                self.add("a <script> with both src and text is not allowed", "<script")
            if self.policy is not None and not self.policy.allows_file(src):
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
        if sha256(body) not in self.known:
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
                 "translatey", "rotate", "scale", "not", "is", "where", "has"}  # fmt: skip


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
    checker = _Checker(None)
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


def refusals(problems: list[Problem], session, src_uri: str | None, shown: str) -> list[Refused]:
    """Each problem as a refusal naming the file and line where its needle first stands."""
    sources = _sources(session, src_uri)
    own = f"{session.project.docs_dir}/{src_uri}" if src_uri else shown
    found = []
    for problem in problems:
        file, line, note = _where(sources, own, problem)
        found.append(Refused(file, line, problem.text + note, CONTENT_GUARD))
    return found


def _sources(session, src_uri: str | None) -> list[tuple[str, str]]:
    """(name, text): the page, the files it includes, the other pages (composed pages), references.bib."""
    pages = session.sources.pages
    found = []
    page = pages.get(src_uri) if src_uri else None
    if page is not None:
        found.append((page.path, page.text))
        found += [(name, session.sources.includes.get(name, "")) for name in page.includes]
    found += list(session.sources.includes.items())
    found += [(other.path, other.text) for uri, other in pages.items() if uri != src_uri]
    found.append(("references.bib", session.sources.bibliography))
    return found


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


def _where(sources: list[tuple[str, str]], own: str, problem: Problem) -> tuple[str, int | None, str]:
    """(file, line, note): where the needle first occurs, the page itself first; where a note came from."""
    place: tuple[str, int | None, str] = (own, None, "")
    for needle in filter(None, problem.needle.lower().split("\0")):
        hit = next(((name, text, at) for name, text in sources for at in _occurrences(text, needle)), None)
        if hit:
            name, text, at = hit
            place = (name, text.count("\n", 0, at) + 1, "" if name == own else f" (shown on {own})")
            break
    if problem.origin:
        place = (place[0], place[1], place[2] + f" (in the note made from references.bib entry {problem.origin})")
    return place
