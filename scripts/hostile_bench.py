"""Numbers for `make bench`: what the worst inputs we know of cost at the guards' limits.

Not a test (tests/test_red_team.py asserts the bounds): these are the numbers behind
edition/guard/sources.py's LIMITS, measured in-process with the site's Markdown extensions.
"""

from __future__ import annotations

import time
import tracemalloc

import markdown

from edition import front_matter
from edition.guard import bibliography as bibliography_check
from edition.guard import content as content_guard
from edition.guard import sources as source_guard
from edition.project import Project
from scripts.bench import ROOT


def site_markdown() -> markdown.Markdown:
    config = Project.load(ROOT / "mkdocs.yml", environ={}).config
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, opts = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        if name != "pymdownx.snippets":
            names.append(name)
            options[name] = opts or {}
    return markdown.Markdown(extensions=names, extension_configs=options)


def at_limits() -> dict[str, str]:
    """Pages as large and as hostile as the limits let them be."""
    limits = source_guard.LIMITS
    words = " words" * 700
    brackets = ("[" * (limits["brackets_per_block"] - 2) + words)[: limits["block_chars"] - 100]
    tags = "<a " * (limits["tags_per_file"] - 4)
    pages = {
        "unclosed brackets": "\n\n".join([brackets] * 15),
        "unclosed start tags": tags + "\n\n" + "\n\n".join([words[:3900]] * 15),
        "nested lists": "".join("    " * (i % 8) + "- x\n" for i in range(6000)),
        "block quotes": "".join("> " * (i % 5) + "x\n" for i in range(9000)),
    }
    return {name: "\n".join(text[i : i + 1000] for i in range(0, len(text), 1000)) for name, text in pages.items()}


def measure(call) -> tuple[float, float]:
    """Seconds (a run without tracing, which slows Python several times) and peak MiB (a traced run)."""
    start = time.perf_counter()
    call()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    md = site_markdown()
    print("hostile input at the limits (Markdown's own time)   seconds   peak MiB")
    for name, text in at_limits().items():
        text = text[: source_guard.LIMITS["composed_bytes"] - 1]
        assert not source_guard.check_markdown(text, name)  # within the limits, so Markdown sees it

        def render(text=text):
            md.reset()
            md.convert(text)

        seconds, peak = measure(render)
        print(f"  {name:<30} {len(text) / 1024:5.0f} KiB {seconds:8.2f} {peak:9.1f}")
    print("refusals (the guard's time)")
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    bomb = "".join(f"@string{{m{i} = m{i - 1} # m{i - 1}}}\n" for i in range(1, 64)).replace("m0 # m0", '"a" # "a"')
    cases = {
        "@string doubling bomb": lambda: _problems(bibliography_check.check_text(bib + bomb)),
        "YAML alias bomb": lambda: _refused(front_matter.load_yaml, "a: &a [x]\nb: [*a, *a]"),
        "5 MB page": lambda: _problems(source_guard.check_markdown(("[a " * 10 + "\n") * 170_000, "page.md")),
        "unclosed CSS comments": lambda: _problems(content_guard.check_css("/*" * 500_000)),
    }
    for name, call in cases.items():
        seconds, peak = measure(call)
        print(f"  {name:<30} {seconds:8.2f} s {peak:7.1f} MiB")


def _problems(found: list) -> None:
    if not found:
        raise SystemExit("not refused")


def _refused(function, *args):
    try:
        function(*args)
    except front_matter.SourceError:
        return
    raise SystemExit("not refused")


if __name__ == "__main__":
    main()
