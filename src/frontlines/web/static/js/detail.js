// The selected event: its fields, its evidence with the trigger words marked, its
// sources, and any contradiction about it.
import { clear, h } from "./dom.js";

// The trigger words inside a sentence, as text nodes and <mark> elements.
function highlighted(text, triggers) {
  const lower = text.toLowerCase();
  const spans = [];
  triggers.forEach((t) => {
    const needle = (t || "").toLowerCase().trim();
    if (!needle) return;
    let at = lower.indexOf(needle);
    while (at >= 0) {
      spans.push([at, at + needle.length]);
      at = lower.indexOf(needle, at + needle.length);
    }
  });
  spans.sort((a, b) => a[0] - b[0]);
  const merged = [];
  spans.forEach((s) => {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push(s.slice());
  });
  const frag = document.createDocumentFragment();
  let pos = 0;
  merged.forEach((s) => {
    if (s[0] > pos) frag.appendChild(document.createTextNode(text.slice(pos, s[0])));
    frag.appendChild(h("mark", null, text.slice(s[0], s[1])));
    pos = s[1];
  });
  if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
  return frag;
}

function chip(text, cls) { return h("span", { class: "fl-chip" + (cls ? " " + cls : "") }, text); }

function field(dl, label, value) {
  if (value === null || value === undefined || value === "") return;
  dl.appendChild(h("dt", null, label));
  dl.appendChild(typeof value === "object" ? h("dd", null, value) : h("dd", null, String(value)));
}

function safeUrl(url) { return /^https?:\/\//i.test(url || "") ? url : ""; }

// Who published a document: its outlet, else the host of its URL, else the document.
function outletOf(doc) {
  if (doc.outlet) return doc.outlet;
  const url = safeUrl(doc.url);
  if (url) return new URL(url).host.replace(/^www\./, "");
  return "document " + (doc.id || "?");
}

function who(claim) {
  const source = claim.attributed_to && claim.attributed_to !== "outlet" ? claim.attributed_to : "";
  const outlet = claim.outlet || "document " + (claim.article_id || "?");
  return source ? source + " / " + outlet : outlet;
}

export function renderLoading(box) {
  box.hidden = false;
  clear(box);
  box.appendChild(h("p", null, "loading…"));
}

export function renderError(box, message) {
  clear(box);
  box.appendChild(h("p", null, "Could not load the event: " + message));
}

export function renderDetail(box, detail, onClose) {
  const e = detail.event;
  clear(box);
  const close = h("button", { type: "button", class: "fl-close", title: "Close (Esc)", "aria-label": "Close" }, "×");
  close.addEventListener("click", onClose);
  box.appendChild(close);
  box.appendChild(h("h2", null, e.sub_event_type + " · " + (e.location || "unknown place")));

  const dl = h("dl");
  field(dl, "Date", (e.event_date || "undated") +
    (e.date_earliest && e.date_latest && e.date_earliest !== e.date_latest
      ? " (" + e.date_earliest + " to " + e.date_latest + ")" : ""));
  field(dl, "Type", e.event_type);
  field(dl, "Place", [e.location, e.admin2, e.admin1, e.country].filter(Boolean).join(", "));
  field(dl, "Actor 1", [e.actor1, e.assoc_actor_1].filter(Boolean).join("; "));
  field(dl, "Actor 2", [e.actor2, e.assoc_actor_2].filter(Boolean).join("; "));
  field(dl, "Fatalities", String(e.fatalities));
  field(dl, "Certainty", chip(e.certainty, "fl-certainty-" + e.certainty));
  field(dl, "According to", e.attributed_to === "outlet" ? "the outlet itself" : e.attributed_to);
  field(dl, "Source", e.source);
  if (e.framing && e.framing.length) {
    const chips = h("span");
    e.framing.forEach((f) => chips.appendChild(chip(f)));
    field(dl, "Framing", chips);
  }
  if (detail.level === "consolidated") {
    field(dl, "Reports", e.reports + " (" + e.independent_sources + " independent)");
    if (e.disputed) field(dl, "Disputed", chip("some reports deny it", "fl-certainty-denied"));
  }
  box.appendChild(dl);

  const docs = {};
  detail.sources.forEach((s) => { docs[s.id] = s; });

  box.appendChild(h("h3", null, "Evidence"));
  const groups = [];
  const byKey = {};
  (e.evidence || []).forEach((ev) => {
    const key = ev.article_id + "|" + ev.start + "|" + ev.end;
    if (!byKey[key]) { byKey[key] = { ev, triggers: [] }; groups.push(byKey[key]); }
    byKey[key].triggers.push(ev.trigger);
  });
  const list = h("ul", { class: "fl-evidence" });
  groups.forEach((g) => {
    const doc = docs[g.ev.article_id] || { id: g.ev.article_id };
    const label = outletOf(doc) + (doc.outlet || doc.url ? " · " + g.ev.article_id : "") +
      (doc.published ? " · " + doc.published : "");
    list.appendChild(h("li", null, highlighted(g.ev.text, g.triggers), h("span", { class: "fl-source-label" }, label)));
  });
  box.appendChild(list);

  box.appendChild(h("h3", null, "Sources"));
  const sources = h("ul");
  detail.sources.forEach((s) => {
    const label = outletOf(s) + ": " + (s.title || s.id) + (s.published ? " (" + s.published + ")" : "");
    const url = safeUrl(s.url);
    sources.appendChild(h("li", null, url
      ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label)
      : label));
  });
  box.appendChild(sources);

  if (detail.contradictions.length) {
    box.appendChild(h("h3", null, "Contradictions"));
    detail.contradictions.forEach((x) => {
      const div = h("div", { class: "fl-dispute" }, h("strong", null, x.question));
      x.sides.forEach((side) => {
        const ul = h("ul");
        side.claims.forEach((c) => {
          ul.appendChild(h("li", null, who(c) + (c.date ? ", " + c.date : "") + ": " + c.evidence));
        });
        div.appendChild(h("div", null, h("em", null, side.position), ul));
      });
      box.appendChild(div);
    });
  }
  if (detail.claims.length) {
    box.appendChild(h("h3", null, "Claims about this place and time"));
    const ul = h("ul");
    detail.claims.forEach((c) => {
      ul.appendChild(h("li", null, c.position + " at " + c.place + ", according to " + who(c) + (c.date ? ", " + c.date : "")));
    });
    box.appendChild(ul);
  }
}
