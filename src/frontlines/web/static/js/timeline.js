// The timeline (events per day by type; drag across it to pick days) and the trend
// panel beside it (events and fatalities per week by type, for the current filter).
import { clear, dayNumber, isoDay, shortDay, svg } from "./dom.js";
import { color, meta } from "./meta.js";
import { state } from "./state.js";

const tl = { lo: 0, hi: 0, left: 34, width: 0, drag: null };

function typesOf(counts) {
  return meta.types.concat(Object.keys(counts).filter((t) => meta.types.indexOf(t) < 0));
}

export function renderTimeline(features) {
  const el = document.getElementById("timeline");
  clear(el);
  const width = el.clientWidth || 800;
  const height = el.clientHeight || 96;
  const bottom = 16;
  const days = {};
  features.forEach((f) => {
    const d = f.properties.event_date;
    if (!d) return;
    const n = dayNumber(d);
    days[n] = days[n] || {};
    days[n][f.properties.event_type] = (days[n][f.properties.event_type] || 0) + 1;
  });
  const keys = Object.keys(days).map(Number);
  el.setAttribute("viewBox", "0 0 " + width + " " + height);
  if (!keys.length) {
    const t = svg("text", { x: 40, y: 40 });
    t.textContent = "no dated events";
    el.appendChild(t);
    tl.width = 0;
    return;
  }
  tl.lo = Math.min(...keys);
  tl.hi = Math.max(...keys) + 1;
  if (tl.hi - tl.lo < 7) { tl.lo -= 3; tl.hi += 3; } // a few days' context around short spans
  tl.width = width - tl.left - 8;
  const span = tl.hi - tl.lo;
  const step = tl.width / span;
  let max = 1;
  keys.forEach((k) => { max = Math.max(max, Object.values(days[k]).reduce((a, b) => a + b, 0)); });
  const plot = height - bottom - 4;
  const axis = svg("g", { class: "fl-axis" });
  axis.appendChild(svg("line", { x1: tl.left, x2: tl.left + tl.width, y1: plot + 4, y2: plot + 4 }));
  const every = Math.max(1, Math.ceil(span / Math.max(2, Math.floor(tl.width / 70))));
  for (let d = tl.lo; d <= tl.hi; d += every) {
    const x = tl.left + (d - tl.lo) * step;
    if (x > width - 40) break; // no room for a label past the last day
    axis.appendChild(svg("line", { x1: x, x2: x, y1: plot + 4, y2: plot + 8 }));
    const label = svg("text", { x: x + 2, y: height - 2 });
    label.textContent = shortDay(d);
    axis.appendChild(label);
  }
  const ymax = svg("text", { x: 2, y: 10 });
  ymax.textContent = String(max);
  axis.appendChild(ymax);
  el.appendChild(axis);
  const bars = svg("g", { class: "fl-bars" });
  keys.forEach((k) => {
    let y = plot + 4;
    typesOf(days[k]).forEach((type) => {
      const n = days[k][type];
      if (!n) return;
      const hgt = (n / max) * plot;
      y -= hgt;
      const rect = svg("rect", {
        x: tl.left + (k - tl.lo) * step + 0.5, y,
        width: Math.max(1, step - 1), height: hgt,
        fill: color(type), "data-day": isoDay(k), "data-type": type,
      });
      const title = svg("title");
      title.textContent = isoDay(k) + ": " + n + " " + type;
      rect.appendChild(title);
      bars.appendChild(rect);
    });
  });
  el.appendChild(bars);
  el.appendChild(svg("rect", { class: "fl-brush", x: 0, y: 0, width: 0, height: plot + 4, visibility: "hidden" }));
  styleTimelineSelection();
}

function dayAt(clientX) {
  const el = document.getElementById("timeline");
  const box = el.getBoundingClientRect();
  const vb = el.viewBox.baseVal;
  const x = (clientX - box.left) * (vb && vb.width ? vb.width / box.width : 1);
  const frac = (x - tl.left) / tl.width;
  return tl.lo + Math.max(0, Math.min(1, frac)) * (tl.hi - tl.lo);
}

export function styleTimelineSelection() {
  const el = document.getElementById("timeline");
  const brush = el.querySelector(".fl-brush");
  if (!brush || !tl.width) return;
  const step = tl.width / (tl.hi - tl.lo);
  let a = tl.drag ? Math.min(tl.drag.a, tl.drag.b) : state.since ? dayNumber(state.since) : null;
  let b = tl.drag ? Math.max(tl.drag.a, tl.drag.b) : state.until ? dayNumber(state.until) + 1 : null;
  if (a === null && b === null) {
    brush.setAttribute("visibility", "hidden");
  } else {
    a = a === null ? tl.lo : a;
    b = b === null ? tl.hi : b;
    brush.setAttribute("visibility", "visible");
    brush.setAttribute("x", tl.left + (a - tl.lo) * step);
    brush.setAttribute("width", Math.max(1, (b - a) * step));
  }
  el.querySelectorAll(".fl-bars rect").forEach((r) => {
    const d = r.getAttribute("data-day");
    const out = !tl.drag && ((state.since && d < state.since) || (state.until && d > state.until));
    r.classList.toggle("fl-out", Boolean(out));
  });
}

