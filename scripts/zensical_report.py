"""What the edition keeps and loses under Zensical: `make test-zensical`. Prints a report; never fails.

Zensical reads mkdocs.yml but runs none of the edition's plugin (nor any other
third-party plugin or hook); it does run the Python-Markdown extensions listed
under `markdown_extensions`, which is where the citations and the composed pages
live (edition/citations/, edition/pages/). So the edition's other steps run as
commands around Zensical's build, as any generator would run them:

1. `zensical build` of a copy of the project (its own venv, .cache/zensical,
   installed from requirements.txt and requirements-zensical.txt);
2. `python -m edition verify` on what Zensical wrote: the tripwire must refuse
   it, naming what is missing (the finishing step did not run);
3. `python -m edition finish` on it (the guard, the policy, the metadata);
4. `python -m edition verify` again;
5. page by page, the words of each article and its notes, compared with the
   MkDocs build of the same commit.

Each step's result is printed; the report ends with what Zensical lacks for the
edition to pass. The job is not part of `make test`: Zensical is in beta.

Tests: none run it (it needs a second venv); tests/test_finish.py runs the same
commands on a site built without the plugin, and asserts the tripwire refuses it.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZENSICAL_VENV = ROOT / ".cache" / "zensical"
GUARD_LINE = re.compile(r"^\s+(?P<file>\S+)(?: \([^)]*\))?(?::(?P<line>\d+))?: (?P<message>.*) \((?P<guard>[^)]+)\)$")


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


def words_of(site: Path) -> dict[str, tuple[str, int]]:
    """Each page's article words and its number of notes, by its path in the site."""
    from edition.finish import html

    found = {}
    for path in sorted(site.rglob("*.html")):
        document = html.parse(path.read_text(encoding="utf-8"))
        article = next((node for node in document.iter(f"{html.HTML}article")), None)
        if article is None:
            continue
        notes = [node for node in article.iter(f"{html.HTML}li") if (node.get("id") or "").startswith("ref-")]
        found[path.relative_to(site).as_posix()] = (html.text_of(article), len(notes))
    return found


def summary(stderr: str) -> list[str]:
    """The guard's problems, counted by kind (the message without its page)."""
    kinds = collections.Counter()
    pages = collections.defaultdict(set)
    for line in stderr.splitlines():
        match = GUARD_LINE.match(line)
        if match:
            kind = re.sub(r"<[a-z-]+>", "<…>", match["message"]) if "attribute" in match["message"] else match["message"]
            kinds[kind] += 1
            pages[kind].add(match["file"])
    return [f"{count:4} × {kind} (in {len(pages[kind])} pages)" for kind, count in kinds.most_common(12)]


def main() -> int:
    zensical = ZENSICAL_VENV / "bin" / "zensical"
    python = ZENSICAL_VENV / "bin" / "python"
    version = run([str(python), "-c", "import importlib.metadata as m; print(m.version('zensical'))"], ROOT).stdout.strip()
    print(f"# Zensical {version or '(not installed)'} and the edition\n")
    with tempfile.TemporaryDirectory(prefix="zensical-") as tmp:
        project = Path(tmp) / "project"
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        project.mkdir()
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
        reference = Path(tmp) / "mkdocs-site"
        built = run([str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "-d", str(reference)], project)
        if built.returncode:
            print(f"MkDocs' build of the same commit failed:\n{built.stderr[-2000:]}")
            return 0
        result = run([str(zensical), "build", "--strict", "-f", "mkdocs.yml"], project)
        site = project / "site"
        print(f"1. `zensical build --strict`: exit {result.returncode}; {len(list(site.rglob('*.html')))} pages written")
        if result.returncode:
            print("   " + (result.stderr.strip().splitlines() or ["(no message)"])[-1])
            return 0
        verify = run([str(python), "-m", "edition", "verify", str(site)], project)
        print(f"2. the tripwire on Zensical's output: exit {verify.returncode} (1 expected)")
        print("   " + (verify.stderr.strip().splitlines() or verify.stdout.strip().splitlines() or [""])[0][:300])
        mkdocs_words, zensical_words = words_of(reference), words_of(site)
        finish = run([str(python), "-m", "edition", "finish", str(site)], project)
        print(f"3. the edition's finishing step on Zensical's output: exit {finish.returncode}")
        for line in summary(finish.stderr) if finish.returncode else [finish.stdout.strip()]:
            print(f"   {line}")
        verify = run([str(python), "-m", "edition", "verify", str(site)], project)
        print(f"4. the tripwire after it: exit {verify.returncode}")
        print("5. each page's article, against MkDocs' build of the same commit:")
        same = 0
        for page in sorted(set(mkdocs_words) | set(zensical_words)):
            ours, theirs = mkdocs_words.get(page), zensical_words.get(page)
            if ours is None or theirs is None:
                print(f"   {page}: only in {'Zensical' if ours is None else 'MkDocs'}'s build")
            elif ours != theirs:
                words_ours, words_theirs = ours[0].split(), theirs[0].split()
                first = next((i for i, (a, b) in enumerate(zip(words_ours, words_theirs)) if a != b), min(len(words_ours), len(words_theirs)))
                print(f"   {page}: {ours[1]} notes and {len(words_ours)} words in MkDocs', {theirs[1]} and {len(words_theirs)} in Zensical's; "
                      f"first difference: {' '.join(words_ours[first:first + 6])!r} / {' '.join(words_theirs[first:first + 6])!r}")
            else:
                same += 1
        print(f"   {same} of {len(mkdocs_words)} pages have the same words and notes")
    return 0


if __name__ == "__main__":
    shutil.which("git") or sys.exit("git is needed")
    sys.exit(main())
