"""The edition's MkDocs plugin (`plugins: - edition`): the source guard before the build, the finishing after it.

The edition's work is not MkDocs-specific: the source guard and the note
numbers (edition/session.py) run before any generator, the citations and
composed pages are Python-Markdown extensions (edition/citations,
edition/pages), and everything that judges or completes HTML runs over the
built site (edition/finish). This plugin is how MkDocs and ProperDocs run
those steps, so that `mkdocs build`, `mkdocs serve` and `make site` are
complete; another generator runs the same steps as commands (`python -m
edition check`, then `finish`). Its events, in code order:

    on_startup          remember whether this is `mkdocs serve`
    on_config (100)     the session: every source checked, every citation found and
                        numbered; its refusals stop the build, in every mode (and are
                        shown again when a preview's next build makes the same mistake)
    on_page_read_source the generator reads exactly the text the guard checked
    on_page_markdown    ...and its front matter the way the guard read it
    on_env (200)        the theme's compiled templates kept between builds (Jinja's
                        bytecode cache, a documented interface)
    on_post_build (-200) the finishing step, on the output folder, after every other plugin
    on_serve            rebuild when any source changes (references.bib, includes/,
                        data/, CITATION.cff, CONTRIBUTING.md, print/), and let the
                        policy allow MkDocs' live-reload script

Tests: tests/test_pipeline_order.py (the order), tests/test_red_team.py (every
mode refuses the same input), tests/test_guard.py (`mkdocs serve`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from edition.config import EditionConfig

log = logging.getLogger("mkdocs.plugins.edition")

WATCHED = ["references.bib", "CITATION.cff", "CONTRIBUTING.md", "includes", "data", "print"]
EXTENSIONS = ("edition.citations", "edition.pages")


class EditionPlugin(BasePlugin[EditionConfig]):
    def __init__(self):
        self.session = None
        self.serving = False

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    @event_priority(100)
    def on_config(self, config):
        from edition import session as sessions

        forget_logged_messages()
        self.session = sessions.prepare(config.config_file_path)
        for name in EXTENSIONS:
            if name not in config.markdown_extensions:
                raise PluginError(f"mkdocs.yml: markdown_extensions must list {name} (the edition's Markdown)")
            config.mdx_configs[name] = {
                **config.mdx_configs.get(name, {}),
                "config_file": config.config_file_path,
                "session": self.session,
            }
        return config

    def on_page_read_source(self, page, config):
        source = self.session.sources.pages.get(page.file.src_uri)
        if source is None:
            raise PluginError(f"docs/{page.file.src_uri}: the page was not checked before it was read")
        return source.text

    @event_priority(300)
    def on_page_markdown(self, markdown, page, config, files):
        source = self.session.sources.pages[page.file.src_uri]
        if dict(page.meta) != source.meta:
            raise PluginError(
                f"docs/{page.file.src_uri}:1: MkDocs read the front matter differently from the source guard; "
                "write it as plain YAML between two lines ---"
            )
        return markdown

    @event_priority(200)
    def on_env(self, env, config, files):
        if env.bytecode_cache is None:
            env.bytecode_cache = FileSystemBytecodeCache()
        return env

    @event_priority(-200)  # after Material's offline plugin (-100) has written the copy's search index
    def on_post_build(self, config):
        from edition.finish import finish

        finish(Path(config.site_dir), self.session, self.config, offline=offline_build(config))

    def on_serve(self, server, config, builder):
        from edition.guard.policy import add_injected_script_hash

        root = Path(config.config_file_path).parent
        for name in WATCHED:
            if (root / name).exists():
                server.watch(str(root / name))
        inject = getattr(server, "_inject_js_into_html", None)
        if inject is None:
            log.warning("MkDocs' live-reload injection was not found: the policy will block live reload")
            return server

        def inject_with_hash(content: bytes, epoch: int) -> bytes:
            return add_injected_script_hash(content, inject(content, epoch))

        server._inject_js_into_html = inject_with_hash
        return server


def forget_logged_messages() -> None:
    """Let a message be shown again in the next build of `mkdocs serve`.

    MkDocs' command line filters its build log so that a message is shown only once
    per process (`mkdocs.utils.DuplicateFilter`, on the build module's logger): the
    same mistake made twice in one preview would show its message the first time
    and only "Aborted with a BuildError!" the second. Each build starts with the
    filter's memory empty. An internal of MkDocs (and ProperDocs): tests/test_upstream.py
    names it.
    """
    for name in ("mkdocs.commands.build", "properdocs.commands.build"):
        for memory in logging.getLogger(name).filters:
            if isinstance(getattr(memory, "msgs", None), set):
                memory.msgs.clear()


def offline_build(config) -> bool:
    """Is this the offline copy's build (Material's offline plugin switched on)?"""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.get("enabled", True))
