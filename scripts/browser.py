"""Headless Chromium for the browser tests, and a local server for the built site.

Debian's /usr/bin/chromium is used where it exists (CI installs it with apt);
elsewhere the Chromium that `playwright install chromium` downloaded.

Tests: every browser test runs on these (tests/test_browser.py, tests/test_phone.py,
tests/test_offline.py); the server's 404 page as GitHub Pages serves it:
tests/test_browser.py::test_missing_pages_get_a_helpful_404.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import shutil
import threading
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """An explicit CHROMIUM, else Debian's, else None (Playwright's own)."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, with 404.html for a missing page, as GitHub Pages does."""

    def log_message(self, *args):  # keep pytest output readable
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class GzipHandler(QuietHandler):
    """Like GitHub Pages: text compressed with gzip when the browser accepts it."""

    COMPRESS = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().do_GET()  # the redirect to the folder's address
            path = path / "index.html"
        if (
            path.suffix in self.COMPRESS
            and path.is_file()
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@contextlib.contextmanager
def serve(directory: Path, port: int = 0, compress: bool = False):
    """Serve a folder on 127.0.0.1; yields the base URL."""
    handler = functools.partial(GzipHandler if compress else QuietHandler, directory=str(directory))
    with run_server(handler, port) as base:
        yield base


@contextlib.contextmanager
def run_server(handler, port: int = 0):
    """Any request handler on 127.0.0.1, in a thread; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
