// frontlines web UI: map, timeline, trend, list and event detail over the HTTP API.
// Native ES modules, no build step: state.js (filters <-> URL), api.js, map.js (with
// labels.js), timeline.js (timeline and weekly trend), list.js, detail.js.
import { getAllEvents, getEvent, getMeta } from "./api.js";
import { h } from "./dom.js";
import { renderDetail, renderError, renderLoading } from "./detail.js";
import { listKeys, renderList } from "./list.js";
import { createMap } from "./map.js";
import { meta, setMeta } from "./meta.js";
import { FILTERS, MORE_FILTERS, filterParams, readHash, resetState, state, viewFromState, writeHash } from "./state.js";
import { brushing, renderTimeline, renderTrend, styleTimelineSelection } from "./timeline.js";

let features = []; // GeoJSON features of the current filters, all days
let notes = [];
let total = 0;
let selectedId = "";
let loadSeq = 0;
let fitted = false; // the first view comes from the URL or the events, not the default

const root = document.documentElement;
const form = document.getElementById("filters");
const view = createMap((id, pan) => select(id, pan));
const map = view.map;
window.frontlines = { map, cluster: view.cluster, state, selected: () => selectedId };

function setStatus(text) { document.getElementById("status").textContent = text; }

function inDates(f) {
  const d = f.properties.event_date;
  if (!state.since && !state.until) return true;
  if (!d) return false;
  return (!state.since || d >= state.since) && (!state.until || d <= state.until);
}

function visible() { return features.filter(inDates); }

function statusText() {
  const shown = visible();
  const fatalities = shown.reduce((s, f) => s + (f.properties.fatalities || 0), 0);
  const unplaced = shown.filter((f) => !f.geometry).length;
  let text = shown.length + (state.level === "report" ? " reports" : " events") + ", " + fatalities + " killed" +
    (unplaced ? ", " + unplaced + " without coordinates" : "");
  if (total > features.length) text += " (first " + features.length + " of " + total + ")";
  if (!features.length && notes.length) text += ": " + notes.join("; ");
  return text;
}

function refreshList() {
  renderList(visible(), view.inView, selectedId, {
    select: (id) => select(id, true),
    fitAll: () => view.fit(visible(), state.country),
  });
}

// Markers, list, trend and status for the current day range.
function applyDates() {
  const shown = visible();
  view.show(shown);
  setStatus(statusText());
  renderRange();
  renderTrend(shown);
  refreshList();
  styleTimelineSelection();
  view.markSelected(selectedId);
}

// Load the events of the filters. `how`: "start" and "hash" keep a view the URL gives;
// a filter change or Reset fits the view to what the filters select.
function load(how) {
  const seq = ++loadSeq;
  setStatus("loading events…");
  root.removeAttribute("data-events");
  return getAllEvents(filterParams(), () => seq !== loadSeq).then((got) => {
    if (got === null) return;
    ({ features, total, notes } = got);
    renderTimeline(features);
    applyDates();
    const urlView = (how === "start" || how === "hash") ? viewFromState() : null;
    if (urlView) map.setView([urlView[0], urlView[1]], urlView[2], { animate: false });
    else view.fit(visible(), state.country);
    fitted = true;
    refreshList();
    root.setAttribute("data-events", "loaded");
    // a shared link keeps its view; without one, go to the selected event. An event
    // the filters now exclude is closed: nothing shown that the filters leave out.
    const known = features.some((f) => f.properties.event_id === state.event);
    if (state.event && (known || how === "start" || how === "hash")) select(state.event, !urlView);
    else if (state.event || selectedId) closeDetail();
  }).catch((err) => {
    setStatus("could not load events: " + err.message);
    root.setAttribute("data-events", "failed");
  });
}

map.on("moveend", () => {
  if (!fitted) return;
  const c = map.getCenter();
  state.view = [c.lat.toFixed(3), c.lng.toFixed(3), map.getZoom()].join(",");
  writeHash();
  refreshList();
  view.markSelected(selectedId);
});

