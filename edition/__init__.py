"""The edition's build code: what the site promises, kept whatever generator builds the pages.

    plugin.py, config.py   the MkDocs plugin and its typed options: the steps below, run by MkDocs and ProperDocs
    __main__.py            the same steps as commands, for any generator: check, finish, verify
    project.py, files.py   mkdocs.yml read as MkDocs reads it; the one reader of the repository's files
    session.py             one build's checked sources and numbered notes
    guard/                 the source guard before the build; the content guard and the policy after it
    citations/             the citations, notes and list of sources: a Python-Markdown extension
    pages/                 the whole essay, the glossary, the charts: a Python-Markdown extension
    finish/                every built page parsed once, completed, judged and written; the tripwire
    metadata/              CITATION.cff, JSON-LD, Highwire and Dublin Core, cite boxes, share cards
    book/                  the PDF and the EPUB, from the pages the guard judged

CONTRIBUTING.md ("How the build works") has the table of steps, modules and
tests; each module's docstring names its tests, and tests/test_contributing.py
checks that every module and test they name is there.
"""
