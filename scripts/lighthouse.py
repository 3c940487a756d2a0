"""Lighthouse (mobile) scores and first-visit weight of a built site.

Usage: python -m scripts.lighthouse SITE_DIR [PAGE ...]
Serves SITE_DIR on 127.0.0.1 with gzip, as GitHub Pages does, and runs
Lighthouse 12.2 (installed by `make bench` into .cache/lighthouse) with the
machine's Chromium. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from scripts.browser import CHROMIUM_FLAGS, chromium_path, serve

LIGHTHOUSE = ROOT / ".cache" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
DEFAULT_PAGES = ["", "essay/14-opsc/", "bibliography/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def audit(url: str) -> dict:
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        env = dict(os.environ)
        if chromium_path():
            env["CHROME_PATH"] = chromium_path()
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
            ],
            check=True,
            env=env,
            timeout=300,
        )
        return json.loads(report.read_text())


def main(site: Path, pages: list[str]) -> None:
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed at {LIGHTHOUSE}; run `make bench`")
    with serve(site, compress=True) as base:
        for path in pages:
            result = audit(base + path)
            scores = " ".join(
                f"{name}={round(result['categories'][name]['score'] * 100)}" for name in CATEGORIES
            )
            audits = result["audits"]
            weight = audits["total-byte-weight"]["numericValue"] / 1024
            timings = " ".join(
                f"{name}={audits[key]['numericValue'] / 1000:.2f}s"
                for name, key in (("FCP", "first-contentful-paint"), ("LCP", "largest-contentful-paint"), ("TBT", "total-blocking-time"))
            )
            cls = audits["cumulative-layout-shift"]["numericValue"]
            print(f"lighthouse {path or '/':<22} {scores} weight={weight:.1f}KiB {timings} CLS={cls:.3f}")
            if os.environ.get("LIGHTHOUSE_DETAILS"):
                for key, audit_result in audits.items():
                    if audit_result.get("score") is not None and audit_result["score"] < 0.9 and audit_result.get("scoreDisplayMode") in ("numeric", "binary", "metricSavings"):
                        print(f"    {key}: {audit_result.get('displayValue', '')} (score {audit_result['score']})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:] or DEFAULT_PAGES)
