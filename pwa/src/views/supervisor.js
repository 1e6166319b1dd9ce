// The supervisors' command map (grids shaded by open or overdue cases, clustered case markers,
// live) with a side panel (queue, a grid's counts and cases, a case and its actions), and the
// sortable table of grids with the CSV export. Both share the filters.
import { api, ApiError, query } from "../api.js";
import { categoryName, getCategories, gridName, loadGrids, loadStreets, openStatuses } from "../data.js";
import { clear, h, toast } from "../dom.js";
import { formatNumber, language, t } from "../i18n.js";
import { liveBus } from "../live.js";
import { boundsOf, clusteredIncidents, createMap, L, placeNames, STATUS_COLOURS } from "../map.js";
import { dayBound, emptyState, incidentCard } from "./common.js";
import { renderIncident } from "./incident.js";

// The supervisor's queue: what waits for them to accept, dispatch or verify.
const QUEUE_STATUSES = ["reported", "accepted", "resolved"];
const filters = { metric: "open", category: "", from: "", to: "" };
const sort = { key: "open", descending: true };
let selectedGrid = null;

const COLOURS = ["#f1f3f5", "#ffe8cc", "#ffc078", "#fd7e14", "#c92a2a"];
// Class breaks from the data (0, 1, then the median, upper quartile and top decile of the
// grids that have any), so a quiet period and a busy one both spread over the colours.
let breaks = { open: [0, 1, 2, 4], overdue: [0, 1, 2, 4] };

function computeBreaks(rows) {
  for (const metric of ["open", "overdue"]) {
    const values = rows.map((r) => r[metric] || 0).filter((v) => v > 0).sort((a, b) => a - b);
    const q = (p) => values[Math.min(values.length - 1, Math.floor(p * values.length))];
    const cuts = [0, 1];
    if (values.length) for (const p of [0.5, 0.75, 0.9]) if (q(p) > cuts.at(-1)) cuts.push(q(p));
    breaks[metric] = cuts;
  }
}

function classOf(value, metric) {
  let index = 0;
  breaks[metric].forEach((b, i) => { if (value >= b) index = i; });
  return index;
}

const colourOf = (index, count) => COLOURS[index === 0 ? 0 : Math.round((index * (COLOURS.length - 1)) / Math.max(1, count - 1))];

// The period picked (cases created in it): the same for the colours, the markers, the queue,
// a grid's cases, the table and the CSV.
const period = () => ({ from: dayBound(filters.from), to: dayBound(filters.to, true) });

function statsQuery(extra = {}) {
  return query({ category: filters.category, ...period(), ...extra });
}

// What went wrong, in words: a reversed period is the server's 422 on `from`/`to`.
function problemText(error) {
  if (error instanceof ApiError && error.status === 422 && error.errors.some((e) => ["from", "to"].includes(e.field))) return t("sup.bad_period");
  return error instanceof ApiError ? error.detail : t("net.unreachable");
}

function filterBar(onChange) {
  const metric = h("select", { name: "metric", "aria-label": t("sup.metric") },
    ["open", "overdue"].map((m) => h("option", { value: m, text: t(`sup.metric_${m}`) })));
  metric.value = filters.metric;
  const category = h("select", { name: "category", "aria-label": t("report.category") },
    h("option", { value: "", text: t("sup.all_categories") }),
    getCategories().map((c) => h("option", { value: c.code, text: language() === "en" ? c.name_en : c.name })));
  category.value = filters.category;
  const from = h("input", { type: "date", name: "from", value: filters.from, "aria-label": t("sup.from") });
  const to = h("input", { type: "date", name: "to", value: filters.to, "aria-label": t("sup.to") });
  for (const [el, key] of [[metric, "metric"], [category, "category"], [from, "from"], [to, "to"]]) {
    el.addEventListener("change", () => { filters[key] = el.value; onChange(key); });
  }
  const csv = h("button", { type: "button", class: "small", id: "csv-export", text: t("sup.csv"), onclick: downloadCsv });
  return h("div", { class: "filters" },
    h("p", { class: "form-error", id: "filter-error", role: "alert" }),
    h("label", {}, h("span", { text: t("sup.metric") }), metric),
    h("label", {}, h("span", { text: t("report.category") }), category),
    h("label", {}, h("span", { text: t("sup.from") }), from),
    h("label", {}, h("span", { text: t("sup.to") }), to),
    csv);
}

