"""The finishing steps of each page and of the site's other files (edition/finish/__init__.py orders them).

- `head`: the character set first (a browser reading a file:// page decides its
  encoding from the first bytes), then the Content-Security-Policy's place, the
  referrer rule (no address leaves a reader's browser), the share card and the
  Open Graph and Twitter tags, the Highwire and Dublin Core tags on the essay's
  pages, the JSON-LD (edition/metadata/).
- `article`: the "Cite this section" box on section pages, and the links to the
  downloads that `make site` makes (the PDFs, the EPUB, the offline copy; in
  the offline copy, the PDFs only).
- `chrome`: the edit button opens the file the page's words are in (the
  contributors' guide, references.bib for the list of sources, the
  abbreviations for the glossary); Material's search dialog gets a name, which
  its template does not give it (axe's `aria-dialog-name`); an empty table of
  contents is not announced; search waits for the
  first query (the stand-in worker, overrides/assets/javascripts/workers/lazy-search.js,
  is named in Material's `__config`); in the offline copy, the "not found" page's
  links lead into the copy.
- `site_files`: the search index split (its documents fetched on the first
  query), the offline copy's leftovers removed (source maps, lunr's other
  languages, the JSON index that file:// never reads), and robots.txt where
  crawlers read it (at a host's root only).

Tests: tests/test_sharing.py, tests/test_cite_this.py, tests/test_downloads.py,
tests/test_contributing.py (edit buttons), tests/test_search.py, tests/test_offline.py,
tests/test_upstream.py (Material's markup these steps name).
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from edition.finish import html
from edition.metadata import cards, cite_box, scholarly, structured_data

SEARCH_DIALOG_NAME = "Search the essay"
STAND_IN = "assets/javascripts/workers/lazy-search.js"
INDEX = "search/search_index.json"
DOCUMENTS = "search/documents.json"
WORKER = re.compile(r"^(?P<prefix>.*?)assets/javascripts/(?P<worker>workers/search\.[0-9a-f]+\.min\.js)$")
LUNR = Path("assets") / "javascripts" / "lunr"
SOURCE_MAP_LINE = re.compile(rb"\n?/[/*][#@] sourceMappingURL=[^\n]*?(\*/)?[ \t]*(?=\n|$)")
# Which of lunr's files a language needs beside lunr itself (Material's search worker loads them).
LUNR_SUPPORT = ["min/lunr.stemmer.support.min.js", "min/lunr.multi.min.js"]
LUNR_EXTRA = {"ja": ["tinyseg.js"], "jp": ["tinyseg.js"], "th": ["wordcut.js"]}


# The head


def head(page, session, options, site: Path, offline: bool) -> None:
    project = session.project
    source = page.source
    config = project.config
    head = page.head
    charset = next((m for m in head.iter(f"{html.HTML}meta") if m.get("charset")), None)
    if charset is not None:
        head.remove(charset)
    else:
        charset = html.element("meta", {"charset": "utf-8"})
    charset.tail = "\n"
    head.insert(0, charset)
    head.insert(1, html.element("meta", {"http-equiv": "Content-Security-Policy", "content": ""}))
    head.insert(2, html.element("meta", {"name": "referrer", "content": "no-referrer"}))
    title = source.meta["title"] if source else config.get("site_name")
    if source is not None and source.src_uri == "index.md":
        # The home page is the site: its window title is the site's name, not "Home" or the name twice.
        for element in head.iter(f"{html.HTML}title"):
            element.text = config.get("site_name")
    description = (source.meta.get("description") if source else None) or config.get("site_description")
    image = alt = None
    if source is not None and not offline and project.site_url:
        author = config.get("site_author") or ""
        uri = cards.publish(site, project.root / options.cache_dir / "social-cards", source.src_uri, title,
                            config.get("site_name"), author)
        image = urljoin(project.site_url, uri)
        alt = cards.alt_text(title=title, site=config.get("site_name"), author=author)
    data = structured_data.data(session, source, image)
    url = project.canonical_url(source.src_uri) if source else None
    tags = [
        ("property", "og:type", "article" if data.get("@type") == "Article" else "website"),
        ("property", "og:site_name", config.get("site_name")),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:locale", options.locale),
    ]
    if url:
        tags.append(("property", "og:url", url))
    if image:
        tags += [
            ("property", "og:image", image),
            ("property", "og:image:width", "1200"),
            ("property", "og:image:height", "630"),
            ("property", "og:image:alt", alt),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:image", image),
            ("name", "twitter:image:alt", alt),
        ]
    tags += [("name", "twitter:title", title), ("name", "twitter:description", description)]
    added = [html.element("meta", {kind: name, "content": str(value)}) for kind, name, value in tags]
    scholarly_tags = scholarly.tags(session, source, options.pdf.output_path, config.get("copyright"))
    if scholarly_tags:
        added += [html.element("link", {"rel": rel, "href": href}) for rel, href in scholarly.SCHEMAS.items()]
        added += [html.element("meta", {"name": name, "content": content}) for name, content in scholarly_tags]
    added.append(html.element("script", {"type": "application/ld+json"}, structured_data.script_text(data)))
    for element in added:
        element.tail = "\n"
        head.append(element)


def write_policy(page, policy) -> None:
    """The policy's text in its place (the second element of the head, right after the character set)."""
    meta = page.head[1]
    meta.set("content", policy.text())


