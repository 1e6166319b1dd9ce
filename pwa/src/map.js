// Leaflet maps. Base tiles come from config.json (GRIDGOV_TILE_URL at build time); without a
// template, or when tiles fail, the grid outlines on a plain background are the map.
// All coordinates are WGS-84 longitude/latitude, as the API sends and takes them.
import * as L from "./vendor/leaflet/leaflet-src.esm.js";

export { L };

// The demo zone, for a map with nothing to fit to.
const DEFAULT_CENTER = [41.85, 123.75];
let config = null;

export async function loadMapConfig() {
  if (!config) {
    try {
      config = await (await fetch("/config.json")).json();
    } catch {
      config = { tile_url: "" };
    }
  }
  return config;
}

export function createMap(element, { zoom = 13 } = {}) {
  const map = L.map(element, {
    zoomControl: true, zoomSnap: 0.25, attributionControl: Boolean(config?.tile_url),
  });
  map.setView(DEFAULT_CENTER, zoom);
  element.classList.add("plain-map");
  if (config?.tile_url) {
    const base = L.tileLayer(config.tile_url, {
      maxZoom: config.tile_max_zoom || 18,
      attribution: config.tile_attribution || "",
    });
    // A failed tile just stays blank; the outlines and markers are drawn above regardless.
    base.on("tileerror", () => element.classList.add("tiles-failing"));
    base.addTo(map);
  }
  // The container may get its size after creation (views are built before being shown).
  requestAnimationFrame(() => map.invalidateSize());
  return map;
}

export const STATUS_COLOURS = {
  reported: "#d9480f",
  accepted: "#e67700",
  dispatched: "#1971c2",
  in_progress: "#5f3dc4",
  resolved: "#2b8a3e",
  closed: "#868e96",
  rejected: "#adb5bd",
};

export function incidentMarker(incident) {
  return L.circleMarker([incident.lat, incident.lon], {
    radius: 7,
    color: incident.overdue ? "#c92a2a" : "#fff",
    weight: incident.overdue ? 3 : 1.5,
    fillColor: STATUS_COLOURS[incident.status] || "#495057",
    fillOpacity: 0.95,
  });
}

// Markers grouped on a screen grid of CELL_PX at low zoom, one by one when zoomed in.
// Simpler than a clustering plugin and enough for a few thousand cases.
const CELL_PX = 56;
const CLUSTER_BELOW_ZOOM = 15;

export function clusteredIncidents(map, { onClick, tooltip }) {
  const layer = L.layerGroup().addTo(map);
  let items = [];
  function draw() {
    layer.clearLayers();
    const zoom = map.getZoom();
    if (zoom >= CLUSTER_BELOW_ZOOM) {
      for (const item of items) addSingle(item);
      return;
    }
    const cells = new Map();
    for (const item of items) {
      const point = map.project([item.lat, item.lon], zoom);
      const key = `${Math.floor(point.x / CELL_PX)}:${Math.floor(point.y / CELL_PX)}`;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(item);
    }
    for (const group of cells.values()) {
      if (group.length === 1) {
        addSingle(group[0]);
        continue;
      }
      const lat = group.reduce((sum, i) => sum + i.lat, 0) / group.length;
      const lon = group.reduce((sum, i) => sum + i.lon, 0) / group.length;
      const overdue = group.some((i) => i.overdue);
      const size = group.length < 10 ? 30 : group.length < 100 ? 36 : 42;
      const icon = L.divIcon({
        className: `cluster${overdue ? " has-overdue" : ""}`,
        html: `<span>${group.length}</span>`,
        iconSize: [size, size],
      });
      const marker = L.marker([lat, lon], { icon, keyboard: false });
      marker.on("click", () =>
        map.fitBounds(L.latLngBounds(group.map((i) => [i.lat, i.lon])).pad(0.3), {
          maxZoom: CLUSTER_BELOW_ZOOM + 1,
        }),
      );
      layer.addLayer(marker);
    }
  }
  function addSingle(item) {
    const marker = incidentMarker(item);
    if (tooltip) marker.bindTooltip(tooltip(item));
    if (onClick) marker.on("click", () => onClick(item));
    layer.addLayer(marker);
  }
  map.on("zoomend", draw);
  return {
    set(list) {
      items = list.filter((i) => Number.isFinite(i.lat) && Number.isFinite(i.lon));
      draw();
    },
    layer,
  };
}

export function boundsOf(features) {
  if (!features.length) return null;
  return L.geoJSON({ type: "FeatureCollection", features }).getBounds();
}
