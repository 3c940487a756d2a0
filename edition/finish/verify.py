"""The tripwire: refuse an output folder that the edition did not finish.

A generator that runs none of the edition's plugins (Zensical today: it skips
every hook and third-party plugin without a word) builds pages that look
right and keep none of the edition's promises: raw `[@key]` citations, an empty
Content-Security-Policy, no guard. `python -m edition verify site/` (and
`make verify SITE=site`, which `make site` ends with and the deploy workflow
runs on the very folder it uploads) refuses such a folder, naming what is
missing:

- the finishing step's stamp (`edition-stamp.json`, edition/finish/__init__.py);
- every HTML file of the folder among the stamp's pages, with the digest the
  finishing step wrote (a page changed or added after the guard judged it is
  refused);
- every page's Content-Security-Policy present, right after the character set,
  not empty, and the stamp's;
- every page's citations rendered, as many as the finishing step counted
  (which compared them with those the manifest found in its Markdown): a raw
  `[@key]` is none.

Tests: tests/test_finish.py (a site built by plain Material, without the
edition's plugin, is refused; the finished site passes; a page changed after).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from edition.errors import Problem, raise_all
from edition.finish import STAMP, html

GUARD = "tripwire"


def verify(site: Path) -> list[Problem]:
    """Every reason to refuse the folder (an empty list: it is the edition's, finished)."""
    site = Path(site)
    stamp_path = site / STAMP
    if not stamp_path.is_file():
        return [Problem(str(site), None, f"has no {STAMP}: the edition's finishing step did not run on it "
                        "(was it built by a generator that skips the edition's plugin? run `python -m edition finish`)",
                        GUARD)]
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        policy, digests, cited = stamp["policy"], stamp["pages"], stamp["citations"]
    except (ValueError, KeyError, TypeError):
        return [Problem(STAMP, None, "is not the finishing step's stamp", GUARD)]
    problems = []
    if not policy:
        problems.append(Problem(STAMP, None, "records an empty Content-Security-Policy", GUARD))
    for path in sorted(site.rglob("*.html")):
        dest = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if dest not in digests:
            problems.append(Problem(dest, None, "was not judged by the content guard (it is not in the stamp)", GUARD))
            continue
        if hashlib.sha256(data).hexdigest() != digests[dest]:
            problems.append(Problem(dest, None, "changed after the content guard judged it", GUARD))
            continue
        problems += check_page(dest, data.decode("utf-8"), policy, cited.get(dest))
    for dest in sorted(set(digests) - {p.relative_to(site).as_posix() for p in site.rglob("*.html")}):
        problems.append(Problem(dest, None, "is in the stamp but not in the folder", GUARD))
    return problems


def check_page(dest: str, text: str, policy: str, citations: int | None) -> list[Problem]:
    """A page's own promises: its policy where it works, and its citations rendered."""
    document = html.parse(text)
    head = html.document_element(document).find(f"{html.HTML}head")
    problems = []
    metas = [m for m in head.iter(f"{html.HTML}meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    if not metas or not metas[0].get("content"):
        problems.append(Problem(dest, None, "has no Content-Security-Policy, or an empty one", GUARD))
    elif metas[0].get("content") != policy or list(head).index(metas[0]) != 1:
        problems.append(Problem(dest, None, "has a Content-Security-Policy other than the edition's, or in the wrong place", GUARD))
    if citations is not None and rendered_citations(document) != citations:
        problems.append(Problem(dest, None, f"renders {rendered_citations(document)} citations where the finishing "
                                f"step counted {citations}: are some left raw, [@…]?", GUARD))
    return problems


def rendered_citations(document) -> int:
    """The citations rendered in a page: its notes' markers and its short citations."""
    found = 0
    for node in html.document_element(document).iter():
        if not isinstance(node.tag, str):
            continue
        name, classes = html.local(node.tag), html.classes(node)
        if name == "a" and ("footnote-ref" in classes or "editorial-cite" in classes):
            found += 1
    return found


def main(site: str) -> None:
    raise_all(verify(Path(site)), f"{site} is not a finished edition; do not publish it")


