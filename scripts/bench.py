"""How long the builds and the suites take, and what a first visit weighs: `make bench`.

Prints numbers; asserts nothing (the tests assert what a reader gets; these are goals).

Builds the site RUNS times each way (5 unless RUNS is set), the ways taken in turn
so that a busy minute slows them all alike, in temporary folders, and prints the
median wall time and CPU time (which depends less on what else the machine does):

- bare Material: the same pages and theme with the search plugin and Material's
  Markdown extensions only (no edition, no citations, no templates or styles);
- the design card's stack: bare Material plus mkdocs-bibtex's plugin resolving the
  `[@key]` citations from references.bib, which is what the edition replaces;
- the edition: the plain build, the PDF build (A4 and Letter), the EPUB build, the
  offline build, and the whole `make site` (site, offline copy, two PDFs, EPUB,
  offline zip, SHA256SUMS).

Then the ratios against the goals (the edition at most 1.5x the design card's stack,
`make site` at most 5x the plain build), whether every `make site` gave the same bytes
(their SHA256SUMS and every file's digest compared), the downloads' sizes, what a
reader's first visit costs (scripts/page_weight.py: compressed, goal at most 70 KiB;
Lighthouse's mobile scores when `make bench` has installed it), the hostile inputs at
the guards' limits (scripts/hostile_bench.py), and last the two suites' times:
`make check`'s (goal at most 20 s) and `make test`'s pytest (goal at most 150 s on 2 cores).
"""

from __future__ import annotations

import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from edition.project import Project

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).with_name("mkdocs")
RUNS = int(os.environ.get("RUNS", "5"))
EDITION_EXTENSIONS = ("edition.",)


def bare_config(folder: Path, bibtex: bool = False) -> Path:
    """mkdocs.yml without the edition: Material, search, Material's extensions; with `bibtex`,
    mkdocs-bibtex's plugin too (the design card's stack)."""
    config = Project.load(ROOT / "mkdocs.yml", environ={}).config
    for key in ("hooks", "extra", "extra_css", "extra_javascript", "validation"):
        config.pop(key, None)
    config["theme"].pop("custom_dir", None)
    config["plugins"] = ["search"]
    if bibtex:
        config["plugins"].append({"bibtex": {"bib_file": str(ROOT / "references.bib")}})
    config["markdown_extensions"] = [
        item
        for item in config["markdown_extensions"]
        if not (item if isinstance(item, str) else next(iter(item))).startswith(EDITION_EXTENSIONS)
    ] + (["footnotes"] if bibtex else [])
    config["docs_dir"] = str(ROOT / "docs")
    config["strict"] = False  # without the edition, its includes and citations stay text
    path = folder / ("stack.yml" if bibtex else "bare.yml")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def measured(command: list[str], what: str, **env: str) -> tuple[float, float]:
    """(wall, cpu) seconds of one command run from the project's root; stops the bench if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{what} failed:\n{result.stdout}{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed(config: Path, site: Path, **env: str) -> tuple[float, float]:
    """(wall, cpu) seconds of one `mkdocs build`."""
    command = [str(MKDOCS), "build", "--config-file", str(config), "--site-dir", str(site)]
    return measured(command, f"build ({config}, {env})", **env)


def make_site(folder: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of the whole production build, as CI runs it."""
    command = ["make", "--no-print-directory", "site", f"SITE={folder / 'site'}", f"BUILD={folder / 'build'}", f"VENV={sys.prefix}"]
    return measured(command, "make site")


