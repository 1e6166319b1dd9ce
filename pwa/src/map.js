// Leaflet maps. Base tiles come from config.json (GRIDGOV_TILE_URL at build time); without a
// template, or when tiles fail, the grid outlines on a plain background are the map.
// All coordinates are WGS-84 longitude/latitude, as the API sends and takes them.
import { h } from "./dom.js";
import { t } from "./i18n.js";
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
    zoomControl: false, zoomSnap: 0.25, attributionControl: Boolean(config?.tile_url),
  });
  L.control.zoom({ zoomInTitle: t("map.zoom_in"), zoomOutTitle: t("map.zoom_out") }).addTo(map);
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

export const hasBaseTiles = () => Boolean(config?.tile_url);

// Where a name goes: the area-weighted centroid of the largest outer ring (lon/lat degrees are
// close enough to planar at a grid's size).
function labelPoint(geometry) {
  const rings = geometry.type === "Polygon" ? [geometry.coordinates[0]]
    : geometry.type === "MultiPolygon" ? geometry.coordinates.map((p) => p[0]) : [];
  let best = null;
  for (const ring of rings) {
    let area = 0;
    let x = 0;
    let y = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      area += cross;
      x += (ring[j][0] + ring[i][0]) * cross;
      y += (ring[j][1] + ring[i][1]) * cross;
    }
    if (area && (!best || Math.abs(area) > best.area)) best = { area: Math.abs(area), lon: x / (3 * area), lat: y / (3 * area) };
  }
  return best ? [best.lat, best.lon] : null;
}

// A grid's name shows where the grid is at least this wide on screen; street names show where
// most grids are too small to carry theirs.
const LABEL_MIN_PX = 64;

// Without base tiles the outlines are the map: street outlines, and the names of streets and
// grids written on it, so a place can be recognised with no tiles at all.
export function placeNames(map, { grids, streets, outlineStreets = true }) {
  if (hasBaseTiles()) return null;
  if (outlineStreets) {
    L.geoJSON(streets || { type: "FeatureCollection", features: [] }, {
      interactive: false, style: { color: "#343a40", weight: 2, fill: false, dashArray: "6 4" },
    }).addTo(map);
  }
  const label = (feature, kind) => {
    const at = feature.geometry && labelPoint(feature.geometry);
    if (!at) return null;
    const icon = L.divIcon({ className: `place-label ${kind}`, html: "", iconSize: null });
    const marker = L.marker(at, { icon, interactive: false, keyboard: false });
    marker.on("add", () => marker.getElement().replaceChildren(h("span", { text: feature.properties.name })));
    return { marker, bounds: L.geoJSON(feature).getBounds() };
  };
  const gridLabels = (grids?.features || []).map((f) => label(f, "grid")).filter(Boolean);
  const streetLabels = (streets?.features || []).map((f) => label(f, "street")).filter(Boolean);
  const widthPx = (bounds) => map.latLngToLayerPoint(bounds.getNorthEast()).x - map.latLngToLayerPoint(bounds.getSouthWest()).x;
  function show() {
    let shown = 0;
    for (const { marker, bounds } of gridLabels) {
      const fits = widthPx(bounds) >= LABEL_MIN_PX;
      shown += fits;
      if (fits) marker.addTo(map);
      else marker.remove();
    }
    const streetsToo = shown < gridLabels.length / 2;
    for (const { marker } of streetLabels) {
      if (streetsToo) marker.addTo(map);
      else marker.remove();
    }
  }
  map.on("zoomend", show);
  show();
  return { gridLabels, streetLabels };
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
    className: incident._fresh ? "marker-fresh" : "",
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
