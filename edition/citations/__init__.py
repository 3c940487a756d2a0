"""The edition's citations: a Python-Markdown extension (`edition.citations` in mkdocs.yml).

extension.py  the inline processor and treeprocessors: notes, short citations, the list of sources
manifest.py   every page's citations found once, in reading order: note numbers, backlinks
grammar.py    what a citation is (mkdocs-bibtex's grammar) and what the edition prints whole
registry.py   references.bib as mkdocs-bibtex's registry formats it, in the edition's style

Tests: tests/test_citation_grammar.py, tests/test_citations.py, tests/test_editorial_citations.py.
"""

from edition.citations.extension import CitationsExtension


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's name
    return CitationsExtension(**kwargs)
