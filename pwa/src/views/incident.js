// A case: its facts, photos, timeline, and the buttons for exactly the actions the server
// lists in `allowed_actions` for this caller now, each form asking for what the server says the
// action needs (the workflow table lives on the server; the app keeps no copy of it).
import { api, ApiError, NetworkError, photoObjectUrl } from "../api.js";
import { categoryName, gridByCode, gridName, loadGrids, loadStreets, subcategoryName } from "../data.js";
import { createMap, L, placeNames } from "../map.js";
import { clear, h, toast } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { liveBus } from "../live.js";
import { compressPhoto } from "../photos.js";
import { statusChip } from "./common.js";
import { cachedCase } from "./list.js";

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
function entryActor(entry, label) {
  if (entry.system) return t("case.system");
  return entry.actor ? label(entry.actor, entry.actor_display_name) : t("case.reporter_hidden");
}

// People by display name; the login is added only where two of them share a name.
export function nameLabeller(people) {
  const usernames = new Map();
  for (const { username, name } of people) {
    if (!username || !name) continue;
    if (!usernames.has(name)) usernames.set(name, new Set());
    usernames.get(name).add(username);
  }
  return (username, name) => (name && usernames.get(name).size > 1 ? `${name} (${username})` : name || username);
}

// A new deadline three days on from the later of now and the current one: an overdue case's
// old deadline plus three days may already be past, which the server refuses.
const EXTENSION_MS = 3 * 86400000;
export function suggestedDueAt(dueAt, now = new Date()) {
  const from = Math.max(now.getTime(), dueAt ? new Date(dueAt).getTime() : 0);
  return new Date(from + EXTENSION_MS);
}

// The grid's workers by name, told apart by login where two share a name.
function workerChoices(grid) {
  const properties = gridByCode(grid)?.properties || {};
  const names = properties.worker_names || {};
  const workers = (properties.workers || []).map((username) => ({ username, name: names[username] || username }));
  const label = nameLabeller(workers);
  return workers.map((w) => ({ ...w, label: label(w.username, w.name) }));
}

