"""The offline copy asks no host for anything (OFFLINE=true, Material's offline plugin).

With `repo_url` set, Material's header shows the repository and fetches its
stars and forks from GitHub's API on every page: from a copy opened with no
network that is a request to another host, which fails. In the offline copy
the header leaves the repository out; "Edit this page" keeps its full address.
The search shim that the offline plugin would load from a CDN is shipped with
the site instead (overrides/main.html, block `libs`).
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

log = logging.getLogger("mkdocs.hooks.offline_copy")


def on_config(config):
    offline = config.plugins.get("material/offline")
    if offline is None or not offline.config.enabled or not config.repo_url:
        return config
    if config.edit_uri:
        config.edit_uri = urljoin(config.repo_url.rstrip("/") + "/", config.edit_uri)
    config.repo_url = None
    config.repo_name = None
    return config
