"""The built site is finished over the output folder, whatever built it, and an unfinished one is refused.

- The serialiser writes back exactly the tree the guard judged: a browser (and
  WeasyPrint) parses what it writes into the same tree (edition/finish/html.py).
- The finishing step is the edition's, not MkDocs': run as a command after a
  build that ran none of the edition's plugin, it gives the site the plugin gives.
- The tripwire (`python -m edition verify`, edition/finish/verify.py) refuses a
  folder that the finishing step did not stamp, a page changed after it, and a
  page without the policy; it passes the real build.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, copy_project, examples, run_build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edition.finish import html
from edition.finish.verify import verify


def shape(node) -> list:
    """A tree as comparable data: every node's name, attributes, text and tail, in order."""
    return [(n.tag if isinstance(n.tag, str) else "#comment", sorted(n.attrib.items()), n.text or "", n.tail or "")
            for n in node.iter()]  # fmt: skip


# The serialiser

pieces = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<span title='a \"b\" &amp; c'>", "</span>", "<pre>\n\nx</pre>", "<textarea>\nt</textarea>",
    "<!-- a comment -->", "<!-->", "<!-- -- -->", "<![CDATA[ x ]]>", "<svg viewBox='0 0 1 1'><title>t</title><rect/></svg>",
    "<svg><foreignObject><p>f</p></foreignObject></svg>", "<math><mi>x</mi><mtext>y</mtext></math>", "<script>if (a<b) {}</script>",
    "<style>a>b{}</style>", "<table><td>c</table>", "&nbsp;", "\u00a0", "&lt;", "a & b", "<br>", "<img src=x alt='&quot;'>",
    "<noscript><b>n</b></noscript>", "<template><p>t</p></template>", "x", " ", "\n", "<a href='?a=1&b=2'>l</a>", "<xmp><b></xmp>",
])  # fmt: skip


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, max_size=14))
def test_what_the_serialiser_writes_parses_back_into_the_same_tree(parts):
    page = "<!doctype html><html><head><title>t</title></head><body>" + "".join(parts) + "</body></html>"
    tree = html.parse(page)
    written = html.serialize(tree)
    assert shape(html.parse(written)) == shape(tree)
    assert html.serialize(html.parse(written)) == written



def test_a_finished_page_is_written_as_the_serialiser_writes_its_tree(build):
    """Every page on disk is exactly the serialisation of the tree it parses into: the guard's tree."""
    for page in build.pages():
        text = page.read_text(encoding="utf-8")
        assert html.serialize(html.parse(text)) == text, page


# The finishing step after a generator that ran none of the edition's plugin


def plain_material(project) -> str:
    """A configuration that builds the project without the edition's plugin, as Zensical builds
    mkdocs.yml today (it skips the plugin; the Markdown extensions run). mkdocs.yml stays as it is,
    for the edition's commands to read."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    start = text.index("  - edition:\n")
    end = text.index("\n  - offline:")
    (project / "plain.yml").write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    return "plain.yml"


def edition(*arguments, cwd):
    return subprocess.run([sys.executable, "-m", "edition", *arguments], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_site_built_without_the_plugin_is_refused_then_finished_by_the_command(tmp_path, build):
    project = copy_project(tmp_path / "project")
    site = project / "site"
    result = run_build(project, site, config_file=plain_material(project))
    assert result.returncode == 0, result.log
    refused = edition("verify", str(site), cwd=project)
    assert refused.returncode == 1 and "has no edition-stamp.json" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    finished = edition("finish", str(site), cwd=project)
    assert finished.returncode == 0, finished.stderr
    assert edition("verify", str(site), cwd=project).returncode == 0
    # The command finished the site as the plugin finishes it: the same pages.
    for page in build.pages():
        relative = page.relative_to(build.site)
        assert (site / relative).read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), relative


def test_the_tripwire_passes_the_real_site_and_refuses_a_tampered_one(build, tmp_path):
    assert verify(build.site) == []
    site = tmp_path / "site"
    shutil.copytree(build.site, site)
    about = site / "about/index.html"
    about.write_text(about.read_text(encoding="utf-8").replace("</article>", "<p>x</p></article>"))
    (site / "extra.html").write_text("<!doctype html><html><head><title>x</title></head><body>x</body></html>")
    stamp = json.loads((site / "edition-stamp.json").read_text())
    glossary = site / "glossary/index.html"
    text = glossary.read_text(encoding="utf-8")
    emptied = text.replace(stamp["policy"], "")
    glossary.write_text(emptied, encoding="utf-8")
    stamp["pages"]["glossary/index.html"] = __import__("hashlib").sha256(emptied.encode()).hexdigest()
    (site / "edition-stamp.json").write_text(json.dumps(stamp))
    problems = {(p.file, p.message.split(" (")[0]) for p in verify(site)}
    assert ("about/index.html", "changed after the content guard judged it") in problems
    assert ("extra.html", "was not judged by the content guard") in problems
    assert ("glossary/index.html", "has no Content-Security-Policy, or an empty one") in problems
    # A page whose citations a generator left raw, however the stamp was made to match it.
    section = site / "essay/14-opsc/index.html"
    raw = re.sub(r'<a [^>]*href="#fn:ref-ECPAT2009legal"[^>]*>4</a>', "[@ECPAT2009legal]",
                 section.read_text(encoding="utf-8"))
    section.write_text(raw, encoding="utf-8")
    stamp["pages"]["essay/14-opsc/index.html"] = __import__("hashlib").sha256(raw.encode()).hexdigest()
    (site / "edition-stamp.json").write_text(json.dumps(stamp))
    assert any(p.file == "essay/14-opsc/index.html" and "are some left raw" in p.message for p in verify(site))



@pytest.mark.slow
def test_the_check_command_names_every_problem_and_never_a_traceback(tmp_path):
    project = copy_project(tmp_path / "project")
    about = project / "docs/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA claim[@Nobody2010nothing].\n")
    (project / "CITATION.cff").write_text("cff-version: 1.2.0\nauthors: []\n")
    result = edition("check", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "CITATION.cff:" in result.stderr and "(source guard)" in result.stderr
    assert edition("check", cwd=ROOT).returncode == 0

