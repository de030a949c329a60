// What the server says about itself (/api/meta): event types with their sub-types and
// colours, certainty values. The UI keeps no copies of its own.
export const meta = { types: [], colors: {}, taxonomy: {}, certainty: [], other: "#607d8b" };

export function setMeta(data) {
  meta.types = (data.event_types || []).map((t) => t.name);
  meta.colors = {};
  meta.taxonomy = {};
  (data.event_types || []).forEach((t) => {
    meta.colors[t.name] = t.color;
    meta.taxonomy[t.name] = t.sub_event_types;
  });
  meta.certainty = data.certainty || [];
}

export function color(type) { return meta.colors[type] || meta.other; }
