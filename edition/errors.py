"""How the edition refuses input: one message per problem, naming the file, the line and the guard.

Every check of the edition (the source guard before the build, the Markdown
extension while pages are rendered, the content guard and the book's checks
after it) answers bad input with a `Refusal`: where (`docs/take-action.md`,
line 37), what is wrong and what to do, and which guard said so, so that a
contributor knows where to look and a maintainer which rule to read. Many
refusals together are one `Refusals` error, shown as a list. Both are MkDocs'
`PluginError`, which MkDocs, ProperDocs and `mkdocs serve` print as a message,
never as a traceback; the command line (`python -m edition`) prints them the
same way.

Tests: tests/test_red_team.py (every family asserts the file, the line and the guard's name).
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.exceptions import PluginError

# The guards, by the names the messages give them.
SOURCE_GUARD = "source guard"
CITATIONS = "citations"
CONTENT_GUARD = "content guard"
BOOK = "book"
MAX_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One problem: in `file` (a path from the repository's root), at `line` (1-based, or None)."""

    file: str
    line: int | None
    message: str
    guard: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message} ({self.guard})"


class Refusal(PluginError):
    """A problem that stops the build."""

    def __init__(self, file: str, line: int | None, message: str, guard: str):
        self.problem = Problem(file, line, message, guard)
        super().__init__(str(self.problem))


class Refusals(PluginError):
    """Several problems, each on a line of its own, the first MAX_SHOWN shown."""

    def __init__(self, problems: list[Problem], what: str = "the site was not built"):
        self.problems = list(problems)
        shown = [str(p) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            shown.append(f"… and {len(self.problems) - MAX_SHOWN} more")
        if len(shown) == 1:
            message = shown[0]
        else:
            message = "\n".join([f"{len(self.problems)} problems; {what}:", *(f"  {line}" for line in shown)])
        super().__init__(message)


def raise_all(problems: list[Problem], what: str = "the site was not built") -> None:
    """Stop with every problem, if there is one."""
    if len(problems) == 1:
        raise Refusal(*_fields(problems[0]))
    if problems:
        raise Refusals(problems, what)


def _fields(problem: Problem) -> tuple:
    return problem.file, problem.line, problem.message, problem.guard