export function brushing(setRange, redraw) {
  const el = document.getElementById("timeline");
  el.addEventListener("pointerdown", (ev) => {
    if (!tl.width) return;
    el.setPointerCapture(ev.pointerId);
    const d = dayAt(ev.clientX);
    tl.drag = { a: d, b: d, x: ev.clientX };
    styleTimelineSelection();
  });
  el.addEventListener("pointermove", (ev) => {
    if (!tl.drag) return;
    tl.drag.b = dayAt(ev.clientX);
    styleTimelineSelection();
  });
  el.addEventListener("pointerup", (ev) => {
    if (!tl.drag) return;
    const drag = tl.drag;
    tl.drag = null;
    if (Math.abs(ev.clientX - drag.x) < 4) { setRange("", ""); return; }
    const a = Math.floor(Math.min(drag.a, dayAt(ev.clientX)));
    const b = Math.ceil(Math.max(drag.a, dayAt(ev.clientX))) - 1;
    setRange(isoDay(a), isoDay(Math.max(a, b)));
  });
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(redraw, 150);
  });
}

// ---------------------------------------------------------------- trend by week

function weekStart(iso) {
  const n = dayNumber(iso);
  const weekday = (new Date(n * 86400000).getUTCDay() + 6) % 7; // Monday 0
  return n - weekday;
}

// Per ISO week (Monday first): events and fatalities by type.
export function weekly(features) {
  const weeks = {};
  features.forEach((f) => {
    const p = f.properties;
    if (!p.event_date) return;
    const w = weekStart(p.event_date);
    const row = weeks[w] || (weeks[w] = { events: {}, fatalities: {} });
    row.events[p.event_type] = (row.events[p.event_type] || 0) + 1;
    row.fatalities[p.event_type] = (row.fatalities[p.event_type] || 0) + (p.fatalities || 0);
  });
  return weeks;
}

export function renderTrend(features) {
  const el = document.getElementById("trend");
  clear(el);
  const width = el.clientWidth || 320;
  const height = el.clientHeight || 96;
  el.setAttribute("viewBox", "0 0 " + width + " " + height);
  const weeks = weekly(features);
  const keys = Object.keys(weeks).map(Number).sort((a, b) => a - b);
  if (!keys.length) {
    const t = svg("text", { x: 8, y: 40 });
    t.textContent = "no dated events";
    el.appendChild(t);
    return;
  }
  const all = [];
  for (let w = keys[0]; w <= keys[keys.length - 1]; w += 7) all.push(w);
  const left = 40;
  const rowH = (height - 14) / 2 - 4;
  const step = (width - left - 4) / all.length;
  [["events", 0], ["fatalities", rowH + 6]].forEach(([measure, top]) => {
    let max = 0;
    all.forEach((w) => {
      const row = weeks[w];
      if (row) max = Math.max(max, Object.values(row[measure]).reduce((a, b) => a + b, 0));
    });
    const g = svg("g", { class: "fl-trend-" + measure });
    const label = svg("text", { x: 0, y: top + 9, class: "fl-trend-label" });
    label.textContent = measure === "events" ? "events" : "killed";
    g.appendChild(label);
    const top1 = svg("text", { x: 0, y: top + 20, class: "fl-trend-max" });
    top1.textContent = "max " + max;
    g.appendChild(top1);
    g.appendChild(svg("line", { x1: left, x2: width - 4, y1: top + rowH + 0.5, y2: top + rowH + 0.5, class: "fl-trend-base" }));
    all.forEach((w, i) => {
      const row = weeks[w];
      if (!row) return;
      let y = top + rowH;
      typesOf(row[measure]).forEach((type) => {
        const n = row[measure][type];
        if (!n) return;
        const hgt = (n / Math.max(max, 1)) * rowH;
        y -= hgt;
        const rect = svg("rect", {
          x: left + i * step + 1, y, width: Math.max(1, step - 2), height: hgt, fill: color(type),
          "data-week": isoDay(w), "data-type": type, ["data-" + measure]: n,
        });
        const title = svg("title");
        title.textContent = "week of " + isoDay(w) + ": " + n + (measure === "events" ? " events, " : " killed, ") + type;
        rect.appendChild(title);
        g.appendChild(rect);
      });
    });
    el.appendChild(g);
  });
  const axis = svg("g", { class: "fl-axis" });
  [0, all.length - 1].forEach((i) => {
    if (i < 0 || (i === all.length - 1 && all.length < 2)) return;
    const t = svg("text", { x: left + i * step + (i ? step - 2 : 1), y: height - 2, "text-anchor": i ? "end" : "start" });
    t.textContent = "w/c " + shortDay(all[i]);
    axis.appendChild(t);
  });
  el.appendChild(axis);
}