// The CSV needs the token, so it is fetched and handed to the browser as a blob download.
async function downloadCsv() {
  try {
    const response = await api(`/stats/grids.csv${statsQuery({ lang: language() })}`, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `gridgov-grids-${new Date().toISOString().slice(0, 10)}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    showProblem(null);
  } catch (error) {
    showProblem(error);
  }
}

function showProblem(error) {
  const el = document.getElementById("filter-error");
  if (el) el.textContent = error ? problemText(error) : "";
  if (error) toast(problemText(error), "error");
}

export async function render(root, ctx) {
  return ctx.route === "grids" ? renderTable(root, ctx) : renderMap(root, ctx);
}

async function renderMap(root) {
  const mapEl = h("div", { class: "sup-map", id: "sup-map" });
  const panel = h("aside", { class: "sup-panel", id: "sup-panel" });
  const bar = filterBar((key) => (key === "metric" ? restyle() : refresh()));
  root.append(h("section", { class: "sup" }, h("div", { class: "sup-main" }, bar, mapEl), panel));

  const map = createMap(mapEl, { zoom: 12 });
  const [grids, streets] = await Promise.all([loadGrids(), loadStreets()]);
  let stats = new Map();
  const gridLayer = L.geoJSON(grids, {
    style: styleFor,
    onEachFeature: (feature, layer) => {
      layer.on("click", () => selectGrid(feature.properties.code));
      layer.bindTooltip(() => tooltipFor(feature.properties.code), { sticky: true });
    },
  }).addTo(map);
  L.geoJSON(streets, { interactive: false, style: { color: "#343a40", weight: 2.5, fill: false } }).addTo(map);
  placeNames(map, { grids, streets, outlineStreets: false });
  const all = boundsOf(grids.features);
  if (all) map.fitBounds(all);
  const markers = clusteredIncidents(map, {
    tooltip: (i) => `${i.number} · ${t(`status.${i.status}`)}`,
    onClick: (i) => showIncident(i),
  });
  // Cases that arrived live while this screen is open: marked in the queue and on the map.
  const fresh = new Set();
  const arrived = new Map();
  const marked = (items) => items.map((i) => ({ ...i, _fresh: fresh.has(String(i.id)) }));

  function styleFor(feature) {
    const s = stats.get(feature.properties.code);
    const value = s ? s[filters.metric] : 0;
    const selected = feature.properties.code === selectedGrid;
    return {
      color: selected ? "#1864ab" : "#495057", weight: selected ? 3 : 0.8,
      fillColor: colourOf(classOf(value, filters.metric), breaks[filters.metric].length), fillOpacity: 0.75,
    };
  }
  function tooltipFor(code) {
    const s = stats.get(code) || {};
    return `${gridName(code)} · ${t("sup.metric_open")} ${formatNumber(s.open ?? 0)} · ${t("sup.metric_overdue")} ${formatNumber(s.overdue ?? 0)}`;
  }

  const legend = L.control({ position: "bottomleft" });
  const legendEl = h("div", { class: "legend choropleth-legend", id: "legend" });
  legend.onAdd = () => legendEl;
  legend.addTo(map);
  function drawLegend() {
    const cuts = breaks[filters.metric];
    clear(legendEl).append(h("strong", { text: t(`sup.metric_${filters.metric}`) }),
      ...cuts.map((b, i) => {
        const next = cuts[i + 1];
        const range = next === undefined ? `≥ ${formatNumber(b)}` : next - 1 === b ? formatNumber(b) : `${formatNumber(b)}–${formatNumber(next - 1)}`;
        return h("div", {}, h("i", { class: "swatch", style: `background:${colourOf(i, cuts.length)}` }), range);
      }),
      h("strong", { class: "legend-head", text: t("sup.legend_markers") }),
      ...Object.keys(STATUS_COLOURS).filter((s) => openStatuses().includes(s)).map((s) =>
        h("div", { class: "legend-status", dataset: { status: s } }, h("i", { class: "dot", style: `background:${STATUS_COLOURS[s]}` }), t(`status.${s}`))),
      h("div", { class: "legend-overdue" }, h("i", { class: "dot ring" }), t("sup.legend_overdue")),
      h("div", { class: "legend-cluster" }, h("i", { class: "dot cluster-dot" }), t("sup.legend_cluster")),
      h("div", { class: "legend-fresh" }, h("i", { class: "dot fresh-dot" }), t("sup.legend_fresh")));
  }
  function restyle() {
    gridLayer.setStyle(styleFor);
    drawLegend();
  }

  function showStats(features) {
    stats = new Map(features.map((f) => [f.properties.code, f.properties]));
    computeBreaks(features.map((f) => f.properties));
    restyle();
  }
  async function fetchMarkers() {
    const items = [];
    for (let page = 1; page <= 10; page += 1) {
      const data = await api(`/incidents${query({ status: openStatuses().join(","), category: filters.category, ...period(), page, page_size: 100 })}`);
      items.push(...data.items);
      if (items.length >= data.count || !data.items.length) break;
    }
    return items;
  }

  // The panel: the queue by default, a grid when one is picked, a case when one is opened.
  let panelCleanup = null;
  let panelState = { kind: "queue" };
  function setPanel(state) {
    panelCleanup?.();
    panelCleanup = null;
    panelState = state;
    clear(panel);
    if (state.kind === "queue") return drawQueue();
    if (state.kind === "grid") return drawGrid(state.code);
    return drawIncident(state.id, state.from);
  }
  async function drawQueue() {
    // Overdue first, the longest overdue on top, as on the worker's list.
    // Reports that arrived live sit on top, highlighted, wherever their deadline puts them.
    const data = await api(`/incidents${query({ status: QUEUE_STATUSES.join(","), category: filters.category, ...period(), ordering: "overdue", page_size: 100 })}`);
    if (panelState.kind !== "queue") return;
    const pinned = [...arrived.values()].reverse()
      .filter((i) => QUEUE_STATUSES.includes(i.status) && (!filters.category || filters.category === i.category));
    const pinnedIds = new Set(pinned.map((i) => String(i.id)));
    const items = [...pinned, ...data.items.filter((i) => !pinnedIds.has(String(i.id)))];
    const list = h("ul", { class: "cases", id: "queue-list" });
    if (!items.length) list.append(emptyState(t("sup.queue_empty")));
    for (const i of items) list.append(incidentCard(i, { unseen: fresh.has(String(i.id)), onClick: () => showIncident(i) }));
    clear(panel).append(h("h2", { text: t("sup.queue") }), h("p", { class: "hint", text: t("sup.queue_hint", { n: formatNumber(data.count) }) }), list);
  }
  async function drawGrid(code) {
    const s = stats.get(code) || {};
    const data = await api(`/incidents${query({ grid: code, status: openStatuses().join(","), category: filters.category, ...period(), ordering: "overdue", page_size: 100 })}`);
    if (panelState.kind !== "grid" || panelState.code !== code) return;
    const byCategory = Object.entries(s.by_category || {}).map(([c, n]) => `${categoryName(c)} ${formatNumber(n)}`).join(" · ");
    const list = h("ul", { class: "cases", id: "grid-cases" });
    if (!data.items.length) list.append(emptyState(t("sup.grid_no_open")));
    for (const i of data.items) list.append(incidentCard(i, { unseen: fresh.has(String(i.id)), onClick: () => showIncident(i, { kind: "grid", code }) }));
    clear(panel).append(
      h("button", { type: "button", class: "link back", text: `‹ ${t("sup.queue")}`, onclick: () => { selectedGrid = null; restyle(); setPanel({ kind: "queue" }); } }),
      h("h2", { id: "grid-title", text: `${gridName(code)}` }),
      h("p", { class: "hint", text: code }),
      h("div", { class: "counts" },
        ["total", "open", "overdue", "closed"].map((k) => h("div", { class: `count ${k}` }, h("b", { text: formatNumber(s[k] ?? 0) }), h("span", { text: t(`sup.col_${k}`) })))),
      s.median_hours_to_close != null ? h("p", { class: "hint", text: t("sup.median", { h: formatNumber(s.median_hours_to_close, { maximumFractionDigits: 1 }) }) }) : null,
      byCategory ? h("p", { class: "hint", text: byCategory }) : null,
      h("h3", { text: t("sup.open_cases") }), list);
  }
  async function drawIncident(id, from) {
    const container = h("div", {});
    panel.append(container);
    panelCleanup = await renderIncident(container, id, {
      back: () => setPanel(from || { kind: "queue" }),
      onChanged: () => scheduleRefresh(),
    });
  }
  function selectGrid(code) {
    selectedGrid = code;
    restyle();
    setPanel({ kind: "grid", code });
  }
  // Opening a case brings it into view on the map.
  function showIncident(incident, from) {
    if (Number.isFinite(incident.lat) && Number.isFinite(incident.lon)) {
      map.setView([incident.lat, incident.lon], Math.max(map.getZoom(), 16));
    }
    setPanel({ kind: "incident", id: incident.id, from: from || (panelState.kind === "incident" ? panelState.from : panelState) });
  }

  // A refused filter (a reversed period) leaves nothing of the last one on screen: no colours,
  // no markers, no queue, only the reason in words.
  let refreshing = 0;
  async function refresh() {
    const ticket = ++refreshing;
    try {
      // Applied only when this is still the latest call: an earlier filter's answers arriving
      // late must not paint over a later one (or over its refusal).
      const [fc, items] = await Promise.all([api(`/stats/grids${statsQuery()}`), fetchMarkers()]);
      if (ticket !== refreshing) return;
      showStats(fc.features);
      markers.set(marked(items));
      showProblem(null);
      if (panelState.kind !== "incident") setPanel(panelState);
    } catch (error) {
      if (ticket !== refreshing) return;
      showProblem(error);
      if (!(error instanceof ApiError)) return;
      showStats([]);
      markers.set([]);
      if (panelState.kind !== "incident") clear(panel).append(h("p", { class: "form-error", text: problemText(error) }));
    }
  }
  // Live: many events can come in a burst (a dispatcher at work); refresh once after a pause.
  let timer = null;
  function scheduleRefresh() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 800);
  }
  function onLive(event) {
    const incident = event.detail.incident;
    if (event.detail.type === "incident.created") fresh.add(String(incident.id));
    if (fresh.has(String(incident.id))) arrived.set(String(incident.id), incident);
    scheduleRefresh();
  }
  liveBus.addEventListener("incident", onLive);
  drawLegend();
  await refresh();
  if (selectedGrid) setPanel({ kind: "grid", code: selectedGrid });
  return () => {
    clearTimeout(timer);
    liveBus.removeEventListener("incident", onLive);
    panelCleanup?.();
    map.remove();
  };
}

const COLUMNS = ["name", "code", "street", "total", "open", "overdue", "closed", "median_hours_to_close"];
const NUMERIC = COLUMNS.slice(3);

async function renderTable(root, { navigate }) {
  const table = h("table", { class: "grid-table", id: "grid-table" });
  const bar = filterBar(() => load());
  root.append(h("section", { class: "table-page" }, h("h1", { text: t("sup.table_title") }), bar, h("div", { class: "table-wrap" }, table)));
  let rows = [];
  function draw() {
    const sorted = [...rows].sort((a, b) => {
      const x = a[sort.key] ?? -1;
      const y = b[sort.key] ?? -1;
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), language());
      return sort.descending ? -order : order;
    });
    clear(table).append(
      h("thead", {}, h("tr", {}, COLUMNS.map((key) => h("th", {
        class: `${NUMERIC.includes(key) ? "num" : ""} ${key === sort.key ? (sort.descending ? "sorted desc" : "sorted asc") : ""}`, dataset: { key }, scope: "col",
        "aria-sort": key === sort.key ? (sort.descending ? "descending" : "ascending") : "none",
        onclick: () => { sort.descending = sort.key === key ? !sort.descending : true; sort.key = key; draw(); },
      }, t(`sup.col_${key}`))))),
      h("tbody", {}, sorted.map((row) => h("tr", { dataset: { code: row.code }, onclick: () => { selectedGrid = row.code; navigate("sup"); } },
        COLUMNS.map((key) => h("td", { class: typeof row[key] === "number" ? "num" : "", text: typeof row[key] === "number" ? formatNumber(row[key], { maximumFractionDigits: 1 }) : row[key] ?? "–" }))))));
  }
  async function load() {
    try {
      const fc = await api(`/stats/grids${statsQuery()}`);
      rows = fc.features.map((f) => ({ ...f.properties, street: streetNames.get(f.properties.street) || f.properties.street }));
      showProblem(null);
    } catch (error) {
      showProblem(error);
      if (error instanceof ApiError) rows = [];
    }
    draw();
  }
  const streetNames = new Map((await loadStreets()).features.map((f) => [f.properties.code, f.properties.name]));
  await load();
}
