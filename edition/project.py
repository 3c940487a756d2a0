"""The project as every step of the edition sees it, whatever generator builds the pages.

MkDocs, ProperDocs and Zensical all read `mkdocs.yml`, but only MkDocs and
ProperDocs hand plugins their objects (`config`, `nav`, `page`). The edition's
steps that run before and after the generator (the source guard, the note
numbers, the finishing of the built site, the PDF and the EPUB) therefore read
the project themselves, from the same file, with MkDocs' own YAML tags
(`!ENV` by `pyyaml_env_tag`'s rule, and `!relative` as the path it names):

- the configuration as data (`Project.config`), with the edition plugin's
  options validated by its typed configuration (edition/config.py);
- the pages in reading order: the `nav`, then any page it leaves out;
- where each page is built (directory URLs, as all three generators write them).

Tests: tests/test_sources.py (the reader of mkdocs.yml agrees with MkDocs' own
`load_config`; the reading order is the navigation's).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from edition import files

CONFIG_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class NavEntry:
    """A page of the navigation: its source and the titles of the sections it sits in."""

    src_uri: str
    title: str | None
    sections: tuple[str, ...] = ()


@dataclass
class Project:
    root: Path
    config: dict
    config_file: str = CONFIG_FILE
    environ: dict = field(default_factory=dict)

    @classmethod
    def load(cls, config_file: str | os.PathLike = CONFIG_FILE, environ: dict | None = None) -> Project:
        """The project whose configuration is `config_file`, read with the environment's switches."""
        path = Path(config_file).absolute()
        environ = dict(os.environ if environ is None else environ)
        text = files.read_text(path.parent, path.name, "config")
        return cls(root=path.parent, config=load_config_text(text, environ), config_file=path.name, environ=environ)

    # Where things are

    @property
    def docs_dir(self) -> str:
        return str(self.config.get("docs_dir") or "docs").strip("/")

    @property
    def site_url(self) -> str:
        url = self.config.get("site_url") or ""
        return url if not url or url.endswith("/") else url + "/"

    @property
    def language(self) -> str:
        return str((self.config.get("theme") or {}).get("language") or "en")

    @cached_property
    def nav(self) -> list[NavEntry]:
        """The pages of `nav`, in reading order, each with the titles of its sections."""
        found: list[NavEntry] = []

        def walk(items, sections: tuple[str, ...]):
            for item in items or []:
                if isinstance(item, str):
                    found.append(NavEntry(item, None, sections))
                elif isinstance(item, dict):
                    for title, value in item.items():
                        if isinstance(value, str):
                            if "://" not in value:
                                found.append(NavEntry(value, str(title), sections))
                        else:
                            walk(value, (*sections, str(title)))

        walk(self.config.get("nav"), ())
        return found

    def page_sources(self) -> list[str]:
        """Every Markdown page of docs/, the navigation's first in its order, then the others sorted."""
        listed = [entry.src_uri for entry in self.nav]
        prefix = self.docs_dir + "/"
        on_disk = [path.removeprefix(prefix) for path in files.listing(self.root, self.docs_dir) if path.endswith(".md")]
        return list(dict.fromkeys([*[uri for uri in listed if uri in on_disk], *sorted(on_disk)]))

    # Where pages are built

    @property
    def directory_urls(self) -> bool:
        """Pages built as folders (essay/14-opsc/index.html), as MkDocs does unless told otherwise;
        the offline copy (Material's offline plugin, enabled) writes files (essay/14-opsc.html)."""
        offline = self.plugin_options("offline")
        if offline is not None and offline.get("enabled", True) is True:  # MkDocs' Type(bool), as the plugin reads it
            return False
        return self.config.get("use_directory_urls", True) is not False

    def url_of(self, src_uri: str) -> str:
        """The page's address relative to the site, as MkDocs writes it."""
        return url_of(src_uri) if self.directory_urls else file_url_of(src_uri)

    def dest_of(self, src_uri: str) -> str:
        url = self.url_of(src_uri)
        return f"{url}index.html" if url.endswith("/") or not url else url

    def src_of(self, dest: str) -> str | None:
        """The page a built file was made from, if it is one of the pages."""
        wanted = {self.dest_of(uri): uri for uri in self.page_sources()}
        return wanted.get(dest)

    def canonical_url(self, src_uri: str) -> str | None:
        return self.site_url + url_of(src_uri) if self.site_url else None

    # The Markdown extensions, as the generator is told to load them

    def markdown_extensions(self) -> tuple[list[str], dict[str, dict]]:
        """(names, configs) of `markdown_extensions`, as MkDocs passes them to Python-Markdown."""
        names, configs = [], {}
        for item in self.config.get("markdown_extensions") or []:
            if isinstance(item, dict):
                for name, options in item.items():
                    names.append(name)
                    configs[name] = dict(options or {})
            else:
                names.append(str(item))
        return names, configs

    def plugin_options(self, name: str) -> dict | None:
        """The options given to a plugin in `plugins` ({} for a bare name), or None if it is not listed."""
        for item in self.config.get("plugins") or []:
            if item == name:
                return {}
            if isinstance(item, dict) and name in item:
                return dict(item[name] or {})
        return None