// ---------------------------------------------------------------- selection

function select(id, pan) {
  selectedId = id;
  state.event = id;
  writeHash();
  document.querySelectorAll(".fl-selected").forEach((el) => el.classList.remove("fl-selected"));
  document.querySelectorAll('[data-event-id="' + CSS.escape(id) + '"]').forEach((el) => el.classList.add("fl-selected"));
  if (pan) view.focus(id, () => root.setAttribute("data-focused", id));
  else view.markSelected(id);
  const box = document.getElementById("detail");
  renderLoading(box);
  getEvent(id, state.level)
    .then((detail) => { if (selectedId === id) renderDetail(box, detail, closeDetail); })
    .catch((err) => renderError(box, err.message));
}

function closeDetail() {
  selectedId = "";
  state.event = "";
  writeHash();
  document.getElementById("detail").hidden = true;
  document.querySelectorAll(".fl-selected").forEach((el) => el.classList.remove("fl-selected"));
}

document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && !document.getElementById("detail").hidden) closeDetail();
});

// ---------------------------------------------------------------- days

function renderRange() {
  const any = state.since || state.until;
  document.getElementById("range").textContent = any ? (state.since || "…") + " to " + (state.until || "…") : "";
  document.getElementById("clear-range").hidden = !any;
}

function setRange(since, until) {
  state.since = since;
  state.until = until;
  writeHash();
  applyDates();
}

brushing(setRange, () => { renderTimeline(features); renderTrend(visible()); });
document.getElementById("clear-range").addEventListener("click", () => setRange("", ""));

// ---------------------------------------------------------------- the filter form

function fillSubtypes() {
  const select = form.elements.sub_event_type;
  const type = form.elements.event_type.value;
  while (select.firstChild) select.removeChild(select.firstChild);
  select.appendChild(h("option", { value: "" }, "all"));
  meta.types.forEach((t) => {
    if (type && t !== type) return;
    meta.taxonomy[t].forEach((s) => select.appendChild(h("option", { value: s }, s)));
  });
}

function markMore() {
  const n = MORE_FILTERS.filter((k) => state[k]).length;
  document.getElementById("more-count").textContent = n ? " (" + n + ")" : "";
}

function formFromState() {
  form.elements.level.value = state.level;
  form.elements.event_type.value = state.event_type;
  fillSubtypes();
  FILTERS.forEach((k) => { if (k !== "event_type") form.elements[k].value = state[k]; });
  markMore();
}

function stateFromForm() {
  state.level = form.elements.level.value;
  FILTERS.forEach((k) => { state[k] = form.elements[k].value.trim(); });
  markMore();
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  stateFromForm();
  writeHash();
  load("filter");
});
form.elements.event_type.addEventListener("change", () => { fillSubtypes(); form.requestSubmit(); });
["level", "sub_event_type", "certainty"].forEach((k) => {
  form.elements[k].addEventListener("change", () => form.requestSubmit());
});
document.getElementById("reset").addEventListener("click", () => {
  resetState();
  formFromState();
  closeDetail();
  writeHash();
  load("reset");
});

window.addEventListener("hashchange", () => {
  readHash();
  fitted = false;
  formFromState();
  load("hash");
});

listKeys();

// ---------------------------------------------------------------- start

readHash();
map.setView([30, 30], 3);
view.ready
  .then(() => root.setAttribute("data-borders", "loaded"))
  .catch((err) => setStatus("borders could not be loaded: " + err));
getMeta()
  .then((data) => {
    setMeta(data);
    const types = form.elements.event_type;
    meta.types.forEach((t) => types.appendChild(h("option", { value: t }, t)));
    const certainty = form.elements.certainty;
    meta.certainty.forEach((c) => certainty.appendChild(h("option", { value: c }, c)));
    view.legend.addTo(map);
    formFromState();
    return load("start");
  })
  .catch((err) => setStatus("the API did not answer: " + err));
