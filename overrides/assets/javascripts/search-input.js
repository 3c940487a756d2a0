// Search as soon as a query is in the field, however it got there.
//
// Material's search reads its field on a key being released ("keyup") or on
// focus, so a query pasted with the mouse, dictated, or filled in by an
// assistive tool, which fires only "input", finds nothing until a key is
// pressed. This script tells Material of such input the way Material listens
// for it. It ships with the theme (overrides/), is listed in mkdocs.yml's
// extra_javascript, and is one of the files the Content-Security-Policy allows
// (edition/guard/policy.py). Tests: tests/test_search.py::test_a_pasted_query_finds_a_section.
"use strict";

document.addEventListener("input", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.matches("[data-md-component=search-query]")) {
    field.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
});