# The article


def article(page, session, options, offline: bool, references: dict) -> None:
    """`references`: key -> the list of sources' entry (its tree), for the page's printed sources."""
    article = page.article
    source = page.source
    if article is None or source is None:
        return  # the "not found" page offers its own ways on (overrides/404.html)
    if source.kind == "section":
        cff = session.sources.citation_file
        url = session.project.canonical_url(source.src_uri) or source.src_uri
        append_html(article, cite_box.box(cite_box.citation(source.meta, cff, url)))
    print_sources(article, references)
    append_html(article, downloads(page, session, options, offline))


def print_sources(article, references: dict) -> None:
    """On paper, the editors' short citations ("UNODC 2009") need their sources: the entries of the
    list of sources they link to, printed after the page (hidden on screens, edition.css)."""
    import copy

    keys = []
    for link in article.iter(f"{html.HTML}a"):
        if "editorial-cite" in html.classes(link):
            key = (link.get("href") or "").partition("#")[2]
            if key in references and key not in keys:
                keys.append(key)
    if not keys:
        return
    section = html.element("section", {"class": "edition-print-sources editorial", "aria-labelledby": "printed-sources"})
    heading = html.element("h2", {"id": "printed-sources"}, "Sources the editors cite on this page")
    listing = html.element("ul", {"class": "sources"})
    section.extend([heading, listing])
    for key in keys:
        item = html.element("li")
        entry = copy.deepcopy(references[key])
        entry.attrib.pop("id", None)
        item.append(entry)
        listing.append(item)
    article.append(section)


def sources_of(pages) -> dict:
    """key -> the reference of the list of sources (the page composed with `compose: bibliography`)."""
    for page in pages:
        if page.source is not None and page.source.meta.get("compose") == "bibliography" and page.article is not None:
            found = {}
            for item in page.article.iter(f"{html.HTML}li"):
                reference = next((p for p in item if "reference" in html.classes(p)), None)
                if item.get("id") and reference is not None:
                    found[item.get("id")] = reference
            return found
    return {}


