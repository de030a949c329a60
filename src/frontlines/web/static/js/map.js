// The map: bundled borders (coarse everywhere, Natural Earth 1:10m per country when
// close), place labels, and the event markers in clusters.
import { h } from "./dom.js";
import { color, meta } from "./meta.js";
import { addLabels } from "./labels.js";

const L = window.L;
export const FINE_ZOOM = 7; // from here on, the 1:10m outline of each country in view
export const MAX_AUTO_ZOOM = 9; // the closest the map goes by itself: the town and its area
const LAND = "#f3f0e8";

function radius(fatalities) {
  return Math.min(22, 6 + 3 * Math.sqrt(Math.max(0, fatalities || 0)));
}

export function createMap(onSelect) {
  const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 11, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(
    "Borders: Natural Earth (public domain) · Places: GeoNames (CC BY 4.0) · Leaflet"
  );
  const canvas = L.canvas({ padding: 0.5 });
  const coarse = {}; // iso_n3 -> coarse country layer
  let coarseLayer = null;
  let admin1Layer = null;
  const fine = {}; // key -> layer, once loaded
  const fineLoading = {};
  let fineIndex = null;
  const fineGroup = L.layerGroup().addTo(map);
  const indexReady = fetch("/static/geo/fine/index.json").then((r) => r.json()).then((d) => (fineIndex = d));

  function markFine() {
    document.documentElement.setAttribute("data-fine", Object.keys(fine).filter((k) => map.hasLayer(fine[k])).join(" "));
  }

  function styleCoarse() {
    const close = map.getZoom() >= FINE_ZOOM;
    Object.keys(coarse).forEach((key) => {
      const hidden = close && fine[key] && map.hasLayer(fine[key]);
      coarse[key].setStyle(hidden ? { opacity: 0, fillOpacity: 0 } : { opacity: 1, fillOpacity: 1 });
    });
    if (admin1Layer) {
      const want = map.getZoom() >= 4 && !close;
      if (want && !map.hasLayer(admin1Layer)) admin1Layer.addTo(map);
      if (!want && map.hasLayer(admin1Layer)) map.removeLayer(admin1Layer);
    }
    markFine();
  }

  function loadFine() {
    if (map.getZoom() < FINE_ZOOM) {
      Object.values(fine).forEach((layer) => fineGroup.removeLayer(layer));
      styleCoarse();
      return;
    }
    indexReady.then((index) => {
      const view = map.getBounds().pad(0.3);
      Object.keys(index).forEach((key) => {
        const inView = index[key].boxes.some(([w, s, e, n]) => view.intersects(L.latLngBounds([s, w], [n, e])));
        if (!inView) {
          if (fine[key]) fineGroup.removeLayer(fine[key]);
          return;
        }
        if (fine[key]) { fineGroup.addLayer(fine[key]); return; }
        if (fineLoading[key]) return;
        fineLoading[key] = fetch("/static/geo/fine/" + key + ".geojson")
          .then((r) => r.json())
          .then((data) => {
            fine[key] = L.geoJSON(data, {
              renderer: canvas, interactive: false,
              style: (f) => (f.properties.kind === "admin0"
                ? { color: "#78909c", weight: 1, fillColor: LAND, fillOpacity: 1 }
                : { color: "#a1887f", weight: 0.7, dashArray: "3 3", fill: false }),
            });
            if (map.getZoom() >= FINE_ZOOM) fineGroup.addLayer(fine[key]);
            styleCoarse();
          });
      });
      styleCoarse();
    });
  }

  function loadBorders() {
    return fetch("/static/geo/ne_50m_admin_0_countries.geojson")
      .then((r) => r.json())
      .then((data) => {
        coarseLayer = L.geoJSON(data, {
          renderer: canvas, interactive: false,
          style: { color: "#78909c", weight: 1, fillColor: LAND, fillOpacity: 1 },
          onEachFeature: (f, layer) => { if (f.properties.iso_n3) coarse[f.properties.iso_n3] = layer; },
        }).addTo(map);
        coarseLayer.bringToBack();
        return fetch("/static/geo/ne_10m_admin_1_states_provinces.geojson");
      })
      .then((r) => r.json())
      .then((data) => {
        admin1Layer = L.geoJSON(data, {
          renderer: canvas, interactive: false,
          style: { color: "#a1887f", weight: 0.6, dashArray: "3 3", fill: false },
        });
        styleCoarse();
        loadFine();
      });
  }

  // A country's box, from the bundled outlines, by name (for a country filter that
  // matches no event: the view still goes there).
  function countryBounds(name) {
    const key = Object.keys(fineIndex || {}).find((k) => fineIndex[k].name.toLowerCase() === name.toLowerCase());
    if (!key) return null;
    // the largest polygon's box: the mainland, not every far island
    const area = ([w, s, e, n]) => (e - w) * (n - s);
    const [w, s, e, n] = fineIndex[key].boxes.reduce((a, b) => (area(b) > area(a) ? b : a));
    return L.latLngBounds([s, w], [n, e]);
  }

  // ---------------------------------------------------------------- markers

  const cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    zoomToBoundsOnClick: false,
    spiderfyOnMaxZoom: false,
    maxClusterRadius: 36,
    chunkedLoading: true,
    iconCreateFunction(group) {
      const counts = {};
      let best = "";
      group.getAllChildMarkers().forEach((m) => {
        const t = m.options.eventType;
        counts[t] = (counts[t] || 0) + 1;
        if (!best || counts[t] > counts[best]) best = t;
      });
      const n = group.getChildCount();
      const size = Math.min(48, 24 + 5 * Math.log2(n));
      const dot = h("div", { class: "fl-cluster-dot" }, String(n));
      dot.style.background = color(best);
      return L.divIcon({ html: dot, className: "fl-cluster", iconSize: L.point(size, size) });
    },
  });
  map.addLayer(cluster);
  // A click on a cluster opens it up to MAX_AUTO_ZOOM; past that it fans out in place.
  cluster.on("clusterclick", (ev) => {
    const target = map.getBoundsZoom(ev.layer.getBounds().pad(0.2));
    if (target > MAX_AUTO_ZOOM && map.getZoom() >= MAX_AUTO_ZOOM - 0.01) ev.layer.spiderfy();
    else if (target > MAX_AUTO_ZOOM) map.setView(ev.layer.getLatLng(), MAX_AUTO_ZOOM);
    else ev.layer.zoomToBounds({ padding: [30, 30], maxZoom: MAX_AUTO_ZOOM });
  });

  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => {
    const box = h("div", { class: "fl-legend" });
    meta.types.forEach((t) => {
      const sw = h("span", { class: "fl-swatch" });
      sw.style.background = color(t);
      box.appendChild(h("div", null, sw, t));
    });
    box.appendChild(h("div", null, "size: fatalities"));
    return box;
  };

  let markers = {};

  function makeMarker(f) {
    const p = f.properties;
    const r = radius(p.fatalities);
    const dot = h("div", { class: "fl-dot", "data-event-id": p.event_id, "data-type": p.event_type });
    dot.style.background = color(p.event_type);
    dot.style.width = dot.style.height = 2 * r + "px";
    const marker = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
      icon: L.divIcon({ html: dot, className: "fl-marker", iconSize: [2 * r, 2 * r] }),
      title: p.sub_event_type + ": " + (p.location || "?") + ", " + (p.event_date || "undated"),
      eventType: p.event_type,
      riseOnHover: true,
      keyboard: false, // the list is the keyboard's way to the events
    });
    marker.on("click", () => onSelect(p.event_id, false));
    return marker;
  }

  // While the cluster group animates it still holds the old markers; replacing them
  // mid-animation makes Leaflet stamp an undefined layer. Wait it out.
  let busy = 0;
  function whenIdle(fn) {
    if (busy > 0) setTimeout(() => whenIdle(fn), 60);
    else fn();
  }

  function show(features) {
    whenIdle(() => {
      markers = {};
      const layers = [];
      features.forEach((f) => {
        if (!f.geometry) return;
        const m = makeMarker(f);
        markers[f.properties.event_id] = m;
        layers.push(m);
      });
      cluster.clearLayers();
      cluster.addLayers(layers);
    });
  }

  function boundsOf(features) {
    const pts = features.filter((f) => f.geometry).map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]);
    return pts.length ? L.latLngBounds(pts) : null;
  }

  function fit(features, fallbackCountry) {
    const b = boundsOf(features) || (fallbackCountry ? countryBounds(fallbackCountry) : null);
    if (!b) { map.setView([30, 30], 3); return; }
    map.fitBounds(b.pad(0.25), { maxZoom: 7, animate: false });
  }

  function inView(f) {
    if (!f.geometry) return false;
    const b = map.getBounds();
    const [lon, lat] = f.geometry.coordinates;
    return b.contains([lat, lon]) || b.contains([lat, lon + 360]) || b.contains([lat, lon - 360]);
  }

  // The selected event's marker, or the cluster that holds it at this zoom, stands out.
  function markSelected(id) {
    document.querySelectorAll(".leaflet-marker-pane .fl-selected").forEach((el) => el.classList.remove("fl-selected"));
    const marker = markers[id];
    if (!marker || !cluster.hasLayer(marker)) return;
    const shown = cluster.getVisibleParent(marker);
    const el = shown && shown.getElement();
    const dot = el && el.querySelector(".fl-dot, .fl-cluster-dot");
    if (dot) dot.classList.add("fl-selected");
  }

  // Go to an event: close enough to see the town, never past MAX_AUTO_ZOOM, so the
  // region around it stays in view; a cluster still holding it there fans out.
  function focus(id, done) {
    const marker = markers[id];
    if (!marker) { done(); return; }
    busy += 1;
    const guard = setTimeout(finish, 2500); // never hold the map's updates for long
    function finish() {
      clearTimeout(guard);
      map.off("moveend", spread);
      busy = Math.max(0, busy - 1);
      markSelected(id);
      done();
    }
    function spread() {
      const parent = cluster.getVisibleParent(marker);
      if (parent && parent !== marker && parent.spiderfy) {
        cluster.once("spiderfied", finish);
        parent.spiderfy();
      } else finish();
    }
    const zoom = Math.min(MAX_AUTO_ZOOM, Math.max(map.getZoom(), 8));
    const here = map.getZoom() === zoom && map.getBounds().pad(-0.2).contains(marker.getLatLng());
    if (here) { setTimeout(spread, 0); return; }
    // the cluster group re-clusters just after the move: spread once it has
    map.once("moveend", () => setTimeout(spread, 350));
    map.setView(marker.getLatLng(), zoom, { animate: false });
  }

  map.on("zoomend moveend", loadFine);
  cluster.on("animationend spiderfied unspiderfied", () => markSelected(window.frontlines.selected()));

  return {
    map, cluster, show, fit, inView, focus, markSelected, legend,
    ready: Promise.all([loadBorders(), addLabels(map, "/static/geo/places.json"), indexReady]),
  };
}
