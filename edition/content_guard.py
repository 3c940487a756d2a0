"""Stop the build on anything in a page that could run code or track a reader.

Markdown passes raw HTML through, attr_list adds any attribute, and a
reference's address becomes a link: by every one of those routes a pull
request could put a `<script>`, an `onerror=`, a `javascript:` link or a
tracking pixel from another host on the site, and a strict build would pass.
This hook reads the rendered HTML of every page (after all other hooks,
so every route is covered) with an HTML parser, and stops the build in every
mode, `mkdocs serve` included, naming the file, the line where it can be
found and the problem. A log warning would not do: a non-strict build or
`mkdocs serve` would carry on and publish the page.

The edition forbids rather than sanitises (see CONTRIBUTING.md): a
sanitiser would silently change what a contributor wrote, and the essay
needs no raw HTML at all. Front matter (which Material writes unescaped into
the page head) and the static files in docs/ are checked as well.
"""

from __future__ import annotations

import logging
import os
import re
from html.parser import HTMLParser

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.content_guard")

# Elements that run code, embed other documents, style or submit, or rewrite links.
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "portal",
    "form", "base", "meta", "link",
    # Browsers read their content as text, parsers may not: a place to hide markup.
    "textarea", "title", "xmp", "noembed", "noframes", "plaintext", "noscript",
    # SVG and MathML: animation can rewrite an href; handlers run code.
    "animate", "animatemotion", "animatetransform", "set", "handler", "listener", "maction",
}  # fmt: skip
FORBIDDEN_ATTRS = {"srcdoc", "ping", "http-equiv", "formaction", "action"}
# Attributes that make the browser fetch something as soon as the page loads.
RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "codebase", "manifest", "icon"}
LINK_ATTRS = {"href", "xlink:href"}
LINK_TAGS = {"a", "area"}  # an href elsewhere (<image>, <use>, <feimage>) is a resource
# tel: and sms: let a reader on a phone call or text a hotline; they run nothing.
LINK_SCHEMES = {"http", "https", "mailto", "tel", "sms"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Invisible characters that browsers skip inside a URL: "java\tscript:" is "javascript:".
INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
# A second, parser-independent look: a start tag of a forbidden element anywhere.
# <title> is left to the parser, which allows it inside <svg> (a chart's accessible name).
RAW_TAG = re.compile(r"<\s*(" + "|".join(sorted(FORBIDDEN_TAGS - {"title"})) + r")(?=[\s/>])", re.IGNORECASE)
RAW_HANDLER = re.compile(r"<[a-zA-Z][^>]*?[\s/\"'](on[a-zA-Z]+)\s*=", re.DOTALL)
STATIC_MARKUP = (".html", ".htm", ".xhtml", ".svg", ".xml")
STATIC_CODE = (".js", ".mjs", ".swf", ".wasm")


@event_priority(200)
def on_files(files, config):
    """Static files: no pages or scripts of their own, no styles loading from another host."""
    scripts = {str(s) for s in config.extra_javascript}
    for file in files:
        if file.is_documentation_page() or file.generated_by:
            continue
        uri = file.src_uri
        if not file.abs_src_path or not file.abs_src_path.startswith(config.docs_dir):
            continue  # the theme's own files
        lower = uri.lower()
        if lower.endswith(STATIC_CODE) and uri not in scripts:
            _fail(f"docs/{uri}: scripts are not accepted in docs/; the edition runs no script of its own")
        if lower.endswith(STATIC_MARKUP):
            problems = check_html(file.content_string)
            if problems:
                _fail(f"docs/{uri}: " + "; ".join(text for text, _ in problems))
        if lower.endswith(".css"):
            problems = check_css(file.content_string)
            if problems:
                _fail(f"docs/{uri}: " + "; ".join(problems))
    return files


@event_priority(200)
def on_page_markdown(markdown, page, config, files):
    """Front matter goes into the page head unescaped: keep it to plain text."""
    for name, value in _strings(page.meta):
        bad = sorted(set(value) & set('<>"`'))
        if bad or re.search(r"(?i)(?:javascript|vbscript|data)\s*:", value):
            shown = " ".join(bad) if bad else "a script address"
            _fail(
                f"docs/{page.file.src_uri}: front matter field {name} contains {shown}; "
                "front matter is plain text (use typographic quotes “ ” for quotations)"
            )
    return markdown


@event_priority(-200)
def on_page_content(html_text, page, config, files):
    """After every other hook: the HTML exactly as it will be published."""
    problems = check_html(html_text)
    if problems:
        sources = _sources(page, config, files)
        lines = [f"{_where(sources, page, needle, origin)}: {text}" for text, (needle, origin) in problems]
        head = "the page contains what could run code or track a reader; the site was not built:"
        _fail("\n".join([head, *lines]) if len(lines) > 1 else lines[0])
    return html_text


# Helpers


def _fail(message: str):
    raise PluginError(message)


def _strings(meta, prefix=""):
    if isinstance(meta, dict):
        for key, value in meta.items():
            yield from _strings(value, f"{prefix}{key}")
    elif isinstance(meta, list):
        for value in meta:
            yield from _strings(value, prefix)
    elif isinstance(meta, str):
        yield prefix, meta


def _sources(page, config, files) -> list[tuple[str, str]]:
    """(name, text) of the page, the files it includes as snippets, then every other page (composed pages)."""
    base = os.path.dirname(config.config_file_path or ".")
    own = _read(page.file.abs_src_path)
    found = [(f"docs/{page.file.src_uri}", own)]
    for name in re.findall(r'^\s*--8<--\s+"([^"]+)"', own, re.MULTILINE):
        found.append((name, _read(os.path.join(base, name))))
    for other in files.documentation_pages():
        if other is not page.file:
            found.append((f"docs/{other.src_uri}", _read(other.abs_src_path)))
    return found


def _read(path) -> str:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except (OSError, TypeError):
        return ""


def _where(sources: list[tuple[str, str]], page, needle: str, origin: str) -> str:
    """FILE:LINE where the needle first occurs, the page itself first; where a note came from."""
    own = f"docs/{page.file.src_uri}"
    place = own
    for candidate in filter(None, needle.split("\0")):
        hit = next(
            ((name, n) for name, text in sources for n, line in enumerate(text.splitlines(), 1)
             if candidate.lower() in line.lower()),
            None,
        )  # fmt: skip
        if hit:
            place = f"{hit[0]}:{hit[1]}" + ("" if hit[0] == own else f" (shown on {own})")
            break
    if origin:
        place += f" (in the note made from references.bib entry {origin})"
    return place


def check_html(text: str) -> list[tuple[str, tuple[str, str]]]:
    """Problems, each with (needle to find its line, bib key of the note it is in)."""
    problems: list[tuple[str, tuple[str, str]]] = []
    problems += [(p, ("<!", "")) for p in _check_comments(text)]
    guard = _Guard()
    guard.feed(text)
    guard.close()
    problems += guard.problems
    reported = {needle.lower() for _, (needle, _) in problems}
    for match in RAW_TAG.finditer(text):
        tag = match.group(1).lower()
        if f"<{tag}" not in reported:
            problems.append((f"<{tag}> is not allowed (found outside the parsed markup)", (f"<{tag}", "")))
            reported.add(f"<{tag}")
    for match in RAW_HANDLER.finditer(text):
        name = match.group(1).lower()
        if name not in reported:
            problems.append((f"the event handler attribute {name} is not allowed", (name, "")))
            reported.add(name)
    return problems


def _check_comments(text: str) -> list[str]:
    """Comments that browsers and parsers could read differently hide markup: refuse them."""
    problems = []
    if "<![" in text or "<?" in text:
        problems.append("CDATA sections and processing instructions (<![ or <?) are not allowed")
    for match in re.finditer(r"<!--", text):
        start = match.end()
        end = text.find("-->", start)
        body = text[start:] if end == -1 else text[start:end]
        if end == -1 or body.startswith((">", "->")) or "--!>" in body or "<!--" in body:
            problems.append("a malformed HTML comment (<!--> or --!> or an unclosed one) is not allowed")
            break
    return problems


def check_url(value: str, resource: bool) -> str | None:
    """What is wrong with a URL in an attribute, or None. `value` is already entity-decoded."""
    url = INVISIBLE.sub("", value).replace("\\", "/")
    scheme = SCHEME.match(url.lower())
    if resource:
        if scheme or url.startswith("//"):
            return f"loads {value.strip()!r} from another host or scheme; images and media must be files in docs/"
        return None
    if scheme and scheme.group(1) not in LINK_SCHEMES:
        return f"the address {value.strip()!r} uses the {scheme.group(1)}: scheme; links may be http, https, mailto, tel or sms"
    return None


def check_css(css: str) -> list[str]:
    """url(), @import and script hooks in CSS, after CSS escapes and comments are undone."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda m: chr(int(m.group(1), 16)), css)
    css = re.sub(r"\\(.)", r"\1", css).lower()
    problems = []
    if re.search(r"@import|expression\s*\(|-moz-binding|behavior\s*:|image-set\s*\(|\bimage\s*\(", css):
        problems.append("the CSS uses @import, image-set(), expression() or a binding")
    for match in re.finditer(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", css):
        problem = check_url(match.group(2), resource=True)
        if problem:
            problems.append("the CSS url() " + problem)
    return problems


class _Guard(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[str, tuple[str, str]]] = []
        self.notes: list[tuple[str, str]] = []  # (tag, bib key) of the note being read
        self.svg_depth = 0  # inside <svg>, <title> is the drawing's accessible name

    def _origin(self) -> str:
        return self.notes[-1][1] if self.notes else ""

    def _add(self, text: str, needle: str):
        self.problems.append((text, (needle, self._origin())))

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svg_depth += 1
        self._check(tag, attrs)
        ident = dict(attrs).get("id") or ""
        if ident.startswith("fn:ref-"):
            self.notes.append((tag, ident[len("fn:ref-") :]))
        elif "reference" in (dict(attrs).get("class") or "").split():
            self.notes.append((tag, ident))

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1
        if self.notes and self.notes[-1][0] == tag:
            self.notes.pop()

    def unknown_decl(self, data):
        self._add("CDATA sections and declarations are not allowed", "<!")

    def handle_pi(self, data):
        self._add("processing instructions are not allowed", "<?")

    def _check(self, tag, attrs):
        if tag in FORBIDDEN_TAGS and not (tag == "title" and self.svg_depth):
            self._add(f"<{tag}> is not allowed", f"<{tag}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._add(f"the event handler attribute {name} on <{tag}> is not allowed", name)
            elif name in FORBIDDEN_ATTRS:
                self._add(f"the attribute {name} on <{tag}> is not allowed", name)
            elif name == "style":
                for problem in check_css(value):
                    self._add(f"the style attribute on <{tag}>: {problem}", "style")
            elif name == "srcset" or (name == "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    problem = check_url(url, resource=True) if url else None
                    if problem:
                        self._add(f"<{tag} {name}> {problem}", _needle(url, name))
            elif name in RESOURCE_ATTRS or (name in LINK_ATTRS and tag not in LINK_TAGS):
                problem = check_url(value, resource=True)
                if problem:
                    self._add(f"<{tag} {name}> {problem}", _needle(value, name))
            elif name in LINK_ATTRS:
                problem = check_url(value, resource=False)
                if problem:
                    self._add(f"a link {problem}", _needle(value, name))


def _needle(value: str, fallback: str) -> str:
    """Something to look for in the Markdown source: the address as written, else the attribute."""
    return f"{value.strip()[:40]}\0{fallback}"