def downloads(page, session, options, offline: bool) -> str:
    """The links to the PDF, the EPUB and the offline copy; on the home page, explained."""
    from html import escape

    def url(path: str) -> str:
        return escape(posixpath.join(page.depth, path) if page.depth != "." else path)

    pdf, letter = url(options.pdf.output_path), url(options.pdf.letter_output_path)
    epub, copy = url(options.epub.output_path), url(options.offline_copy)
    home = page.source is not None and page.source.src_uri == "index.md"
    if home:
        more = "" if offline else (
            f'\n<a class="md-button" href="{epub}" type="application/epub+zip">EPUB</a>'
            f'\n<a class="md-button" href="{copy}" type="application/zip">Offline copy (zip)</a>'
        )
        explain = "" if offline else (
            " The EPUB is the same book for e-readers, whose notes open where you read them."
            " The offline copy is this website in a zip file: unpack it and open <code>index.html</code>, no network needed."
        )
        return (
            '<aside class="edition-downloads editorial edition-downloads--home" aria-label="Downloads">\n'
            '<h2 id="downloads">Read offline and in print</h2>\n<p>\n'
            f'<a class="md-button" href="{pdf}" type="application/pdf">PDF (A4)</a>\n'
            f'<a class="md-button" href="{letter}" type="application/pdf">PDF (US Letter)</a>{more}\n</p>\n'
            f"<p>The PDF has the whole essay with its notes and sources, ready to print.{explain}</p>\n</aside>\n"
        )
    more = "" if offline else (
        f' · <a href="{epub}" type="application/epub+zip">EPUB</a>'
        f' · <a href="{copy}" type="application/zip">offline copy (zip)</a>'
    )
    return (
        '<aside class="edition-downloads editorial" aria-label="Downloads">\n'
        f'<p>Read offline: <a href="{pdf}" type="application/pdf">PDF</a>'
        f' (<a href="{letter}" type="application/pdf">US Letter</a>){more}</p>\n</aside>\n'
    )


def append_html(parent, markup: str) -> None:
    """The edition's own markup, parsed by the same parser, at the end of `parent`."""
    nodes = html.parse_fragment(markup, container=html.local(parent.tag))
    for node in nodes:
        parent.append(node)


# The page's frame


def chrome(page, session, offline: bool) -> None:
    edit_button(page, session)
    for sidebar in page.body.iter(f"{html.HTML}div"):
        if "md-sidebar--secondary" in html.classes(sidebar):
            for nav in list(sidebar.iter(f"{html.HTML}nav")):
                if "md-nav--secondary" in html.classes(nav) and not list(nav.iter(f"{html.HTML}a")):
                    # Material writes the table of contents' landmark on a page with no headings: an
                    # empty "Table of contents" a screen reader would announce and find nothing in.
                    parent = next(p for p in sidebar.iter() if nav in list(p))
                    parent.remove(nav)
    for node in page.body.iter(f"{html.HTML}div"):
        if "md-search" in html.classes(node) and node.get("role") == "dialog":
            node.set("aria-label", SEARCH_DIALOG_NAME)
    if not offline:
        lazy_search(page)
    elif page.source is None:
        not_found_offline(page, session)


def edit_button(page, session) -> None:
    """The edit button opens the file the words are in, when the page is made from another."""
    source = page.source
    if source is None or page.article is None:
        return
    for link in page.article.iter(f"{html.HTML}a"):
        if "md-content__button" not in html.classes(link) or not link.get("href"):
            continue
        target = edited_file(source, session)
        if target is None:
            return
        base = link.get("href")
        up = "../" * (source.src_uri.count("/") + 1 + session.project.docs_dir.count("/"))
        edited = urljoin(base, up + target)
        if target.endswith("/"):
            edited = edited.replace("/edit/", "/tree/", 1)
        link.set("href", edited)


def edited_file(source, session) -> str | None:
    """Where a page's words are written, from the repository's root, when not in the page itself."""
    from edition.guard.sources import auto_appended

    compose = source.meta.get("compose")
    if compose == "bibliography":
        return "references.bib"
    if compose == "glossary":
        names = auto_appended(session.project)
        return f"includes/{names[0]}" if names else None
    if compose == "essay":
        return f"{session.project.docs_dir}/essay/"
    body = source.body.strip()
    if len(source.includes) == 1 and body.count("\n") == 0 and body.startswith("--8<--"):
        return source.includes[0]
    return None


