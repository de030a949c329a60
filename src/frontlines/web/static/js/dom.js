// Small DOM helpers. Report text (evidence, names, titles) only ever reaches the page
// through text nodes, never through innerHTML, so a report cannot inject markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === "") continue;
    el.appendChild(typeof child === "string" || typeof child === "number"
      ? document.createTextNode(String(child)) : child);
  }
  return el;
}

export function svg(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export const DAY_MS = 86400000;

export function dayNumber(iso) { return Math.floor(Date.parse(iso + "T00:00:00Z") / DAY_MS); }

export function isoDay(n) { return new Date(n * DAY_MS).toISOString().slice(0, 10); }

export function shortDay(n) {
  return new Date(n * DAY_MS).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}
