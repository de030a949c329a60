// The HTTP API, as the UI uses it.
const PAGE = 5000;
const MAX_EVENTS = 50000; // beyond this the browser, not the API, is the bottleneck

async function json(url) {
  const r = await fetch(url);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    const detail = typeof body.detail === "string" ? body.detail
      : Array.isArray(body.detail) ? body.detail.map((d) => d.msg || JSON.stringify(d)).join("; ")
      : JSON.stringify(body.detail || r.status);
    throw new Error(detail);
  }
  return body;
}

export function getMeta() { return json("/api/meta"); }

export function getEvent(id, level) {
  return fetch("/api/events/" + encodeURIComponent(id) + "?level=" + level).then((r) => {
    if (!r.ok) throw new Error(r.status === 404 ? "no such event in this store" : "HTTP " + r.status);
    return r.json();
  });
}

// Every event of the filters as GeoJSON features, page by page. `stale()` says a newer
// load superseded this one; then the answer is null.
export async function getAllEvents(params, stale) {
  let features = [];
  let offset = 0;
  let total = 0;
  let notes = [];
  for (;;) {
    const query = new URLSearchParams(params);
    query.set("format", "geojson");
    query.set("limit", String(PAGE));
    query.set("offset", String(offset));
    const data = await json("/api/events?" + query.toString());
    if (stale()) return null;
    total = data.total;
    notes = data.notes || [];
    features = features.concat(data.features);
    if (data.next_offset === null || features.length >= MAX_EVENTS) break;
    offset = data.next_offset;
  }
  return { features, total, notes };
}