def lazy_search(page) -> None:
    """Material's `__config` names the stand-in worker, which loads search on the first query."""
    for script in page.root.iter(f"{html.HTML}script"):
        if script.get("id") != "__config":
            continue
        data = json.loads(script.text or "{}")
        match = WORKER.match(data.get("search") or "")
        if match:
            worker = match["worker"].removeprefix("workers/")
            data["search"] = f"{match['prefix']}{STAND_IN}?worker={worker}&documents=../../../{DOCUMENTS}"
            script.text = structured_data.script_text(data)
        return


def not_found_offline(page, session) -> None:
    """The offline copy's "not found" page: its links relative to the copy's root, not the disk's."""
    prefix = urlsplit(session.project.site_url or "/").path or "/"
    for node in page.root.iter():
        for name in ("href", "src"):
            value = node.get(name)
            if value and value.startswith(prefix):
                node.set(name, "./" + value[len(prefix):] if value != prefix else "./")
    for script in page.root.iter(f"{html.HTML}script"):
        if script.text and f'new URL("{prefix}",location)' in script.text:
            script.text = script.text.replace(f'new URL("{prefix}",location)', 'new URL(".",location)')
        if script.get("id") == "__config" and script.text:
            # Material's own configuration: where the site starts, and its search worker.
            data = json.loads(script.text)
            for key in ("base", "search"):
                value = data.get(key)
                if isinstance(value, str) and value.startswith(prefix):
                    data[key] = value[len(prefix):] or "."  # as Material writes them at the root
            script.text = structured_data.script_text(data)


# The site's other files


def site_files(site: Path, session, options, offline: bool) -> None:
    if offline:
        offline_leftovers(site, session)
    else:
        split_search_index(site)
    robots_txt(site, session.project.site_url)


def split_search_index(site: Path) -> None:
    index = site / INDEX
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    (site / DOCUMENTS).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    index.write_text(json.dumps({"config": data["config"], "docs": []}, separators=(",", ":")), encoding="utf-8")


def offline_leftovers(site: Path, session) -> None:
    for source_map in site.rglob("*.map"):
        source_map.unlink()
    for path in sorted([*site.rglob("*.js"), *site.rglob("*.css")]):
        data = path.read_bytes()
        lean = SOURCE_MAP_LINE.sub(b"", data)
        if lean != data:
            path.write_bytes(lean)
    keep = lunr_files(search_languages(session.project))
    lunr = site / LUNR
    for path in sorted(lunr.rglob("*")) if lunr.is_dir() else []:
        if path.is_file() and path.relative_to(lunr).as_posix() not in keep:
            path.unlink()
    for folder in sorted((p for p in lunr.rglob("*") if p.is_dir()), reverse=True) if lunr.is_dir() else []:
        if not any(folder.iterdir()):
            folder.rmdir()
    if lunr.is_dir() and not any(lunr.iterdir()):
        lunr.rmdir()
    if (site / "search" / "search_index.js").exists():
        (site / INDEX).unlink(missing_ok=True)


def search_languages(project) -> list[str]:
    options = project.plugin_options("search") or project.plugin_options("material/search") or {}
    languages = options.get("lang")
    if isinstance(languages, str):
        languages = [languages]
    return list(languages or [project.language])


def lunr_files(languages: list[str]) -> set[str]:
    """The lunr files that Material's search worker loads for these languages (none for English alone)."""
    others = [language for language in languages if language != "en"]
    if not others:
        return set()
    found = set(LUNR_SUPPORT)
    for language in others:
        found.add(f"min/lunr.{language}.min.js")
        found.update(LUNR_EXTRA.get(language, []))
    return found


def robots_txt(site: Path, site_url: str | None) -> None:
    """robots.txt only where crawlers read it: at a host's root (README.md, "Search engines")."""
    if not is_host_root(site_url):
        return
    lines = ["User-agent: *", "Allow: /", f"Sitemap: {site_url.rstrip('/')}/sitemap.xml"]
    (site / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def is_host_root(site_url: str | None) -> bool:
    """Is `site_url` an http(s) address whose path is the root, "/" (or nothing)?"""
    if not site_url:
        return False
    parts = urlsplit(site_url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/") and not parts.query
