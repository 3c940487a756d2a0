"""The first free port from the one given (`make serve`): a second preview gets the next port, not a traceback.

Usage: python -m scripts.free_port [FIRST]   (prints a port; 8000 by default)

Tests: tests/test_serve.py::test_a_second_preview_takes_the_next_free_port.
"""

from __future__ import annotations

import socket
import sys


def free_port(first: int = 8000, tries: int = 100) -> int:
    for port in range(first, first + tries):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port between {first} and {first + tries - 1}")


if __name__ == "__main__":
    print(free_port(int(sys.argv[1]) if len(sys.argv) > 1 else 8000))
