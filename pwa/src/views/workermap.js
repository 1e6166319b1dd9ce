// "My grid": the worker's grid outlines over the others, and the open cases on them.
import { api, NetworkError, query } from "../api.js";
import { loadGrids, loadStreets, openStatuses } from "../data.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { liveBus } from "../live.js";
import { boundsOf, clusteredIncidents, createMap, L, placeNames } from "../map.js";
import { kvGet } from "../store.js";

export async function render(root, { user, navigate }) {
  const mapEl = h("div", { class: "full-map", id: "worker-map" });
  root.append(h("section", { class: "map-page" }, mapEl));
  const map = createMap(mapEl);
  const [grids, streets] = await Promise.all([loadGrids(), loadStreets()]);
  const mine = new Set(user.grids || []);
  L.geoJSON(grids, {
    style: (f) => mine.has(f.properties.code)
      ? { color: "#0b6e4f", weight: 3, fillColor: "#0b6e4f", fillOpacity: 0.1 }
      : { color: "#8a9a94", weight: 1, fillOpacity: 0 },
    onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name, { sticky: true }),
  }).addTo(map);
  placeNames(map, { grids, streets });
  const bounds = boundsOf(grids.features.filter((f) => mine.has(f.properties.code)));
  if (bounds) map.fitBounds(bounds.pad(0.1));
  const markers = clusteredIncidents(map, {
    tooltip: (i) => `${i.number} · ${t(`status.${i.status}`)}`,
    onClick: (i) => navigate(`incident/${i.id}`),
  });
  let items = [];
  async function load() {
    try {
      items = (await api(`/incidents${query({ status: openStatuses().join(","), page_size: 100 })}`)).items;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      items = (await kvGet("list:tasks"))?.items || [];
    }
    markers.set(items);
  }
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => h("div", { class: "legend" },
    openStatuses().map((s) => h("div", {}, h("i", { class: `dot status-${s}` }), t(`status.${s}`))));
  legend.addTo(map);
  const locate = L.control({ position: "topright" });
  locate.onAdd = () => h("button", { type: "button", class: "map-button", text: t("map.where_am_i"), onclick: () => {
    navigator.geolocation?.getCurrentPosition((p) => {
      L.circleMarker([p.coords.latitude, p.coords.longitude], { radius: 6, color: "#1971c2" }).addTo(map);
      map.setView([p.coords.latitude, p.coords.longitude], 16);
    });
  } });
  locate.addTo(map);
  function onIncident(event) {
    const incident = event.detail.incident;
    items = items.filter((i) => String(i.id) !== String(incident.id));
    if (openStatuses().includes(incident.status)) items.push(incident);
    markers.set(items);
  }
  liveBus.addEventListener("incident", onIncident);
  await load();
  return () => {
    liveBus.removeEventListener("incident", onIncident);
    map.remove();
  };
}
