// A case: its facts, photos, timeline, and the buttons for exactly the actions the server
// lists in `actions` for this caller now (the workflow table lives on the server).
import { api, ApiError, NetworkError, photoObjectUrl } from "../api.js";
import { categoryName, gridByCode, gridName, loadGrids, loadStreets, subcategoryName } from "../data.js";
import { createMap, L, placeNames } from "../map.js";
import { clear, h, toast } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { liveBus } from "../live.js";
import { compressPhoto } from "../photos.js";
import { statusChip } from "./common.js";
import { cachedCase } from "./list.js";

// Which actions ask for more than a click.
const NEEDS = {
  reject: { note: true },
  resolve: { note: true, photo: true },
  dispute: { note: true },
  reopen: { note: true },
  extend: { note: true, due: true },
  dispatch: { assignee: true },
  reassign: { assignee: true },
  handle_on_spot: { note: false, noteOptional: true, photo: true },
  comment: { note: true },
};
const PRIMARY = ["accept", "dispatch", "start", "resolve", "verify", "confirm", "handle_on_spot"];

function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// "2026-12-01T17:30" typed in the phone's zone → ISO 8601 with that zone's offset.
function withOffset(localValue) {
  const date = new Date(localValue);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${localValue}:00${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

// Who took a timeline step: the system (an escalation), a named person, or else the reporter,
// whose name the server leaves out for those who may not see it.
function entryActor(entry) {
  if (entry.system) return t("case.system");
  return entry.actor || t("case.reporter_hidden");
}

export async function renderIncident(container, id, { onChanged, back } = {}) {
  const urls = [];
  let incident;
  // Without signal: the copy saved with the task list, read-only, until the server answers.
  let savedAt = null;
  const backButton = () => (back ? h("button", { type: "button", class: "link back", text: `‹ ${t("case.back")}`, onclick: back }) : null);
  try {
    incident = await api(`/incidents/${encodeURIComponent(id)}`);
  } catch (error) {
    const cached = error instanceof NetworkError ? await cachedCase(id) : null;
    if (!cached) {
      const message = error instanceof ApiError ? error.detail : error instanceof NetworkError ? t("case.not_cached") : t("net.unreachable");
      clear(container).append(h("article", { class: "card incident" }, backButton(), h("p", { class: "form-error", text: message })));
      return () => {};
    }
    incident = { ...cached.incident, timeline: [], actions: [] };
    savedAt = cached.at;
  }
  const boundaries = await Promise.all([loadGrids(), loadStreets()]);

  // A small map of the place (outlines and names even without tiles) and links that open the
  // phone's map app there; the AMap and Baidu points are converted by the server (gis.coords).
  let caseMap = null;
  const mapEl = h("div", { class: "case-map", id: "case-map", role: "img", "aria-label": t("case.map") });
  function drawMap() {
    caseMap?.remove();
    caseMap = createMap(mapEl, { zoom: 16 });
    L.geoJSON(boundaries[0], { interactive: false, style: (f) => ({ color: f.properties.code === incident.grid ? "#0b6e4f" : "#7a8a84", weight: f.properties.code === incident.grid ? 2.5 : 1, fillOpacity: 0.06 }) }).addTo(caseMap);
    placeNames(caseMap, { grids: boundaries[0], streets: boundaries[1] });
    L.marker([incident.lat, incident.lon], { icon: L.divIcon({ className: "pin", iconSize: [28, 28], iconAnchor: [14, 28] }), interactive: false, keyboard: false }).addTo(caseMap);
    // The case's grid in view with the point, so its outline and name are there to see.
    const grid = gridByCode(incident.grid);
    if (grid) caseMap.fitBounds(L.geoJSON(grid).getBounds().extend([incident.lat, incident.lon]).pad(0.05));
    else caseMap.setView([incident.lat, incident.lon], 16);
  }
  function navLinks(nav) {
    const link = (href, key, kind) => h("a", { class: "button small nav-link", href, target: kind === "geo" ? null : "_blank", rel: "noopener", dataset: { kind }, text: t(key) });
    return h("div", { class: "nav-links" }, h("strong", { text: t("case.navigate") }),
      link(nav.geo, "case.nav_geo", "geo"), link(nav.amap, "case.nav_amap", "amap"), link(nav.baidu, "case.nav_baidu", "baidu"));
  }

  function draw() {
    clear(container);
    const facts = [
      [t("case.number"), incident.number],
      [t("case.category"), [categoryName(incident.category), subcategoryName(incident.subcategory)].filter(Boolean).join(" · ")],
      incident.severity ? [t("report.severity"), t(`severity.${incident.severity}`)] : null,
      [t("case.grid"), incident.grid ? `${gridName(incident.grid)} (${incident.grid})` : t("case.no_grid")],
      [t("case.position"), `${incident.lat.toFixed(6)}, ${incident.lon.toFixed(6)} (WGS-84)`],
      incident.address ? [t("report.address"), incident.address] : null,
      [t("case.reporter"), incident.reporter.display_name || incident.reporter.username || t(`role.${incident.reporter.role}`)],
      incident.reporter.phone ? [t("auth.phone"), incident.reporter.phone] : null,
      [t("case.assignee"), incident.assignee || "–"],
      [t("case.created"), formatDateTime(incident.created_at)],
      incident.due_at ? [t("case.due_at"), formatDateTime(incident.due_at) + (incident.overdue ? ` · ${t("case.overdue")}` : "")] : null,
    ].filter(Boolean);
    const photos = h("div", { class: "thumbs" });
    for (const url of incident.photos) {
      const img = h("img", { alt: t("case.photo"), loading: "lazy" });
      photos.append(h("figure", { class: "thumb" }, img));
      photoObjectUrl(url).then((objectUrl) => { urls.push(objectUrl); img.src = objectUrl; }).catch(() => {});
    }
    container.append(h("article", { class: "card incident", dataset: { id: String(incident.id), status: incident.status } },
      backButton(),
      savedAt ? h("p", { class: "hint offline-copy", text: t("case.offline_copy", { when: formatDateTime(savedAt) }) }) : null,
      h("div", { class: "case-top" }, statusChip(incident.status),
        incident.overdue ? h("span", { class: "chip overdue", text: t("case.overdue") }) : null,
        h("span", { class: "chip", text: t(`priority.${incident.priority}`) })),
      h("h1", { text: incident.title }),
      incident.description ? h("p", { class: "description", text: incident.description }) : null,
      h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
      mapEl,
      incident.nav ? navLinks(incident.nav) : null,
      incident.photos.length ? photos : null,
      savedAt ? null : actionsPanel(),
      savedAt ? null : h("h2", { text: t("case.timeline") }),
      h("ol", { class: "timeline" }, incident.timeline.map((entry) => h("li", {},
        h("div", { class: "when", text: formatDateTime(entry.at) }),
        h("div", { class: "what" },
          h("strong", { text: t(`action.${entry.action}`) }),
          entry.to_status && entry.to_status !== entry.from_status ? h("span", { text: ` → ${t(`status.${entry.to_status}`)}` }) : null,
          h("span", { class: "who", text: ` · ${entryActor(entry)}` })),
        entry.note ? h("div", { class: "note", text: entry.note }) : null))),
    ));
    // The map element moves with each redraw; Leaflet only needs to measure it again.
    if (caseMap) caseMap.invalidateSize();
    else drawMap();
  }

  function actionsPanel() {
    const panel = h("div", { class: "actions", id: "case-actions" });
    const form = h("div", { class: "action-form" });
    const actions = incident.actions.filter((a) => a !== "comment");
    for (const action of actions) {
      panel.append(h("button", {
        type: "button", class: PRIMARY.includes(action) ? "primary" : "", dataset: { action },
        text: t(`action.${action}`), onclick: () => (NEEDS[action] ? openForm(form, action) : perform(action, {})),
      }));
    }
    if (incident.actions.includes("comment")) {
      panel.append(h("button", { type: "button", class: "link", dataset: { action: "comment" }, text: t("action.comment"), onclick: () => openForm(form, "comment") }));
    }
    return [panel, form];
  }

  function openForm(form, action) {
    const needs = NEEDS[action];
    clear(form);
    const note = h("textarea", { name: "note", rows: 3, required: needs.note, placeholder: t(needs.note ? "case.note_required" : "case.note_optional") });
    const due = h("input", { type: "datetime-local", name: "due_at", required: true });
    if (incident.due_at) due.value = localInputValue(new Date(new Date(incident.due_at).getTime() + 86400000 * 3));
    const workers = gridByCode(incident.grid)?.properties.workers || [];
    const assignee = h("select", { name: "assignee" }, workers.map((w) => h("option", { value: w, text: w })));
    const photo = h("input", { type: "file", accept: "image/*", capture: "environment", name: "photo" });
    const error = h("p", { class: "form-error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary", text: t("case.confirm_action", { action: t(`action.${action}`) }) });
    const el = h("form", { class: "card inline-form", dataset: { action } },
      h("h3", { text: t(`action.${action}`) }),
      needs.assignee ? (workers.length ? h("label", { class: "field" }, h("span", { text: t("case.assignee") }), assignee) : h("p", { class: "form-error", text: t("case.no_workers") })) : null,
      needs.due ? h("label", { class: "field" }, h("span", { text: t("case.new_due") }), due) : null,
      needs.note || needs.noteOptional || needs.due ? h("label", { class: "field" }, h("span", { text: t("case.note") }), note) : null,
      needs.photo ? h("label", { class: "field" }, h("span", { text: t("case.add_photo") }), photo) : null,
      error,
      h("div", { class: "row" }, submit, h("button", { type: "button", class: "link", text: t("case.cancel"), onclick: () => clear(form) })));
    el.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (needs.note && !note.value.trim()) {
        error.textContent = t("case.note_required");
        return;
      }
      submit.disabled = true;
      try {
        if (photo.files?.length) {
          const fd = new FormData();
          fd.append("file", await compressPhoto(photo.files[0]), "photo.jpg");
          await api(`/incidents/${incident.id}/photos`, { method: "POST", body: fd });
        }
        const payload = {};
        if (note.value.trim()) payload.note = note.value.trim();
        if (needs.assignee) payload.assignee = assignee.value;
        if (needs.due) payload.due_at = withOffset(due.value);
        await perform(action, payload);
      } catch (err) {
        error.textContent = err instanceof ApiError ? err.detail : t("net.unreachable");
        submit.disabled = false;
      }
    });
    form.append(el);
    (needs.assignee ? assignee : needs.due ? due : note).focus?.();
  }

  async function perform(action, payload) {
    try {
      incident = await api(`/incidents/${incident.id}/actions`, { method: "POST", json: { action, ...payload } });
      toast(t("case.done", { action: t(`action.${action}`) }), "ok");
      draw();
      onChanged?.(incident);
    } catch (error) {
      if (NEEDS[action]) throw error;
      toast(error instanceof ApiError ? error.detail : t("net.unreachable"), "error");
    }
  }

  // Someone else moved the case: show the new state (unless a form is half filled).
  async function onLive(event) {
    if (String(event.detail.incident.id) !== String(incident.id)) return;
    if (container.querySelector(".inline-form")) return;
    try {
      incident = await api(`/incidents/${incident.id}`);
      draw();
    } catch {
      /* keep what is shown */
    }
  }
  liveBus.addEventListener("incident", onLive);
  draw();
  return () => {
    liveBus.removeEventListener("incident", onLive);
    caseMap?.remove();
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}

export async function render(root, { params, navigate }) {
  const container = h("section", { class: "incident-page" });
  root.append(container);
  // Opened from a link or after a reload there may be no page to go back to: then home.
  const back = () => (history.length > 1 ? history.back() : navigate(""));
  return renderIncident(container, params[0], { back });
}
