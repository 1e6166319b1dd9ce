// The report form (workers: category, subcategory, severity; residents: one simple list of
// kinds). Position from GPS with its accuracy, adjustable by dragging the pin; photos from
// the camera, shrunk on the phone. Every keystroke is kept as a draft in IndexedDB, and a
// submitted report goes to the outbox first, so nothing typed is lost offline or on reload.
import { boundsOf, createMap, L, placeNames } from "../map.js";
import { getCategories, loadGrids, loadStreets } from "../data.js";
import { clear, h, toast } from "../dom.js";
import { api, NetworkError, query } from "../api.js";
import { formatNumber, language, t } from "../i18n.js";
import { locateOffline } from "../locate.js";
import { enqueue } from "../outbox.js";
import { compressPhoto } from "../photos.js";
import { kvGet, kvSet, kvDel } from "../store.js";
import { projectPicker } from "./housing.js";

const DRAFT_KEY = "draft";

function newDraft() {
  return {
    client_id: crypto.randomUUID(), category: "", subcategory: "", severity: "", title: "",
    description: "", address: "", lon: null, lat: null, accuracy_m: null, adjusted: false, photos: [],
    housing_project: "", people_count: 1,
  };
}

// The point as it is sent (6 decimals, about 0.1 m): the server places the case by this one.
const sentPoint = (draft) => ({ lon: Number(draft.lon.toFixed(6)), lat: Number(draft.lat.toFixed(6)) });

const label = (item) => (language() === "en" ? item.name_en : item.name);

