"""The edition's steps as commands, for any generator: `python -m edition check|finish|verify`.

    python -m edition check [-f mkdocs.yml]           the source guard and the note numbers, before a build
    python -m edition finish SITE [-f mkdocs.yml]     finish a built site (what the MkDocs plugin does at on_post_build)
    python -m edition verify SITE                     the tripwire: refuse a folder the edition did not finish

The MkDocs plugin (edition/plugin.py) runs the first two inside `mkdocs build`
and `mkdocs serve`; a generator that runs no plugins (Zensical) runs them as
commands around its own build (`make test-zensical`). Each prints every
problem with its file, line and guard, and exits with 1; never a traceback.

Tests: tests/test_finish.py (the commands on a built site), tests/test_red_team.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edition", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check every source and number the notes")
    check.add_argument("-f", "--config-file", default="mkdocs.yml")
    finish = commands.add_parser("finish", help="finish a built site: metadata, policy, guard, downloads")
    finish.add_argument("site")
    finish.add_argument("-f", "--config-file", default="mkdocs.yml")
    finish.add_argument("--offline", action="store_true", help="the offline copy's build")
    verify = commands.add_parser("verify", help="refuse a folder the edition did not finish")
    verify.add_argument("site")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "check":
            from edition import session

            prepared = session.prepare(arguments.config_file)
            print(f"{len(prepared.sources.pages)} pages and their sources checked; {len(prepared.manifest.numbers)} notes")
        elif arguments.command == "finish":
            from edition import config, session
            from edition.finish import finish as run

            prepared = session.prepare(arguments.config_file)
            options = config.load(prepared.project.plugin_options("edition"))
            done = run(Path(arguments.site), prepared, options, offline=arguments.offline)
            print(f"{len(done.pages)} pages finished" + (f"; made {', '.join(done.book)}" if done.book else ""))
        else:
            from edition.finish.verify import main as run_verify

            run_verify(arguments.site)
            print(f"{arguments.site}: finished by the edition")
    except PluginError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
