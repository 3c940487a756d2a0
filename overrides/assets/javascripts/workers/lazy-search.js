// Material's search, loaded on the first search instead of on every page.
//
// It ships with the theme (overrides/), not with the pages. Hook lazy_search.py
// points Material at this stand-in, with the real worker's address in
// ?worker= and the search documents' address in ?documents= (both relative to
// this file); the index Material itself fetches holds the settings only.
// Material sends that index first (SETUP) and sends queries only once the
// worker has said READY. The stand-in says READY at once and keeps the
// settings. On the first real query it fetches the documents and loads the
// real worker, hands it the whole index, waits for its READY (Material already
// had one) and then hands over the queries.
//
// It lives in Material's workers/ folder: the real worker, imported here, finds
// its language stemmers at ../lunr relative to the script running, which is
// this one. If the documents or the worker cannot be loaded, each waiting query
// gets an empty result (Material then says nothing was found) and the next
// query tries again.
"use strict";

const SETUP = 0;
const READY = 1;
const RESULT = 3;

const here = new URL(location.href);
let setup = null;
const queries = [];
let started = false;
let starting = false;
let delivering = false;

addEventListener("message", (event) => {
  if (started || delivering) return; // the real worker's own listener answers
  event.stopImmediatePropagation();
  if (event.data.type === SETUP) {
    setup = event.data;
    postMessage({ type: READY });
    return;
  }
  if (!starting && !String(event.data.data || "").trim()) {
    // Material asks for the empty query as soon as search is ready: nothing to find.
    postMessage({ type: RESULT, data: { items: [] } });
    return;
  }
  queries.push(event.data);
  if (!starting) start();
});

async function start() {
  starting = true;
  let index;
  try {
    const response = await fetch(new URL(here.searchParams.get("documents"), here));
    if (!response.ok) throw new Error(`search documents: HTTP ${response.status}`);
    index = await response.json();
  } catch (error) {
    fail(error);
    return;
  }
  const send = self.postMessage.bind(self);
  self.postMessage = (message) => {
    if (message && message.type === READY) {
      self.postMessage = send;
      started = true;
      for (const data of queries.splice(0)) deliver(data);
      return;
    }
    send(message);
  };
  try {
    importScripts(new URL(here.searchParams.get("worker"), here).href);
  } catch (error) {
    self.postMessage = send;
    fail(error);
    return;
  }
  deliver({ ...setup, data: { ...setup.data, config: index.config, docs: index.docs } });
}

function fail(error) {
  console.warn("Search could not be loaded:", error);
  starting = false;
  for (const _ of queries.splice(0)) postMessage({ type: RESULT, data: { items: [] } });
}

function deliver(data) {
  delivering = true;
  try {
    dispatchEvent(new MessageEvent("message", { data }));
  } finally {
    delivering = false;
  }
}
