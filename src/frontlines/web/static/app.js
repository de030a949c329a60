/* frontlines web UI: map, timeline, list and event detail over the HTTP API.
 *
 * Plain browser JavaScript with no build step. Report text (evidence, names, titles)
 * only ever reaches the page through text nodes (textContent / createTextNode), never
 * through innerHTML, so a report cannot inject markup or script.
 */
(function () {
  "use strict";

  var TYPES = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
  ];
  var COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#1f77b4",
    "Riots": "#e377c2",
    "Strategic developments": "#2ca02c",
  };
  var FILTERS = ["event_type", "sub_event_type", "country", "admin1", "actor", "certainty", "q"];
  var PAGE = 5000;
  var MAX_EVENTS = 50000; // beyond this the browser, not the API, is the bottleneck
  var LIST_MAX = 300;
  var DAY_MS = 86400000;

  var state = { level: "consolidated", since: "", until: "", event: "", view: "" };
  FILTERS.forEach(function (k) { state[k] = ""; });

  var taxonomy = {};
  var features = []; // GeoJSON features of the current filters, all days
  var markers = {}; // event id -> L.Marker
  var selectedId = "";
  var loadSeq = 0;

  // ------------------------------------------------------------ small DOM helpers

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "class") el.className = attrs[k];
        else if (k === "text") el.textContent = attrs[k];
        else el.setAttribute(k, attrs[k]);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === "") continue;
      el.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    }
    return el;
  }

  function svg(tag, attrs) {
    var el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function color(type) { return COLORS[type] || "#607d8b"; }

  function radius(fatalities) {
    return Math.min(22, 6 + 3 * Math.sqrt(Math.max(0, fatalities || 0)));
  }

  function dayNumber(iso) { return Math.floor(Date.parse(iso + "T00:00:00Z") / DAY_MS); }

  function isoDay(n) { return new Date(n * DAY_MS).toISOString().slice(0, 10); }

  function shortDay(n) {
    var d = new Date(n * DAY_MS);
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  }

  // ------------------------------------------------------------ state <-> URL hash

  var urlView = "";

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    state.level = params.get("level") === "report" ? "report" : "consolidated";
    ["since", "until", "event", "view"].concat(FILTERS).forEach(function (k) {
      state[k] = params.get(k) || "";
    });
    urlView = state.view;
  }

  function writeHash() {
    var params = new URLSearchParams();
    if (state.level !== "consolidated") params.set("level", state.level);
    FILTERS.concat(["since", "until", "event", "view"]).forEach(function (k) {
      if (state[k]) params.set(k, state[k]);
    });
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function apiQuery() {
    var params = new URLSearchParams({ level: state.level, format: "geojson", limit: String(PAGE) });
    FILTERS.forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    return params;
  }

  // ------------------------------------------------------------ the map

  var map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 12, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(
    "Borders: Natural Earth (public domain) · Places: GeoNames (CC BY 4.0) · Leaflet"
  );
  var borders = L.canvas({ padding: 0.5 });
  var admin1Layer = null;
  var bordersLoaded = 0;

  function loadBorders() {
    fetch("/static/geo/ne_50m_admin_0_countries.geojson")
      .then(function (r) { return r.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          renderer: borders, interactive: false,
          style: { color: "#78909c", weight: 1, fillColor: "#f3f0e8", fillOpacity: 1 },
        }).addTo(map);
        bordersDone();
        return fetch("/static/geo/ne_10m_admin_1_states_provinces.geojson");
      })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        admin1Layer = L.geoJSON(data, {
          renderer: borders, interactive: false,
          style: { color: "#a1887f", weight: 0.6, dashArray: "3 3", fill: false },
        });
        showAdmin1();
        bordersDone();
      })
      .catch(function (err) { setStatus("borders could not be loaded: " + err); });
  }

  function bordersDone() {
    bordersLoaded += 1;
    if (bordersLoaded === 2) document.documentElement.setAttribute("data-borders", "loaded");
  }

  function showAdmin1() {
    if (!admin1Layer) return;
    var want = map.getZoom() >= 4;
    if (want && !map.hasLayer(admin1Layer)) admin1Layer.addTo(map);
    if (!want && map.hasLayer(admin1Layer)) map.removeLayer(admin1Layer);
  }

  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 36,
    spiderfyOnMaxZoom: true,
    chunkedLoading: true,
    iconCreateFunction: function (group) {
      var counts = {};
      var best = "";
      group.getAllChildMarkers().forEach(function (m) {
        var t = m.options.eventType;
        counts[t] = (counts[t] || 0) + 1;
        if (!best || counts[t] > counts[best]) best = t;
      });
      var n = group.getChildCount();
      var size = Math.min(48, 24 + 5 * Math.log2(n));
      var dot = h("div", { class: "fl-cluster-dot" }, String(n));
      dot.style.background = color(best);
      return L.divIcon({ html: dot, className: "fl-cluster", iconSize: L.point(size, size) });
    },
  });
  map.addLayer(cluster);

  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var box = h("div", { class: "fl-legend" });
    TYPES.forEach(function (t) {
      var sw = h("span", { class: "fl-swatch" });
      sw.style.background = color(t);
      box.appendChild(h("div", null, sw, t));
    });
    box.appendChild(h("div", null, "size: fatalities"));
    return box;
  };
  legend.addTo(map);

  function makeMarker(f) {
    var p = f.properties;
    var r = radius(p.fatalities);
    var dot = h("div", { class: "fl-dot", "data-event-id": p.event_id, "data-type": p.event_type });
    dot.style.background = color(p.event_type);
    dot.style.width = dot.style.height = 2 * r + "px";
    var marker = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
      icon: L.divIcon({ html: dot, className: "fl-marker", iconSize: [2 * r, 2 * r] }),
      title: p.sub_event_type + ": " + (p.location || "?") + ", " + (p.event_date || "undated"),
      eventType: p.event_type,
      riseOnHover: true,
    });
    marker.on("click", function () { select(p.event_id, false); });
    return marker;
  }

  map.on("zoomend", showAdmin1);
  cluster.on("animationend spiderfied unspiderfied", markSelected);
  map.on("moveend", function () {
    if (!fitted) return; // the first view comes from the URL or the events, not the default
    var c = map.getCenter();
    state.view = [c.lat.toFixed(3), c.lng.toFixed(3), map.getZoom()].join(",");
    writeHash();
    renderList();
    markSelected();
  });

  // ------------------------------------------------------------ loading events

  function setStatus(text) { document.getElementById("status").textContent = text; }

  function loadEvents() {
    var seq = ++loadSeq;
    setStatus("loading events…");
    document.documentElement.removeAttribute("data-events");
    var got = [];
    var total = 0;
    function page(offset) {
      var params = apiQuery();
      params.set("offset", String(offset));
      return fetch("/api/events?" + params.toString())
        .then(function (r) {
          if (!r.ok) return r.json().then(function (e) { throw new Error(JSON.stringify(e.detail)); });
          return r.json();
        })
        .then(function (data) {
          if (seq !== loadSeq) return null; // a newer load superseded this one
          total = data.total;
          got = got.concat(data.features);
          if (data.next_offset !== null && got.length < MAX_EVENTS) return page(data.next_offset);
          return got;
        });
    }
    return page(0).then(function (all) {
      if (all === null) return;
      features = all;
      markers = {};
      features.forEach(function (f) {
        if (f.geometry) markers[f.properties.event_id] = makeMarker(f);
      });
      renderTimeline();
      applyDates(true);
      if (total > features.length) setStatus(statusText() + " (first " + features.length + " of " + total + ")");
      document.documentElement.setAttribute("data-events", "loaded");
      // a shared link keeps its view; without one, go to the selected event
      if (state.event) select(state.event, !urlView);
    }).catch(function (err) {
      setStatus("could not load events: " + err.message);
    });
  }

  function inDates(f) {
    var d = f.properties.event_date;
    if (!state.since && !state.until) return true;
    if (!d) return false;
    return (!state.since || d >= state.since) && (!state.until || d <= state.until);
  }

  function visible() { return features.filter(inDates); }

  function statusText() {
    var shown = visible();
    var fatalities = shown.reduce(function (s, f) { return s + (f.properties.fatalities || 0); }, 0);
    var unplaced = shown.filter(function (f) { return !f.geometry; }).length;
    return shown.length + (state.level === "report" ? " reports" : " events") +
      ", " + fatalities + " killed" + (unplaced ? ", " + unplaced + " without coordinates" : "");
  }

  var fitted = false;

  // While the cluster group zooms to show a marker it still holds the old markers;
  // replacing them mid-animation makes Leaflet stamp an undefined layer. Wait it out.
  var zooming = false;

  function applyDates(refit) {
    if (zooming) {
      setTimeout(function () { applyDates(refit); }, 60);
      return;
    }
    var shown = visible();
    cluster.clearLayers();
    cluster.addLayers(shown.filter(function (f) { return f.geometry; }).map(function (f) {
      return markers[f.properties.event_id];
    }));
    setStatus(statusText());
    renderRange();
    if (refit && !fitted) {
      fitted = true;
      var view = state.view.split(",").map(Number);
      if (view.length === 3 && view.every(isFinite)) {
        map.setView([view[0], view[1]], view[2]);
      } else {
        var pts = shown.filter(function (f) { return f.geometry; }).map(function (f) {
          return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        });
        if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.3), { maxZoom: 7 });
        else map.setView([30, 30], 3);
      }
    }
    renderList();
    styleTimelineSelection();
    markSelected();
  }

  // ------------------------------------------------------------ list of events in view

  function renderList() {
    var list = document.getElementById("list");
    clear(list);
    var bounds = map.getBounds();
    var inView = visible().filter(function (f) {
      if (!f.geometry) return false;
      var c = f.geometry.coordinates;
      return bounds.contains([c[1], c[0]]) ||
        bounds.contains([c[1], c[0] + 360]) || bounds.contains([c[1], c[0] - 360]);
    });
    inView.sort(function (a, b) {
      return (b.properties.event_date || "").localeCompare(a.properties.event_date || "");
    });
    document.getElementById("list-count").textContent = "(" + inView.length + ")";
    inView.slice(0, LIST_MAX).forEach(function (f) {
      var p = f.properties;
      var sw = h("span", { class: "fl-swatch" });
      sw.style.background = color(p.event_type);
      var button = h("button", { type: "button", class: "fl-item", "data-event-id": p.event_id },
        sw,
        h("span", null, p.event_date || "undated"),
        h("span", null, p.sub_event_type + " · " + (p.location || "?")),
        p.fatalities ? h("span", { class: "fl-fat", title: "fatalities" }, String(p.fatalities)) : h("span"));
      if (p.event_id === selectedId) button.classList.add("fl-selected");
      button.addEventListener("click", function () { select(p.event_id, true); });
      list.appendChild(h("li", null, button));
    });
    if (inView.length > LIST_MAX) {
      list.appendChild(h("li", { class: "fl-more" }, "and " + (inView.length - LIST_MAX) + " more: zoom in or filter"));
    }
  }

  // ------------------------------------------------------------ event detail

  function select(id, pan) {
    selectedId = id;
    state.event = id;
    writeHash();
    document.querySelectorAll(".fl-selected").forEach(function (el) { el.classList.remove("fl-selected"); });
    document.querySelectorAll('[data-event-id="' + CSS.escape(id) + '"]').forEach(function (el) {
      el.classList.add("fl-selected");
    });
    var marker = markers[id];
    if (marker && pan) {
      zooming = true;
      // never let a zoom that does not report back hold the map's updates for long
      var guard = setTimeout(function () { zooming = false; }, 2000);
      cluster.zoomToShowLayer(marker, function () {
        clearTimeout(guard);
        zooming = false;
        markSelected();
      });
    } else {
      markSelected();
    }
    var box = document.getElementById("detail");
    box.hidden = false;
    clear(box);
    box.appendChild(h("p", null, "loading…"));
    fetch("/api/events/" + encodeURIComponent(id) + "?level=" + state.level)
      .then(function (r) {
        if (!r.ok) throw new Error(r.status === 404 ? "no such event in this store" : "HTTP " + r.status);
        return r.json();
      })
      .then(function (detail) { if (selectedId === id) renderDetail(detail); })
      .catch(function (err) { clear(box); box.appendChild(h("p", null, "Could not load the event: " + err.message)); });
  }

  // The selected event's marker, or the cluster that holds it at this zoom, stands out.
  function markSelected() {
    document.querySelectorAll(".leaflet-marker-pane .fl-selected").forEach(function (el) {
      el.classList.remove("fl-selected");
    });
    var marker = markers[selectedId];
    if (!marker || !cluster.hasLayer(marker)) return;
    var shown = cluster.getVisibleParent(marker);
    var el = shown && shown.getElement();
    var dot = el && el.querySelector(".fl-dot, .fl-cluster-dot");
    if (dot) dot.classList.add("fl-selected");
  }

  function closeDetail() {
    selectedId = "";
    state.event = "";
    writeHash();
    document.getElementById("detail").hidden = true;
    document.querySelectorAll(".fl-selected").forEach(function (el) { el.classList.remove("fl-selected"); });
  }

  // The trigger words inside a sentence, as text nodes and <mark> elements.
  function highlighted(text, triggers) {
    var lower = text.toLowerCase();
    var spans = [];
    triggers.forEach(function (t) {
      var needle = (t || "").toLowerCase().trim();
      if (!needle) return;
      var at = lower.indexOf(needle);
      while (at >= 0) {
        spans.push([at, at + needle.length]);
        at = lower.indexOf(needle, at + needle.length);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push(s.slice());
    });
    var frag = document.createDocumentFragment();
    var pos = 0;
    merged.forEach(function (s) {
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

  function renderDetail(detail) {
    var e = detail.event;
    var box = document.getElementById("detail");
    clear(box);
    var close = h("button", { type: "button", class: "fl-close", title: "Close", "aria-label": "Close" }, "×");
    close.addEventListener("click", closeDetail);
    box.appendChild(close);
    box.appendChild(h("h2", null, e.sub_event_type + " · " + (e.location || "unknown place")));

    var dl = h("dl");
    field(dl, "Date", (e.event_date || "undated") +
      (e.date_earliest && e.date_latest && e.date_earliest !== e.date_latest
        ? " (" + e.date_earliest + " to " + e.date_latest + ")" : ""));
    field(dl, "Type", e.event_type);
    field(dl, "Place", [e.location, e.admin2, e.admin1, e.country].filter(Boolean).join(", "));
    field(dl, "Actor 1", [e.actor1, e.assoc_actor_1].filter(Boolean).join("; "));
    field(dl, "Actor 2", [e.actor2, e.assoc_actor_2].filter(Boolean).join("; "));
    field(dl, "Fatalities", String(e.fatalities));
    field(dl, "Certainty", chip(e.certainty, "fl-certainty-" + e.certainty));
    field(dl, "According to", e.attributed_to);
    if (e.framing && e.framing.length) {
      var chips = h("span");
      e.framing.forEach(function (f) { chips.appendChild(chip(f)); });
      field(dl, "Framing", chips);
    }
    if (detail.level === "consolidated") {
      field(dl, "Reports", e.reports + " (" + e.independent_sources + " independent)");
      if (e.disputed) field(dl, "Disputed", chip("some reports deny it", "fl-certainty-denied"));
    }
    box.appendChild(dl);

    var outlets = {};
    detail.sources.forEach(function (s) { outlets[s.id] = s; });

    box.appendChild(h("h3", null, "Evidence"));
    var groups = [];
    var byKey = {};
    (e.evidence || []).forEach(function (ev) {
      var key = ev.article_id + "|" + ev.start + "|" + ev.end;
      if (!byKey[key]) { byKey[key] = { ev: ev, triggers: [] }; groups.push(byKey[key]); }
      byKey[key].triggers.push(ev.trigger);
    });
    var list = h("ul", { class: "fl-evidence" });
    groups.forEach(function (g) {
      var src = outlets[g.ev.article_id] || {};
      list.appendChild(h("li", null, highlighted(g.ev.text, g.triggers),
        h("span", { class: "fl-source-label" },
          (src.outlet || "no outlet") + " · " + g.ev.article_id + (src.published ? " · " + src.published : ""))));
    });
    box.appendChild(list);

    box.appendChild(h("h3", null, "Sources"));
    var sources = h("ul");
    detail.sources.forEach(function (s) {
      var label = (s.outlet || "no outlet") + ": " + (s.title || s.id) + (s.published ? " (" + s.published + ")" : "");
      var url = safeUrl(s.url);
      sources.appendChild(h("li", null, url
        ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label)
        : label));
    });
    box.appendChild(sources);

    if (detail.contradictions.length) {
      box.appendChild(h("h3", null, "Contradictions"));
      detail.contradictions.forEach(function (x) {
        var div = h("div", { class: "fl-dispute" }, h("strong", null, x.question));
        x.sides.forEach(function (side) {
          var ul = h("ul");
          side.claims.forEach(function (c) {
            ul.appendChild(h("li", null, (c.attributed_to || "?") + (c.outlet ? " / " + c.outlet : "") +
              (c.date ? ", " + c.date : "") + ": " + c.evidence));
          });
          div.appendChild(h("div", null, h("em", null, side.position), ul));
        });
        box.appendChild(div);
      });
    }
    if (detail.claims.length) {
      box.appendChild(h("h3", null, "Claims about this place and time"));
      var ul = h("ul");
      detail.claims.forEach(function (c) {
        ul.appendChild(h("li", null, c.position + " at " + c.place + ", according to " +
          (c.attributed_to || "?") + (c.outlet ? " (" + c.outlet + ")" : "") + (c.date ? ", " + c.date : "")));
      });
      box.appendChild(ul);
    }
  }

  // ------------------------------------------------------------ the timeline

  var tl = { lo: 0, hi: 0, left: 34, width: 0, drag: null };

  function renderTimeline() {
    var el = document.getElementById("timeline");
    clear(el);
    var width = el.clientWidth || 800;
    var height = el.clientHeight || 96;
    var bottom = 16;
    var days = {};
    features.forEach(function (f) {
      var d = f.properties.event_date;
      if (!d) return;
      var n = dayNumber(d);
      days[n] = days[n] || {};
      days[n][f.properties.event_type] = (days[n][f.properties.event_type] || 0) + 1;
    });
    var keys = Object.keys(days).map(Number);
    el.setAttribute("viewBox", "0 0 " + width + " " + height);
    if (!keys.length) {
      var t = svg("text", { x: 40, y: 40 });
      t.textContent = "no dated events";
      el.appendChild(t);
      tl.width = 0;
      return;
    }
    tl.lo = Math.min.apply(null, keys);
    tl.hi = Math.max.apply(null, keys) + 1;
    if (tl.hi - tl.lo < 7) { tl.lo -= 3; tl.hi += 3; } // a few days' context around short spans
    tl.width = width - tl.left - 8;
    var span = tl.hi - tl.lo;
    var step = tl.width / span;
    var max = 1;
    keys.forEach(function (k) {
      var total = 0;
      Object.keys(days[k]).forEach(function (t) { total += days[k][t]; });
      max = Math.max(max, total);
    });
    var plot = height - bottom - 4;
    var axis = svg("g", { class: "fl-axis" });
    axis.appendChild(svg("line", { x1: tl.left, x2: tl.left + tl.width, y1: plot + 4, y2: plot + 4 }));
    var every = Math.max(1, Math.ceil(span / Math.max(2, Math.floor(tl.width / 70))));
    for (var d = tl.lo; d <= tl.hi; d += every) {
      var x = tl.left + (d - tl.lo) * step;
      if (x > width - 40) break; // no room for a label past the last day
      axis.appendChild(svg("line", { x1: x, x2: x, y1: plot + 4, y2: plot + 8 }));
      var label = svg("text", { x: x + 2, y: height - 2 });
      label.textContent = shortDay(d);
      axis.appendChild(label);
    }
    var ymax = svg("text", { x: 2, y: 10 });
    ymax.textContent = String(max);
    axis.appendChild(ymax);
    el.appendChild(axis);
    var bars = svg("g", { class: "fl-bars" });
    keys.forEach(function (k) {
      var y = plot + 4;
      TYPES.concat(Object.keys(days[k]).filter(function (t) { return TYPES.indexOf(t) < 0; }))
        .forEach(function (type) {
          var n = days[k][type];
          if (!n) return;
          var hgt = (n / max) * plot;
          y -= hgt;
          var rect = svg("rect", {
            x: tl.left + (k - tl.lo) * step + 0.5, y: y,
            width: Math.max(1, step - 1), height: hgt,
            fill: color(type), "data-day": isoDay(k), "data-type": type,
          });
          var title = svg("title");
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
    var el = document.getElementById("timeline");
    var box = el.getBoundingClientRect();
    var vb = el.viewBox.baseVal;
    var x = (clientX - box.left) * (vb && vb.width ? vb.width / box.width : 1);
    var frac = (x - tl.left) / tl.width;
    return tl.lo + Math.max(0, Math.min(1, frac)) * (tl.hi - tl.lo);
  }

  function styleTimelineSelection() {
    var el = document.getElementById("timeline");
    var brush = el.querySelector(".fl-brush");
    if (!brush || !tl.width) return;
    var step = tl.width / (tl.hi - tl.lo);
    var a = tl.drag ? Math.min(tl.drag.a, tl.drag.b) : state.since ? dayNumber(state.since) : null;
    var b = tl.drag ? Math.max(tl.drag.a, tl.drag.b) : state.until ? dayNumber(state.until) + 1 : null;
    if (a === null && b === null) {
      brush.setAttribute("visibility", "hidden");
    } else {
      a = a === null ? tl.lo : a;
      b = b === null ? tl.hi : b;
      brush.setAttribute("visibility", "visible");
      brush.setAttribute("x", tl.left + (a - tl.lo) * step);
      brush.setAttribute("width", Math.max(1, (b - a) * step));
    }
    el.querySelectorAll(".fl-bars rect").forEach(function (r) {
      var d = r.getAttribute("data-day");
      var out = !tl.drag && ((state.since && d < state.since) || (state.until && d > state.until));
      r.classList.toggle("fl-out", Boolean(out));
    });
  }

  function renderRange() {
    var range = document.getElementById("range");
    var any = state.since || state.until;
    range.textContent = any ? (state.since || "…") + " to " + (state.until || "…") : "";
    document.getElementById("clear-range").hidden = !any;
  }

  function setRange(since, until) {
    state.since = since;
    state.until = until;
    writeHash();
    applyDates(false);
  }

  (function brushing() {
    var el = document.getElementById("timeline");
    el.addEventListener("pointerdown", function (ev) {
      if (!tl.width) return;
      el.setPointerCapture(ev.pointerId);
      var d = dayAt(ev.clientX);
      tl.drag = { a: d, b: d, x: ev.clientX };
      styleTimelineSelection();
    });
    el.addEventListener("pointermove", function (ev) {
      if (!tl.drag) return;
      tl.drag.b = dayAt(ev.clientX);
      styleTimelineSelection();
    });
    el.addEventListener("pointerup", function (ev) {
      if (!tl.drag) return;
      var drag = tl.drag;
      tl.drag = null;
      if (Math.abs(ev.clientX - drag.x) < 4) { setRange("", ""); return; }
      var a = Math.floor(Math.min(drag.a, dayAt(ev.clientX)));
      var b = Math.ceil(Math.max(drag.a, dayAt(ev.clientX))) - 1;
      setRange(isoDay(a), isoDay(Math.max(a, b)));
    });
    document.getElementById("clear-range").addEventListener("click", function () { setRange("", ""); });
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(renderTimeline, 150);
    });
  })();

  // ------------------------------------------------------------ the filter form

  var form = document.getElementById("filters");

  function fillSubtypes() {
    var select = form.elements.sub_event_type;
    var type = form.elements.event_type.value;
    clear(select);
    select.appendChild(h("option", { value: "" }, "all"));
    Object.keys(taxonomy).forEach(function (t) {
      if (type && t !== type) return;
      taxonomy[t].forEach(function (s) { select.appendChild(h("option", { value: s }, s)); });
    });
  }

  function formFromState() {
    form.elements.level.value = state.level;
    form.elements.event_type.value = state.event_type;
    fillSubtypes();
    FILTERS.forEach(function (k) { if (k !== "event_type") form.elements[k].value = state[k]; });
  }

  function stateFromForm() {
    state.level = form.elements.level.value;
    FILTERS.forEach(function (k) { state[k] = form.elements[k].value.trim(); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    stateFromForm();
    writeHash();
    loadEvents();
  });
  form.elements.event_type.addEventListener("change", function () {
    fillSubtypes();
    form.requestSubmit();
  });
  ["level", "sub_event_type", "certainty"].forEach(function (k) {
    form.elements[k].addEventListener("change", function () { form.requestSubmit(); });
  });
  document.getElementById("reset").addEventListener("click", function () {
    FILTERS.forEach(function (k) { state[k] = ""; });
    state.since = state.until = state.event = "";
    state.level = "consolidated";
    formFromState();
    closeDetail();
    loadEvents();
  });

  window.addEventListener("hashchange", function () {
    readHash();
    fitted = false;
    formFromState();
    loadEvents();
  });

  // ------------------------------------------------------------ start

  // For the browser console and the UI tests: the map and the markers on it.
  window.frontlines = { map: map, cluster: cluster, state: state };
  readHash();
  loadBorders();
  map.setView([30, 30], 3);
  fetch("/api/meta")
    .then(function (r) { return r.json(); })
    .then(function (meta) {
      taxonomy = meta.taxonomy || {};
      var types = form.elements.event_type;
      Object.keys(taxonomy).forEach(function (t) { types.appendChild(h("option", { value: t }, t)); });
      formFromState();
      return loadEvents();
    })
    .catch(function (err) { setStatus("the API did not answer: " + err); });
})();
