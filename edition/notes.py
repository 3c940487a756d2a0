"""Number the essay's notes once, 1 to N across the essay, and keep them out of search.

Python-Markdown's footnotes extension numbers footnotes from 1 on every
page. The printed essay numbered its notes through the whole text, so note 5
must be note 5 on its section page, on the whole-essay page and in the PDF.
This treeprocessor runs after the footnotes extension's own treeprocessors
(`footnote` 50, `footnote-reorder` 19, `footnote-duplicate` 15) on the
element tree, never on serialised HTML: it writes each note marker's number,
each note's `value` and its "jump back" titles, and marks the notes
`data-search-exclude` (Material's search skips such elements: the notes' long
addresses would be a third of the index and match every search for "2010").

The numbers come from the citation pipeline (edition/citations.py), which
counts the author's citations in reading order; footnote ids are read with
mkdocs-bibtex's `footnote_format` and the footnotes extension's separator.
Tests: tests/test_citations.py (the built site), tests/test_upstream.py (the
footnote markup this relies on).
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.extensions.footnotes import FootnoteExtension
from markdown.treeprocessors import Treeprocessor

PRIORITY = 14  # after footnote-duplicate (15), before attr_list (8) and toc (5)


class NotesExtension(Extension):
    def __init__(self, pipeline):
        super().__init__()
        self.pipeline = pipeline

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(NotesTreeprocessor(md, self.pipeline), "edition-notes", PRIORITY)


class NotesTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, pipeline):
        super().__init__(md)
        self.pipeline = pipeline

    def separator(self) -> str:
        for extension in self.md.registeredExtensions:
            if isinstance(extension, FootnoteExtension):
                return extension.get_separator()
        return ":"

    def run(self, root) -> None:
        sep = self.separator()
        for sup in root.iter("sup"):
            link = next((a for a in sup if a.tag == "a" and a.get("class") == "footnote-ref"), None)
            if link is None or not link.get("href", "").startswith(f"#fn{sep}"):
                continue
            number = self.pipeline.note_id(link.get("href")[len(f"#fn{sep}") :])
            if number is not None:
                link.text = str(number)
                self.pipeline.numbered += 1
        for div in root.iter("div"):
            if div.get("class") != "footnote":
                continue
            div.set("data-search-exclude", "")
            for item in div.iter("li"):
                number = self.pipeline.note_id(item.get("id", "").partition(sep)[2])
                if number is None:
                    continue
                item.set("value", str(number))
                for backref in item.iter("a"):
                    if backref.get("class") == "footnote-backref":
                        backref.set("title", f"Jump back to note {number} in the text")
