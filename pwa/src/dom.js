// A tiny element builder: text always goes in as text (never as HTML), handlers are attached
// with addEventListener, so the strict CSP (no inline script) holds.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "text") {
      el.textContent = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key in el && typeof value !== "string") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : value);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

// Fills `el` from async data without interleaving: each call's children replace the old ones in
// one synchronous step, and a call overtaken by a newer one is dropped. Clearing first and
// appending after an `await` let overlapping calls (online + outbox change + render) each add a
// full set.
export function latestFill(el, build) {
  let ticket = 0;
  return async (...args) => {
    const mine = ++ticket;
    const children = await build(...args);
    if (mine !== ticket) return;
    const holder = document.createDocumentFragment();
    append(holder, [children]);
    el.replaceChildren(holder);
  };
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let toastTimer = null;
export function toast(message, kind = "info") {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.className = `show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.className = ""), 3500);
}