def url_of(src_uri: str) -> str:
    """docs/essay/14-opsc.md is built as essay/14-opsc/; index.md as the folder itself."""
    stem = src_uri.removesuffix(".md")
    if posixpath.basename(stem) in ("index", "README"):
        folder = posixpath.dirname(stem)
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def file_url_of(src_uri: str) -> str:
    """docs/essay/14-opsc.md is built as essay/14-opsc.html without directory URLs; index.md as index.html."""
    stem = src_uri.removesuffix(".md")
    if posixpath.basename(stem) == "README":
        stem = posixpath.join(posixpath.dirname(stem), "index")
    return f"{stem}.html"


def env_names(text: str) -> list[str]:
    """Every environment variable that mkdocs.yml's `!ENV` tags read, in their order (its switches among them)."""
    names: list[str] = []

    class Recorder(yaml.SafeLoader):
        pass

    def record(loader, node):
        values = node.value[:-1] if isinstance(node, yaml.SequenceNode) and len(node.value) > 1 else (
            node.value if isinstance(node, yaml.SequenceNode) else [node])
        names.extend(loader.construct_scalar(value) for value in values)

    Recorder.add_constructor("!ENV", record)
    Recorder.add_constructor("!relative", lambda loader, node: None)
    Recorder.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: None)
    yaml.load(text, Loader=Recorder)  # noqa: S506 - a SafeLoader that records MkDocs' tags
    return list(dict.fromkeys(names))


def load_config_text(text: str, environ: dict) -> dict:
    """mkdocs.yml's text as MkDocs reads it: `!ENV` from `environ`, `!relative` as its path."""

    class Loader(yaml.SafeLoader):
        pass

    def env(loader, node):
        # pyyaml_env_tag's rule (construct_env_tag), read from `environ`: the first variable
        # that is set, its value typed as YAML types it; else the last item, the default.
        if isinstance(node, yaml.SequenceNode) and len(node.value) > 1:
            names = [loader.construct_scalar(child) for child in node.value[:-1]]
            default = loader.construct_object(node.value[-1])
        elif isinstance(node, yaml.SequenceNode):
            names, default = [loader.construct_scalar(child) for child in node.value], None
        else:
            names, default = [loader.construct_scalar(node)], None
        for name in names:
            if name in environ:
                value = environ[name]
                tag = loader.resolve(yaml.ScalarNode, value, (True, False))
                return loader.construct_object(yaml.ScalarNode(tag, value))
        return default

    Loader.add_constructor("!ENV", env)
    Loader.add_constructor("!relative", lambda loader, node: loader.construct_scalar(node) or ".")
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)
    data = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader with MkDocs' two tags
    return data if isinstance(data, dict) else {}
