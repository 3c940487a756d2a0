"""What is installed is the lock, and the build needs nothing the site's lock does not hold.

- The build's modules import only the standard library, the edition itself and
  the distributions of the runtime lock (requirements.txt): each module is
  imported in a fresh interpreter where every other installed distribution (the
  test extras: pytest, BeautifulSoup, Playwright…) is hidden, as in an
  environment made from the runtime lock alone; an undeclared import fails by name.
- The locks agree: the test lock holds the runtime lock's pins, the build
  backend's lock its setuptools, and every pin has its hashes.
- Every install (the Makefile, and through it CI and every workflow) installs
  from the locks with hashes and no resolution, then checks them with `pip check`.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

BUILD_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "edition").rglob("*.py")
    if path.name != "__main__.py"
)


def pins(lock: str) -> dict[str, str]:
    """name -> version of every requirement of a lock file (names normalised as pip normalises them)."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    found = {}
    for name, version in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", text, re.MULTILINE):
        found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


HIDE = """
import importlib.abc, importlib.metadata, re, sys
allowed = set({allowed!r})
owners = importlib.metadata.packages_distributions()

class RuntimeLockOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names or top == "edition" or top in sys.builtin_module_names:
            return None
        dists = {{re.sub(r"[-_.]+", "-", d).lower() for d in owners.get(top, [])}}
        if dists and not dists & allowed:
            raise ImportError(f"{{name}} ({{', '.join(sorted(dists))}}) is imported by the build but is not in the runtime lock")
        return None

sys.meta_path.insert(0, RuntimeLockOnly())
import importlib
for module in {modules!r}:
    importlib.import_module(module)
print("ok")
"""


def test_every_build_module_imports_from_the_runtime_lock_alone():
    """Each build module imported with everything outside the runtime lock hidden: an import the
    site's environment would not have fails here, naming the module and its distribution."""
    code = HIDE.format(allowed=sorted(pins("requirements.txt")), modules=BUILD_MODULES)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests", timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]


def test_the_check_itself_refuses_a_module_outside_the_lock():
    code = HIDE.format(allowed=sorted(pins("requirements.txt")), modules=["bs4" if "beautifulsoup4" not in
                                                                          pins("requirements.txt") else "pytest"])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests", timeout=60)
    assert result.returncode != 0 and "is not in the runtime lock" in result.stderr


def test_the_locks_agree_and_every_pin_has_its_hashes():
    runtime, test, backend = pins("requirements.txt"), pins("requirements-test.txt"), pins("requirements-build.txt")
    assert runtime and set(runtime) < set(test)
    assert {name: test[name] for name in runtime} == runtime, "the test lock holds the runtime lock's pins"
    assert backend == {"setuptools": runtime["setuptools"]}
    for lock in ("requirements.txt", "requirements-test.txt", "requirements-build.txt", "requirements-cffconvert.txt"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8").split("\n", 2)[-1])
        for entry in entries:
            if re.match(r"[A-Za-z0-9]", entry):
                assert "--hash=sha256:" in entry, f"{lock}: {entry.splitlines()[0]} has no hash"


def test_the_runtime_dependencies_of_pyproject_are_in_the_runtime_lock():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    runtime = pins("requirements.txt")
    for requirement in declared:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group(0)).lower()
        assert name in runtime, f"{requirement} is declared but not locked"


def test_every_install_is_the_lock_with_hashes_and_no_resolution():
    """The Makefile's installs, which every workflow and CI runs: hashes, --no-deps, then pip check."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"pip (?:--disable-pip-version-check )?install[^\n]*(?:\\\n[^\n]*)*", makefile)
    assert installs
    for command in installs:
        if "-e ." in command:
            assert "--no-deps" in command and "--no-build-isolation" in command, command
        else:
            assert "--require-hashes" in command and "--no-deps" in command, command
    assert makefile.count("pip --disable-pip-version-check check") >= 3
    for workflow in (ROOT / ".github/workflows").glob("*.yml"):
        text = workflow.read_text(encoding="utf-8")
        assert "pip install" not in text, f"{workflow.name} installs outside the Makefile"
    assert "npm install" not in makefile and makefile.count("npm ci") >= 1


@pytest.mark.parametrize("tool", ["lint", "ace", "lighthouse"])
def test_the_node_tools_are_locked_without_registry_addresses(tool):
    lock = (ROOT / "tools" / tool / "package-lock.json").read_text(encoding="utf-8")
    assert '"integrity": "sha512-' in lock and '"resolved"' not in lock
    assert "omit-lockfile-registry-resolved=true" in (ROOT / "tools" / tool / ".npmrc").read_text(encoding="utf-8")
