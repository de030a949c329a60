// Place labels from bundled GeoNames data (static/geo/places.json: towns of 15,000
// people or more), shown by zoom and population: the largest first, and a label that
// would overlap one already drawn is left out.
const L = window.L;

// The smallest population labelled at each zoom (capitals always, from zoom 3).
function minPopulation(zoom) {
  if (zoom < 3) return 8e6;
  if (zoom < 4) return 3e6;
  if (zoom < 5) return 1e6;
  if (zoom < 6) return 3e5;
  if (zoom < 7) return 1e5;
  if (zoom < 8) return 4e4;
  return 0;
}

const MAX_LABELS = 300;

export function addLabels(map, url) {
  const pane = map.createPane("fl-labels");
  pane.style.zIndex = 450; // over the borders, under the event markers
  pane.style.pointerEvents = "none";
  let places = [];

  function draw() {
    while (pane.firstChild) pane.removeChild(pane.firstChild);
    if (!places.length) return;
    const zoom = map.getZoom();
    const least = minPopulation(zoom);
    const bounds = map.getBounds().pad(0.05);
    const taken = [];
    let shown = 0;
    for (const [name, lat, lon, population, , capital] of places) {
      if (shown >= MAX_LABELS) break;
      if (population < least && !(capital && zoom >= 3)) continue;
      if (!bounds.contains([lat, lon])) continue;
      const p = map.latLngToLayerPoint([lat, lon]);
      const width = name.length * (capital ? 7.2 : 6.4) + 10;
      const box = [p.x - 3, p.y - 8, p.x + width, p.y + 8];
      if (taken.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
      taken.push(box);
      const el = document.createElement("div");
      el.className = "fl-label leaflet-zoom-hide" + (capital ? " fl-capital" : "");
      el.textContent = name;
      el.dataset.population = String(population);
      L.DomUtil.setPosition(el, p);
      pane.appendChild(el);
      shown += 1;
    }
    document.documentElement.setAttribute("data-labels", String(shown));
  }

  map.on("zoomend moveend viewreset", draw);
  return fetch(url)
    .then((r) => r.json())
    .then((data) => { places = data.places; draw(); });
}