// The petitions the user can see, newest first, for picking the earlier case by its number.
async function visiblePetitions() {
  const items = [];
  for (let page = 1; page <= 5; page += 1) {
    const data = await api(`/incidents?category=petition&page_size=100&page=${page}`);
    items.push(...data.items);
    if (items.length >= data.count || !data.items.length) break;
  }
  return items;
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
    incident = { ...cached.incident, timeline: [], actions: [], allowed_actions: [] };
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

  // The earlier case of a repeat petition, by its number (fetched once, then redrawn).
  const numbers = new Map();
  function repeatNumber(earlierId) {
    if (!numbers.has(earlierId)) {
      numbers.set(earlierId, `#${earlierId}`);
      api(`/incidents/${earlierId}`).then((earlier) => {
        numbers.set(earlierId, earlier.number);
        draw();
      }).catch(() => {});
    }
    return numbers.get(earlierId);
  }

  function draw() {
    clear(container);
    const label = nameLabeller([
      { username: incident.assignee, name: incident.assignee_display_name },
      ...incident.timeline.map((entry) => ({ username: entry.actor, name: entry.actor_display_name })),
    ]);
    const facts = [
      [t("case.number"), incident.number],
      [t("case.category"), [categoryName(incident.category), subcategoryName(incident.subcategory)].filter(Boolean).join(" · ")],
      incident.severity ? [t("report.severity"), t(`severity.${incident.severity}`)] : null,
      [t("case.grid"), incident.grid ? `${incident.grid_name || gridName(incident.grid)} (${incident.grid})` : t("case.no_grid")],
      [t("case.position"), `${incident.lat.toFixed(6)}, ${incident.lon.toFixed(6)} (WGS-84)`],
      incident.address ? [t("report.address"), incident.address] : null,
      [t("case.reporter"), incident.reporter.display_name || incident.reporter.username || t(`role.${incident.reporter.role}`)],
      incident.reporter.phone ? [t("auth.phone"), incident.reporter.phone] : null,
      [t("case.assignee"), incident.assignee ? label(incident.assignee, incident.assignee_display_name) : "–"],
      incident.category === "petition" ? [t("report.people_count"), String(incident.people_count)] : null,
      incident.repeat_of ? [t("case.repeat_of"), repeatNumber(incident.repeat_of)] : null,
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
          h("span", { class: "who", text: ` · ${entryActor(entry, label)}` })),
        entry.note ? h("div", { class: "note", text: entry.note }) : null))),
    ));
    // The map element moves with each redraw; Leaflet only needs to measure it again.
    if (caseMap) caseMap.invalidateSize();
    else drawMap();
  }

  // The open form lives across redraws, so a live change redraws the case around what is
  // being typed; it closes only when its action is no longer allowed.
  const formHost = h("div", { class: "action-form" });
  let openAction = null;
  const allowed = (action) => incident.allowed_actions.find((a) => a.action === action);

  function closeForm() {
    openAction = null;
    clear(formHost);
  }

  function actionsPanel() {
    const panel = h("div", { class: "actions", id: "case-actions" });
    for (const { action, needs } of incident.allowed_actions) {
      if (action === "comment") continue;
      panel.append(h("button", {
        type: "button", class: PRIMARY.includes(action) ? "primary" : "", dataset: { action },
        text: t(`action.${action}`), onclick: () => (Object.keys(needs).length ? openForm(action) : quick(action)),
      }));
    }
    if (allowed("comment")) {
      panel.append(h("button", { type: "button", class: "link", dataset: { action: "comment" }, text: t("action.comment"), onclick: () => openForm("comment") }));
    }
    return [panel, formHost];
  }

  function openForm(action) {
    const { needs, photo_after: photoAfter } = allowed(action);
    const required = (name) => needs[name] === "required";
    clear(formHost);
    openAction = action;
    const note = h("textarea", { name: "note", rows: 3, required: required("note"), placeholder: t(required("note") ? "case.note_required" : "case.note_optional") });
    const due = h("input", { type: "datetime-local", name: "due_at", required: true, value: localInputValue(suggestedDueAt(incident.due_at)) });
    const workers = workerChoices(incident.grid);
    const assignee = h("select", { name: "assignee" }, workers.map((w) => h("option", { value: w.username, text: w.label })));
    const earlier = h("datalist", { id: `petitions-${incident.id}` });
    const repeatOf = h("input", { name: "repeat_of", list: earlier.id, autocomplete: "off", placeholder: t("case.repeat_of_hint") });
    let petitions = [];
    if (needs.repeat_of) {
      visiblePetitions().then((items) => {
        // Only earlier petitions: a case repeats one filed before it.
        petitions = items.filter((p) => p.id !== incident.id && p.created_at < incident.created_at);
        earlier.append(...petitions.map((p) => h("option", { value: p.number, text: p.title })));
      }).catch(() => {});
    }
    const photo = h("input", { type: "file", accept: "image/*", capture: "environment", name: "photo", required: required("photo") });
    const error = h("p", { class: "form-error", role: "alert" });
    const submit = h("button", { type: "submit", class: "primary", text: t("case.confirm_action", { action: t(`action.${action}`) }) });
    const field = (label, input) => h("label", { class: "field" }, h("span", { text: label }), input);
    // The app checks the needs itself, so the messages come in the app's language.
    const el = h("form", { class: "card inline-form", dataset: { action }, noValidate: true },
      h("h3", { text: t(`action.${action}`) }),
      needs.assignee ? (workers.length ? field(t("case.assignee"), assignee) : h("p", { class: "form-error", text: t("case.no_workers") })) : null,
      needs.due_at ? field(t("case.new_due"), due) : null,
      needs.repeat_of ? field(t("case.repeat_of"), [repeatOf, earlier]) : null,
      needs.note ? field(t("case.note"), note) : null,
      needs.photo ? field(t(required("photo") ? "case.photo_required" : "case.add_photo"), photo) : null,
      error,
      h("div", { class: "row" }, submit, h("button", { type: "button", class: "link", text: t("case.cancel"), onclick: closeForm })));
    el.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      const payload = {};
      if (note.value.trim()) payload.note = note.value.trim();
      if (needs.assignee) payload.assignee = assignee.value;
      if (needs.due_at) payload.due_at = withOffset(due.value);
      if (needs.repeat_of) {
        const typed = repeatOf.value.trim();
        const found = petitions.find((p) => p.number === typed);
        if (!found) error.textContent = t("case.repeat_of_unknown");
        else payload.repeat_of = String(found.id);
      }
      if (required("note") && !payload.note) error.textContent = t("case.note_required");
      if (needs.due_at && !due.value) error.textContent = t("case.due_needed");
      if (required("photo") && !photo.files?.length) error.textContent = t("case.photo_needed");
      if (error.textContent) return;
      submit.disabled = true;
      const file = photo.files?.[0];
      try {
        // Before the action when the action looks for the photo (the verification photo),
        // after it when the photo shows the action's result (the resolution's evidence).
        if (file && !photoAfter) await sendPhoto(file);
        await send(action, payload);
      } catch (err) {
        error.textContent = err instanceof ApiError ? err.detail : t("net.unreachable");
        submit.disabled = false;
        return;
      }
      if (file && photoAfter) {
        try {
          await sendPhoto(file);
          incident = await api(`/incidents/${incident.id}`);
          draw();
        } catch {
          toast(t("case.photo_not_sent"), "error");
        }
      }
    });
    formHost.append(el);
    (needs.assignee ? assignee : needs.repeat_of ? repeatOf : needs.due_at ? due : note).focus?.();
  }

  async function sendPhoto(file) {
    const fd = new FormData();
    fd.append("file", await compressPhoto(file), "photo.jpg");
    await api(`/incidents/${incident.id}/photos`, { method: "POST", body: fd });
  }

  async function send(action, payload) {
    incident = await api(`/incidents/${incident.id}/actions`, { method: "POST", json: { action, ...payload } });
    closeForm();
    toast(t("case.done", { action: t(`action.${action}`) }), "ok");
    draw();
    onChanged?.(incident);
  }

  async function quick(action) {
    try {
      await send(action, {});
    } catch (error) {
      toast(error instanceof ApiError ? error.detail : t("net.unreachable"), "error");
    }
  }

  // Someone moved the case: show its new state at once, also while a form is open (the form
  // stays unless its action is gone), so no button offers what the case no longer allows.
  let latest = 0;
  async function onLive(event) {
    if (String(event.detail.incident.id) !== String(incident.id)) return;
    const ticket = ++latest;
    try {
      const fresh = await api(`/incidents/${incident.id}`);
      if (ticket !== latest) return;
      incident = fresh;
      if (openAction && !allowed(openAction)) {
        closeForm();
        toast(t("case.changed_meanwhile"), "info");
      }
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
