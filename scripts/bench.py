"""How long the builds take: `make bench`. Prints numbers; asserts nothing.

Builds the site RUNS times each way, in temporary folders, and prints the
median wall time (and CPU time, which depends less on what else the machine is
doing): a bare Material build of the same pages (mkdocs.yml without our hooks,
plugins other than search, templates and styles), the plain build, the build
with the PDF (A4 and Letter), the build with the EPUB, the offline build, and
the whole `make site` (site, two PDFs, EPUB, offline zip); then the ratios
against the goals (PDF build at most 4x the plain build, plain build at most
1.5x the bare build, `make site` at most 5x the plain build) and the sizes of
the PDFs, the EPUB and the offline zip. Then what a reader's first visit costs: the
compressed weight of a few pages (scripts/page_weight.py, goal at most 70 KiB)
and their Lighthouse mobile scores (scripts/lighthouse.py, goal 100 in each
category), when Lighthouse is installed (`make bench` installs it).
"""

from __future__ import annotations

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
RUNS = int(os.environ.get("RUNS", "3"))


def bare_config(folder: Path) -> Path:
    """mkdocs.yml without the edition's hooks, extra plugins, templates and styles."""
    config = Project.load(ROOT / "mkdocs.yml", environ={}).config
    config.pop("hooks", None)
    config.pop("extra", None)
    config.pop("extra_css", None)
    config["theme"].pop("custom_dir", None)
    config["plugins"] = ["search"]
    config["docs_dir"] = str(ROOT / "docs")
    config["strict"] = False  # the citations stay unresolved text without their plugin
    path = folder / "mkdocs.yml"
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


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        folder = Path(tmp)
        builds = {
            "bare Material": (bare_config(folder), {}),
            "plain": (ROOT / "mkdocs.yml", {}),
            "PDF (A4 + Letter)": (ROOT / "mkdocs.yml", {"ENABLE_PDF_EXPORT": "1"}),
            "EPUB": (ROOT / "mkdocs.yml", {"ENABLE_EPUB_EXPORT": "1"}),
            "offline": (ROOT / "mkdocs.yml", {"OFFLINE": "true"}),
        }
        results: dict[str, tuple[float, float]] = {}
        for name, (config, env) in builds.items():
            runs = [timed(config, folder / name.replace(" ", "-"), **env) for _ in range(RUNS)]
            results[name] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        runs = [make_site(folder / f"make-site-{run}") for run in range(RUNS)]
        results["make site (all)"] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        print(f"median of {RUNS} runs     wall      cpu")
        for name, (wall, cpu) in results.items():
            print(f"  {name:<20} {wall:6.2f} s {cpu:6.2f} s")
        bare, plain, pdf = results["bare Material"][0], results["plain"][0], results["PDF (A4 + Letter)"][0]
        print(f"PDF build / plain build:  {pdf / plain:.2f}x (goal: at most 4x)")
        print(f"plain build / bare build: {plain / bare:.2f}x (goal: at most 1.5x)")
        print(f"offline / plain build:    {results['offline'][0] / plain:.2f}x")
        print(f"EPUB build / plain build: {results['EPUB'][0] / plain:.2f}x")
        whole, whole_cpu = results["make site (all)"]
        print(f"make site / plain build:  {whole / plain:.2f}x wall, {whole_cpu / results['plain'][1]:.2f}x cpu (goal: at most 5x)")
        for download in sorted((folder / f"make-site-{RUNS - 1}" / "site" / "downloads").iterdir()):
            print(f"  {download.name}: {download.stat().st_size / 1024:.0f} KiB")
        print(f"load average now: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        reader(folder / "plain")
    from scripts import hostile_bench

    hostile_bench.main()
    suite()


def machine_speed() -> float:
    """Seconds of one core for a fixed loop: on a shared virtual machine the same suite can take
    a third longer at a busy hour, so the suite's time is read beside this yardstick."""
    start = time.process_time()
    sum(range(30_000_000))
    return time.process_time() - start


def suite() -> None:
    """The time of the test suite `make test` runs, after set-up (goal: at most 90 s)."""
    print(f"machine yardstick (a fixed loop, one core): {machine_speed():.2f} s")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"pytest (make test's suite, on {os.cpu_count()} cores): {wall:.1f} s (goal: at most 90 s on 2): {summary}")


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
