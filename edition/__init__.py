"""The edition's build code: the citation pipeline (a MkDocs plugin), the hooks, the checks.

A map for the next person: CONTRIBUTING.md ("How the build works") has the
pipeline's table of events, steps, modules and tests; each module's
docstring names its tests.
"""
