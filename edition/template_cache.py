"""The theme's templates compiled once per machine, not at every build: Jinja's own bytecode cache.

Every build, and every rebuild under `make serve`, compiles Material's templates
and ours again: about a tenth of a build. Jinja keeps compiled templates when
its environment has a bytecode cache (`Environment.bytecode_cache`, a documented
interface); this hook gives MkDocs' environment Jinja's `FileSystemBytecodeCache`
in its default folder (`_jinja2-cache-<uid>` in the system's temporary folder,
made private to the user). A template is reused only while its source is
unchanged: Jinja keys it by name and file and checks a checksum of the source.
Nothing of it is published.

It runs first of the `env` handlers (priority 200), before the policy
(content_security_policy.py, 100) renders the theme's script partials.

Tests: tests/test_pipeline_order.py (its place); `make bench` prints the build's time.
"""

from __future__ import annotations

from jinja2 import FileSystemBytecodeCache
from mkdocs.plugins import event_priority


@event_priority(200)
def on_env(env, config, files):
    if env.bytecode_cache is None:
        env.bytecode_cache = FileSystemBytecodeCache()
    return env
