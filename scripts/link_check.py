"""Check that the essay's sources and the edition's outside links still answer.

Run weekly by CI (`make linkcheck`), never as part of a build: a source that
dies is news for the editors (add an archived copy), not a reason to stop a
correction. Reads every address in references.bib (url, archived, current)
and every http(s) link in the Markdown pages, asks each host once (HEAD,
then GET where HEAD is refused), and lists the ones that fail.

    python -m scripts.link_check            # every address in the project
    python -m scripts.link_check URL [...]  # just these

Tests: tests/test_contributing.py (what it reads, how it reports).
"""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path.cwd()
BIB_URL = re.compile(r"^\s*(?:url|archived|current)\s*=\s*[{\"](?P<url>[^}\"]+)[}\"]", re.MULTILINE | re.IGNORECASE)
MD_URL = re.compile(r"\]\((?P<url>https?://[^)\s]+)\)|<(?P<auto>https?://[^>\s]+)>")
TIMEOUT = 20
AGENT = "protecting-children-essay link check (weekly)"


def main(argv: list[str]) -> int:
    urls = argv or collect(ROOT)
    dead = [(url, why) for url, why in check(urls) if why]
    for url, why in dead:
        print(f"DEAD {url}: {why}")
    print(f"{len(urls) - len(dead)} of {len(urls)} addresses answer.")
    return 1 if dead else 0


def collect(root: Path) -> list[str]:
    """Every outside address the edition shows a reader, once, in a stable order."""
    found: dict[str, None] = {}
    bib = (root / "references.bib").read_text(encoding="utf-8")
    for match in BIB_URL.finditer(bib):
        found[match.group("url").strip().replace("\\%", "%")] = None
    for page in sorted([*root.glob("docs/**/*.md"), root / "CONTRIBUTING.md"]):
        if page.exists():
            for match in MD_URL.finditer(page.read_text(encoding="utf-8")):
                found[match.group("url") or match.group("auto")] = None
    return list(found)


def check(urls: list[str]) -> list[tuple[str, str]]:
    """(url, "" if it answers, else why not)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(zip(urls, pool.map(problem, urls)))


def problem(url: str) -> str:
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return "" if response.status < 400 else f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue  # some servers refuse HEAD only
            return f"HTTP {error.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            return str(getattr(error, "reason", error))
    return "no answer"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
