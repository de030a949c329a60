// The list of the events the filters select: those in the map's view first, then the
// ones outside it (with a button to fit them all), then those without coordinates.
// One tab stop; the arrow keys move through it, Enter or Space opens an event.
import { clear, h } from "./dom.js";
import { color } from "./meta.js";

const LIST_MAX = 300;

export function renderList(features, inView, selectedId, actions) {
  const list = document.getElementById("list");
  const hadFocus = list.contains(document.activeElement);
  const focusedId = hadFocus ? document.activeElement.dataset.eventId : "";
  clear(list);
  const byDate = (a, b) => (b.properties.event_date || "").localeCompare(a.properties.event_date || "");
  const inside = features.filter(inView).sort(byDate);
  const outside = features.filter((f) => f.geometry && !inView(f)).sort(byDate);
  const unplaced = features.filter((f) => !f.geometry).sort(byDate);

  document.getElementById("list-count").textContent = "(" + features.length + ")";
  const note = document.getElementById("list-outside");
  clear(note);
  if (outside.length) {
    const fit = h("button", { type: "button", id: "fit-all", class: "fl-link" }, "show all on the map");
    fit.addEventListener("click", actions.fitAll);
    note.appendChild(h("span", null, outside.length + " outside the view · "));
    note.appendChild(fit);
  }
  if (unplaced.length) note.appendChild(h("span", null, (outside.length ? " · " : "") + unplaced.length + " without coordinates"));

  const rows = inside.map((f) => [f, ""]).concat(outside.map((f) => [f, "fl-outside"]), unplaced.map((f) => [f, "fl-unplaced"]));
  let active = null;
  rows.slice(0, LIST_MAX).forEach(([f, cls]) => {
    const p = f.properties;
    const sw = h("span", { class: "fl-swatch" });
    sw.style.background = color(p.event_type);
    const where = (p.location || "?") + (cls === "fl-outside" ? " (outside the view)" : cls === "fl-unplaced" ? " (no coordinates)" : "");
    const button = h("button", { type: "button", class: "fl-item " + cls, "data-event-id": p.event_id, tabindex: "-1" },
      sw,
      h("span", null, p.event_date || "undated"),
      h("span", null, p.sub_event_type + " · " + where),
      p.fatalities ? h("span", { class: "fl-fat", title: "fatalities" }, String(p.fatalities)) : h("span"));
    if (p.event_id === selectedId) button.classList.add("fl-selected");
    if (p.event_id === (focusedId || selectedId)) active = button;
    button.addEventListener("click", () => actions.select(p.event_id));
    list.appendChild(h("li", null, button));
  });
  if (rows.length > LIST_MAX) {
    list.appendChild(h("li", { class: "fl-more" }, "and " + (rows.length - LIST_MAX) + " more: zoom in or filter"));
  }
  active = active || list.querySelector(".fl-item");
  if (active) active.tabIndex = 0;
  if (hadFocus && active) active.focus();
}

// Arrow keys, Home and End move between the items; the item with focus is the tab stop.
export function listKeys() {
  const list = document.getElementById("list");
  list.addEventListener("keydown", (ev) => {
    const items = Array.from(list.querySelectorAll(".fl-item"));
    const at = items.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    const next = items[Math.max(0, Math.min(items.length - 1, to))];
    items.forEach((el) => { el.tabIndex = el === next ? 0 : -1; });
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  });
}