export async function render(root, { user, navigate }) {
  const draft = { ...newDraft(), ...((await kvGet(DRAFT_KEY)) || {}) };
  const simple = user.role === "resident";
  const urls = [];
  const save = () => kvSet(DRAFT_KEY, draft);

  // Kind of case
  const categorySelect = h("select", { name: "category", required: true });
  const subcategorySelect = h("select", { name: "subcategory" });
  const severitySelect = h("select", { name: "severity" },
    ["", "general", "serious", "major"].map((v) => h("option", { value: v, text: v ? t(`severity.${v}`) : t("report.choose") })));
  const severityField = h("label", { class: "field" }, h("span", { text: t("report.severity") }), severitySelect);
  const kindSelect = h("select", { name: "kind", required: true });
  const housingProject = projectPicker(draft, save);
  // 联名信访: how many people a petition speaks for (1: a petitioner alone).
  const peopleInput = h("input", { type: "number", name: "people_count", min: 1, max: 100000, step: 1, inputmode: "numeric", value: String(draft.people_count) });
  const peopleField = h("label", { class: "field" }, h("span", { text: t("report.people_count") }), peopleInput);
  const syncPeople = () => { peopleField.hidden = draft.category !== "petition"; };
  peopleInput.addEventListener("input", () => { draft.people_count = Number(peopleInput.value); save(); });

  function fillSubcategories() {
    const category = getCategories().find((c) => c.code === categorySelect.value);
    clear(subcategorySelect).append(h("option", { value: "", text: t("report.choose") }),
      ...(category?.subcategories || []).map((s) => h("option", { value: s.code, text: label(s) })));
    subcategorySelect.value = draft.subcategory;
    severityField.hidden = categorySelect.value !== "safety";
  }
  if (simple) {
    kindSelect.append(h("option", { value: "", text: t("report.choose") }));
    for (const category of getCategories()) {
      kindSelect.append(h("optgroup", { label: label(category) },
        category.subcategories.map((s) => h("option", { value: `${category.code}:${s.code}`, text: label(s) }))));
    }
    kindSelect.value = draft.category ? `${draft.category}:${draft.subcategory}` : "";
    kindSelect.addEventListener("change", () => {
      [draft.category, draft.subcategory] = kindSelect.value.split(":");
      housingProject.sync();
      syncPeople();
      save();
    });
  } else {
    categorySelect.append(h("option", { value: "", text: t("report.choose") }),
      ...getCategories().map((c) => h("option", { value: c.code, text: label(c) })));
    categorySelect.value = draft.category;
    fillSubcategories();
    severitySelect.value = draft.severity;
    categorySelect.addEventListener("change", () => {
      draft.category = categorySelect.value;
      draft.subcategory = "";
      fillSubcategories();
      housingProject.sync();
      syncPeople();
      save();
    });
    subcategorySelect.addEventListener("change", () => { draft.subcategory = subcategorySelect.value; save(); });
    severitySelect.addEventListener("change", () => { draft.severity = severitySelect.value; save(); });
  }

  // Text
  const text = (name, attrs = {}) => {
    const el = h(attrs.multiline ? "textarea" : "input", { name, maxlength: attrs.max, required: attrs.required, rows: attrs.multiline ? 4 : null });
    el.value = draft[name];
    el.addEventListener("input", () => { draft[name] = el.value; save(); });
    return el;
  };
  const title = text("title", { max: 200, required: true });
  const description = text("description", { max: 5000, multiline: true });
  const address = text("address", { max: 300 });

  // Position
  const mapEl = h("div", { class: "pick-map", id: "report-map" });
  const positionText = h("p", { class: "position", id: "position-text" });
  const placeText = h("p", { class: "place", id: "place-text", "aria-live": "polite" });
  const locateButton = h("button", { type: "button", class: "small", text: t("report.locate") });
  let map = null;
  let pin = null;
  let circle = null;

  function showPosition() {
    if (draft.lat === null) {
      positionText.textContent = t("report.no_position");
      return;
    }
    const coords = `${draft.lat.toFixed(6)}, ${draft.lon.toFixed(6)} (WGS-84)`;
    const accuracy = draft.adjusted
      ? t("report.adjusted")
      : draft.accuracy_m !== null ? t("report.accuracy", { m: formatNumber(Math.round(draft.accuracy_m)) }) : "";
    positionText.textContent = `${coords} ${accuracy}`;
    showPlace();
  }
  // Grid and street under the pin: the server's `locate` with signal, the cached outlines
  // without; a later pin move overtakes an answer still on its way.
  let placeTicket = 0;
  let boundaries = null;
  async function showPlace() {
    const ticket = ++placeTicket;
    if (draft.lat === null) {
      placeText.textContent = "";
      return;
    }
    const { lon, lat } = sentPoint(draft);
    let found;
    try {
      found = await api(`/locate${query({ lon, lat })}`);
    } catch (error) {
      if (!(error instanceof NetworkError)) return;
      boundaries ||= await Promise.all([loadGrids(), loadStreets()]);
      found = locateOffline(boundaries[0], boundaries[1], lon, lat);
    }
    if (ticket !== placeTicket) return;
    placeText.classList.toggle("warn", !found.grid);
    placeText.dataset.grid = found.grid?.code || "";
    placeText.textContent = found.grid
      ? t("report.place", { grid: found.grid.name, street: found.street?.name || "" })
      : found.street ? t("report.place_street_only", { street: found.street.name }) : t("report.place_outside");
  }
  function placePin(recentre) {
    if (!map || draft.lat === null) return;
    const latlng = [draft.lat, draft.lon];
    if (!pin) {
      pin = L.marker(latlng, { draggable: true, icon: L.divIcon({ className: "pin", iconSize: [28, 28], iconAnchor: [14, 28] }), title: t("report.drag_pin") }).addTo(map);
      pin.on("dragend", () => {
        const p = pin.getLatLng();
        Object.assign(draft, { lat: p.lat, lon: p.lng, adjusted: true });
        circle?.remove();
        circle = null;
        save();
        showPosition();
      });
    } else {
      pin.setLatLng(latlng);
    }
    circle?.remove();
    circle = !draft.adjusted && draft.accuracy_m ? L.circle(latlng, { radius: draft.accuracy_m, weight: 1, interactive: false }).addTo(map) : null;
    if (recentre) map.setView(latlng, Math.max(map.getZoom(), 16));
  }
  // On opening a fix up to 30 s old will do; "重新定位" asks for a fresh one (the user moved).
  function locate({ fresh = false } = {}) {
    if (!navigator.geolocation) {
      positionText.textContent = t("report.no_gps");
      return;
    }
    positionText.textContent = t("report.locating");
    navigator.geolocation.getCurrentPosition(
      (position) => {
        Object.assign(draft, {
          lat: position.coords.latitude, lon: position.coords.longitude,
          accuracy_m: position.coords.accuracy, adjusted: false,
        });
        save();
        showPosition();
        placePin(true);
      },
      () => {
        positionText.textContent = t("report.gps_failed");
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: fresh ? 0 : 30000 },
    );
  }
  locateButton.addEventListener("click", () => locate({ fresh: true }));

  // Photos
  const thumbs = h("div", { class: "thumbs" });
  const photoInput = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, name: "photos", id: "photo-input" });
  function drawThumbs() {
    clear(thumbs);
    draft.photos.forEach((blob, index) => {
      const url = URL.createObjectURL(blob);
      urls.push(url);
      thumbs.append(h("figure", { class: "thumb" },
        h("img", { src: url, alt: t("report.photo_n", { n: index + 1 }) }),
        h("button", { type: "button", class: "remove", "aria-label": t("report.remove_photo"), text: "×",
          onclick: () => { draft.photos.splice(index, 1); save(); drawThumbs(); } })));
    });
  }
  photoInput.addEventListener("change", async () => {
    const files = [...photoInput.files];
    photoInput.value = "";
    for (const file of files) {
      try {
        draft.photos.push(await compressPhoto(file));
      } catch {
        toast(t("report.photo_failed"), "error");
      }
    }
    await save();
    drawThumbs();
  });

  const error = h("p", { class: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", text: t("report.submit") });
  const form = h("form", { class: "card report", id: "report-form" },
    h("h1", { text: simple ? t("report.title_resident") : t("report.title_worker") }),
    simple
      ? h("label", { class: "field" }, h("span", { text: t("report.kind") }), kindSelect)
      : [h("label", { class: "field" }, h("span", { text: t("report.category") }), categorySelect),
        h("label", { class: "field" }, h("span", { text: t("report.subcategory") }), subcategorySelect),
        severityField],
    housingProject.field,
    peopleField,
    h("label", { class: "field" }, h("span", { text: t("report.case_title") }), title),
    h("label", { class: "field" }, h("span", { text: t("report.description") }), description),
    h("div", { class: "field" }, h("span", { text: t("report.position") }), mapEl,
      placeText,
      h("div", { class: "row" }, positionText, locateButton)),
    h("label", { class: "field" }, h("span", { text: t("report.address") }), address),
    h("div", { class: "field" }, h("span", { text: t("report.photos") }), thumbs,
      h("label", { class: "button small file" }, h("span", { text: t("report.add_photo") }), photoInput)),
    error,
    h("div", { class: "row" }, submit,
      h("button", { type: "button", class: "link", text: t("report.clear"), onclick: async () => {
        if (!confirm(t("report.clear_confirm"))) return;
        await kvDel(DRAFT_KEY);
        navigate("report");
      } })),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!draft.category) error.textContent = t("report.need_category");
    else if (!draft.title.trim()) error.textContent = t("report.need_title");
    else if (draft.lat === null) error.textContent = t("report.need_position");
    else if (draft.category === "petition" && !(Number.isInteger(draft.people_count) && draft.people_count >= 1 && draft.people_count <= 100000)) {
      error.textContent = t("report.need_people_count");
    }
    if (error.textContent) return;
    submit.disabled = true;
    const body = {
      client_id: draft.client_id, category: draft.category, title: draft.title.trim(),
      description: draft.description, ...sentPoint(draft),
    };
    if (draft.subcategory) body.subcategory = draft.subcategory;
    if (draft.address.trim()) body.address = draft.address.trim();
    if (draft.category === "safety" && draft.severity) body.severity = draft.severity;
    if (draft.category === "housing" && draft.housing_project) body.housing_project = draft.housing_project;
    if (draft.category === "petition") body.people_count = draft.people_count;
    // Into the outbox first, then the draft goes: a crash in between leaves both, never neither.
    await enqueue(body, draft.photos);
    await kvDel(DRAFT_KEY);
    toast(navigator.onLine ? t("report.sending") : t("report.saved_offline"), "ok");
    navigate(user.role === "worker" ? "tasks" : user.role === "resident" ? "mine" : "outbox");
  });

  root.append(h("section", { class: "report-page" }, form));
  drawThumbs();
  showPosition();
  housingProject.sync();
  syncPeople();

  map = createMap(mapEl, { zoom: 14 });
  const [grids, streets] = await Promise.all([loadGrids(), loadStreets()]);
  const mine = new Set(user.grids || []);
  L.geoJSON(grids, {
    interactive: false,
    style: (f) => ({ color: mine.has(f.properties.code) ? "#0b6e4f" : "#7a8a84", weight: mine.has(f.properties.code) ? 2 : 1, fillOpacity: mine.has(f.properties.code) ? 0.08 : 0 }),
  }).addTo(map);
  placeNames(map, { grids, streets });
  const myBounds = boundsOf(grids.features.filter((f) => mine.has(f.properties.code)));
  if (draft.lat !== null) placePin(true);
  else if (myBounds) map.fitBounds(myBounds);
  else if (grids.features.length) map.fitBounds(boundsOf(grids.features));
  // Tapping the map puts the pin there too (no GPS indoors, or a case across the street).
  map.on("click", (e) => {
    Object.assign(draft, { lat: e.latlng.lat, lon: e.latlng.lng, adjusted: true });
    save();
    showPosition();
    placePin(false);
  });
  if (draft.lat === null) locate();

  return () => {
    map.remove();
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}
