// The UI's state, mirrored in the URL hash so a view can be shared as a link.
export const FILTERS = ["event_type", "sub_event_type", "country", "admin1", "actor", "certainty", "q"];
// Filters kept behind "More" so the bar fits one row.
export const MORE_FILTERS = ["admin1", "actor", "certainty"];
const KEYS = FILTERS.concat(["since", "until", "event", "view"]);

export const state = { level: "consolidated", since: "", until: "", event: "", view: "" };
FILTERS.forEach((k) => { state[k] = ""; });

export function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  state.level = params.get("level") === "report" ? "report" : "consolidated";
  KEYS.forEach((k) => { state[k] = params.get(k) || ""; });
}

export function writeHash() {
  const params = new URLSearchParams();
  if (state.level !== "consolidated") params.set("level", state.level);
  KEYS.forEach((k) => { if (state[k]) params.set(k, state[k]); });
  const hash = params.toString();
  history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
}

export function resetState() {
  FILTERS.forEach((k) => { state[k] = ""; });
  state.since = state.until = state.event = state.view = "";
  state.level = "consolidated";
}

// The API filters of the current state (the day range is applied in the browser).
export function filterParams() {
  const params = new URLSearchParams({ level: state.level });
  FILTERS.forEach((k) => { if (state[k]) params.set(k, state[k]); });
  return params;
}

export function viewFromState() {
  const view = state.view.split(",").map(Number);
  return view.length === 3 && view.every(Number.isFinite) ? view : null;
}
