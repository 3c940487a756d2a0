"""The contributor's preview (`make serve`): every mistake named each time, every source watched, any free port.

`mkdocs serve` on a copy of the project, edited while it serves, as a
contributor edits: the same mistake made twice is named twice (MkDocs shows a
log message once per process: edition/plugin.py empties its memory each build),
a change of references.bib rebuilds the preview and a fix clears the error, and
a second preview takes the next free port instead of ending in a traceback.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from conftest import MKDOCS



class Preview:
    def __init__(self, project):
        with socket.socket() as sock:  # a port no other test's preview takes at the same moment
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [str(MKDOCS), "serve", "--livereload", "--dev-addr", f"127.0.0.1:{self.port}"], cwd=project,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True).start()

    def log(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, count: int = 1, seconds: float = 60) -> None:
        end = time.monotonic() + seconds
        while self.log().count(text) < count:
            assert time.monotonic() < end and self.process.poll() is None, f"waited for {text!r} x{count}:\n{self.log()}"
            time.sleep(0.1)

    def close(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


@pytest.fixture
def preview(project):
    served = Preview(project)
    served.wait_for("Serving on")
    yield served
    served.close()


def save(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    time.sleep(0.3)  # the watcher's settling time: two saves of one second are two events


def test_the_same_mistake_made_twice_is_named_twice(preview, project):
    about = project / "docs/about.md"
    good = about.read_text(encoding="utf-8")
    message = "[@Childline2026indai] cites @Childline2026indai, which is not a key in references.bib"
    for attempt in (1, 2):
        save(about, good + "\nA claim[@Childline2026indai].\n")
        preview.wait_for(message, count=attempt)
        save(about, good)
        preview.wait_for("Documentation built", count=attempt + 1)
    assert "Traceback" not in preview.log()


def test_saving_references_bib_rebuilds_and_a_fix_clears_the_error(preview, project):
    bib = project / "references.bib"
    good = bib.read_text(encoding="utf-8")
    save(bib, good.replace("year         = {2010},\n  url          = {http://www.uncjin.org/},",
                           "year         = {2010,\n  url          = {http://www.uncjin.org/},", 1))  # fmt: skip
    preview.wait_for("references.bib:")
    save(bib, good)
    preview.wait_for("Documentation built", count=2)
    assert "Traceback" not in preview.log()


def test_a_second_preview_takes_the_next_free_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "scripts.free_port", str(port)], capture_output=True, text=True)
        assert result.returncode == 0 and int(result.stdout) > port