def digests(site: Path) -> dict[str, str]:
    """Every file's SHA-256 in a built site, by its path in the site."""
    return {
        str(path.relative_to(site)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        folder = Path(tmp)
        builds = {
            "bare Material": (bare_config(folder), {}),
            "design card's stack": (bare_config(folder, bibtex=True), {}),
            "edition, plain": (ROOT / "mkdocs.yml", {}),
            "edition, PDF": (ROOT / "mkdocs.yml", {"ENABLE_PDF_EXPORT": "true"}),
            "edition, EPUB": (ROOT / "mkdocs.yml", {"ENABLE_EPUB_EXPORT": "true"}),
            "edition, offline": (ROOT / "mkdocs.yml", {"OFFLINE": "true"}),
        }
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in [*builds, "make site (all)"]}
        for run in range(RUNS):  # in turn, so that a busy minute slows every way alike
            for name, (config, env) in builds.items():
                runs[name].append(timed(config, folder / name.replace(" ", "-").replace(",", ""), **env))
            runs["make site (all)"].append(make_site(folder / f"make-site-{run}"))
        results = {
            name: (statistics.median(r[0] for r in timings), statistics.median(r[1] for r in timings))
            for name, timings in runs.items()
        }
        print(f"median of {RUNS} runs, taken in turn     wall      cpu")
        for name, (wall, cpu) in results.items():
            print(f"  {name:<30} {wall:6.2f} s {cpu:6.2f} s")
        bare, stack, plain = (results[name] for name in ("bare Material", "design card's stack", "edition, plain"))
        print(f"edition / design card's stack: {plain[0] / stack[0]:.2f}x wall, {plain[1] / stack[1]:.2f}x cpu (goal: at most 1.5x)")
        print(f"edition / bare Material:       {plain[0] / bare[0]:.2f}x wall, {plain[1] / bare[1]:.2f}x cpu")
        for name in ("edition, PDF", "edition, EPUB", "edition, offline"):
            print(f"{name[9:]} / plain:{' ' * (18 - len(name[9:]))}{results[name][0] / plain[0]:.2f}x wall")
        whole = results["make site (all)"]
        print(f"make site / plain: {whole[0] / plain[0]:.2f}x wall, {whole[1] / plain[1]:.2f}x cpu (goal: at most 5x)")
        sites = [digests(folder / f"make-site-{run}" / "site") for run in range(RUNS)]
        differing = sorted({path for site in sites[1:] for path in set(site) | set(sites[0]) if site.get(path) != sites[0].get(path)})
        print(
            f"make site, {RUNS} builds in {RUNS} folders: {len(sites[0])} files, "
            + ("the same bytes in every build" if not differing else f"{len(differing)} files differ: {', '.join(differing[:5])}")
        )
        for download in sorted((folder / f"make-site-{RUNS - 1}" / "site" / "downloads").iterdir()):
            print(f"  {download.name}: {download.stat().st_size / 1024:.0f} KiB")
        print(f"load average now: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        reader(folder / "edition-plain")
    from scripts import hostile_bench

    hostile_bench.main()
    suites()


def machine_speed() -> float:
    """Seconds of one core for a fixed loop: on a shared virtual machine the same suite can take
    a third longer at a busy hour, so the suite's time is read beside this yardstick."""
    start = time.process_time()
    sum(range(30_000_000))
    return time.process_time() - start


def suites() -> None:
    """The contributor's loop (`make check`, goal at most 20 s) and the suite `make test` runs
    after its set-up (pytest, goal at most 150 s on 2 cores), each read beside the yardstick."""
    print(f"machine yardstick (a fixed loop, one core): {machine_speed():.2f} s")
    start = time.perf_counter()
    result = subprocess.run(["make", "--no-print-directory", "check"], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"make check: {wall:.1f} s (goal: at most 20 s): {summary}")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"pytest (make test's suite, on {os.cpu_count()} cores): {wall:.1f} s (goal: at most 150 s on 2): {summary}")


def reader(site: Path) -> None:
    """A reader's first visit: compressed weight, then Lighthouse (mobile)."""
    from scripts import lighthouse, page_weight

    pages = ["", "essay/14-opsc/", "bibliography/", "whole-essay/"]
    for page, (total, count) in page_weight.weigh(site, pages).items():
        print(f"first visit {page:<24} {total / 1024:6.1f} KiB compressed in {count} requests (goal: at most 70 KiB)")
    if lighthouse.LIGHTHOUSE.exists():
        lighthouse.main(site, pages[:3])
    else:
        print("Lighthouse is not installed: `make bench` installs it into .cache/lighthouse")


if __name__ == "__main__":
    main()
