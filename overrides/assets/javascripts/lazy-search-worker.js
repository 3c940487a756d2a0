// Material's search worker, loaded on the first search instead of on every page.
//
// Material starts its search worker (12 KiB compressed, lunr included) as each
// page loads, although most readers never search. It ships with the theme (overrides/), not with the pages; hook lazy_search.py points
// Material at this stand-in, with the real worker's address in ?worker=.
// Material sends the index first (SETUP) and sends queries only once the
// worker has said READY. The stand-in says READY at once and keeps the index;
// on the first real query it loads the real worker, hands it the index, waits for
// its READY (Material already had one) and then hands over the queries.
"use strict";

const SETUP = 0;
const READY = 1;
const RESULT = 3;

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

function start() {
  starting = true;
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
  const worker = new URL(new URL(location.href).searchParams.get("worker"), location.href);
  importScripts(worker.href);
  if (setup) deliver(setup);
}

function deliver(data) {
  delivering = true;
  try {
    dispatchEvent(new MessageEvent("message", { data }));
  } finally {
    delivering = false;
  }
}
