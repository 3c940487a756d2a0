"""Read mkdocs.yml as data, with MkDocs' own YAML tags (for tests and scripts).

Tests: tests/test_build.py::test_mkdocs_yml_reads_as_mkdocs_reads_it_with_no_switch_set.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def load(path: Path) -> dict:
    """mkdocs.yml, with each `!ENV` tag read as its default and `!!python/name` as its name."""

    class Loader(yaml.SafeLoader):
        pass

    def env_default(loader, node):
        values = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [None]
        return values[-1]

    Loader.add_constructor("!ENV", env_default)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
