// 保交楼: the projects the caller follows, at risk first, in the server's order and with its
// figures (at_risk, days_late, open_cases); a project's progress records (never overwritten),
// delivered against planned units and linked cases; and a new progress record with photos that
// goes through the outbox, so it is kept offline and sent once. Whether the tab shows is the
// server's answer too: it appears when the caller follows at least one project.
import { api, ApiError, NetworkError, photoObjectUrl } from "../api.js";
import { gridName, loadGrids } from "../data.js";
import { clear, h, latestFill, toast } from "../dom.js";
import { formatDate, formatDateTime, formatNumber, t } from "../i18n.js";
import { enqueue, itemTitle, outboxBus, outboxItems } from "../outbox.js";
import { compressPhoto } from "../photos.js";
import { kvDel, kvGet, kvSet } from "../store.js";
import { statusChip } from "./common.js";

const FOLLOWED_KEY = "housing:followed";
const CHOICES_KEY = "housing:choices";
const ALL_KEY = "housing:all";
let followedCount = 0;

export const housingTabShown = () => followedCount > 0;

async function fetchFollowed() {
  const saved = { at: new Date().toISOString(), items: await api("/housing-projects?followed=true&order=risk") };
  await kvSet(FOLLOWED_KEY, saved);
  followedCount = saved.items.length;
  return saved;
}

// At start and after sign-in: the saved answer at once (offline too), then the server's.
export async function loadHousingAccess() {
  followedCount = (await kvGet(FOLLOWED_KEY))?.items.length || 0;
  try {
    await fetchFollowed();
  } catch {
    // No signal: the saved answer stands.
  }
  return housingTabShown();
}

// Every project by name (everyone signed in may list them), for linking a case to its project;
// the saved copy without signal.
export async function allProjects() {
  try {
    const items = await api("/housing-projects");
    await kvSet(ALL_KEY, items);
    return items;
  } catch {
    return (await kvGet(ALL_KEY)) || [];
  }
}

async function choices() {
  try {
    const fresh = await api("/housing-projects/choices");
    await kvSet(CHOICES_KEY, fresh);
    return fresh;
  } catch {
    return (await kvGet(CHOICES_KEY)) || null;
  }
}

export async function render(root, context) {
  await loadGrids();
  return context.params[0] ? renderProject(root, context.params[0], context) : renderList(root, context);
}

function tappable(onClick) {
  return { tabindex: "0", role: "link", onclick: onClick, onkeydown: (e) => e.key === "Enter" && onClick() };
}

function riskChip(project) {
  return h("span", { class: `chip risk-${project.risk_level}`, text: t(`housing.risk_${project.risk_level}`) });
}

function lateChip(project) {
  return project.days_late > 0
    ? h("span", { class: "chip overdue", text: t("housing.days_late", { n: formatNumber(project.days_late) }) })
    : null;
}

function unitsLine(project) {
  return h("div", { class: "units" },
    h("progress", { max: project.total_units, value: project.delivered_units, "aria-hidden": "true" }),
    h("span", { class: "units-text", text: t("housing.units", {
      delivered: formatNumber(project.delivered_units), total: formatNumber(project.total_units) }) }));
}

function projectCard(project, onClick) {
  return h("li", { class: `project${project.at_risk ? " at-risk" : ""}`, dataset: { id: String(project.id), name: project.name, atRisk: String(project.at_risk) }, ...tappable(onClick) },
    h("div", { class: "case-top" }, riskChip(project), lateChip(project),
      project.open_cases ? h("span", { class: "chip cases", text: t("housing.open_cases", { n: formatNumber(project.open_cases) }) }) : null,
      h("span", { class: "number", text: t("housing.progress", { p: formatNumber(project.progress_percent) }) })),
    h("div", { class: "case-title", text: project.name }),
    h("div", { class: "case-meta" }, h("span", { text: project.developer }),
      project.grid ? h("span", { text: gridName(project.grid) }) : null,
      h("span", { text: t(`housing.funding_${project.funding_status}`) })),
    unitsLine(project));
}

async function renderList(root, { navigate }) {
  const list = h("ul", { class: "projects", id: "housing-list" });
  const note = h("p", { class: "hint" });
  const summary = h("p", { class: "hint", id: "housing-summary" });
  root.append(h("section", { class: "housing-page" },
    h("div", { class: "page-head" }, h("h1", { text: t("housing.title") })), summary, note, list));
  let saved;
  try {
    saved = await fetchFollowed();
  } catch (error) {
    saved = error instanceof NetworkError ? await kvGet(FOLLOWED_KEY) : null;
    note.textContent = saved ? t("list.offline_copy", { when: formatDateTime(saved.at) })
      : error instanceof ApiError ? error.detail : t("net.unreachable");
  }
  const items = saved?.items || [];
  summary.textContent = t("housing.summary", { n: formatNumber(items.length), risk: formatNumber(items.filter((p) => p.at_risk).length) });
  if (!items.length) list.append(h("li", { class: "empty", text: t("housing.empty") }));
  for (const project of items) list.append(projectCard(project, () => navigate(`housing/${project.id}`)));
}

async function renderProject(root, id, { navigate }) {
  const container = h("section", { class: "housing-page project-page" });
  root.append(container);
  const key = `housing:project:${id}`;
  const urls = [];
  let project = null;
  let savedAt = null;
  let error = null;

  async function load() {
    try {
      project = await api(`/housing-projects/${encodeURIComponent(id)}`);
      savedAt = null;
      await kvSet(key, { at: new Date().toISOString(), project });
    } catch (failure) {
      // Without signal on site: the copy saved when the project was last opened.
      const saved = failure instanceof NetworkError ? await kvGet(key) : null;
      if (saved) ({ project, at: savedAt } = saved);
      else error = failure instanceof ApiError ? failure.detail : t("housing.not_cached");
    }
  }

  const back = () => navigate("housing");
  const pending = h("ul", { class: "cases pending", id: "housing-pending" });
  const drawPending = latestFill(pending, async () =>
    (await outboxItems()).filter((item) => item.kind === "housing_update" && String(item.project_id) === String(project?.id))
      .map((item) => h("li", { class: `case pending ${item.status}`, dataset: { clientId: item.client_id, status: item.status }, onclick: () => navigate("outbox") },
        h("div", { class: "case-top" }, h("span", { class: `chip ${item.status}`, text: t(`outbox.status_${item.status}`) })),
        h("div", { class: "case-title", text: itemTitle(item) }))));
  const formSlot = h("div", { id: "housing-form-slot" });

  function fact(label, value) {
    return value === null || value === undefined || value === "" ? null : [h("dt", { text: label }), h("dd", { text: value })];
  }

  function draw() {
    clear(container);
    const backButton = h("button", { type: "button", class: "link back", text: `‹ ${t("housing.back")}`, onclick: back });
    if (!project) {
      container.append(h("article", { class: "card" }, backButton, h("p", { class: "form-error", text: error })));
      return;
    }
    const shown = project.figures_visible;
    const revised = project.revised_delivery && project.revised_delivery !== project.planned_delivery ? formatDate(project.revised_delivery) : null;
    container.append(h("article", { class: "card project", dataset: { id: String(project.id) } },
      backButton,
      savedAt ? h("p", { class: "hint offline-copy", text: t("housing.offline_copy", { when: formatDateTime(savedAt) }) }) : null,
      shown ? h("div", { class: "case-top" }, riskChip(project), lateChip(project),
        h("span", { class: "chip", text: t(`housing.funding_${project.funding_status}`) })) : null,
      h("h1", { text: project.name }),
      h("dl", { class: "facts" },
        fact(t("housing.developer"), project.developer),
        fact(t("case.grid"), project.grid ? `${gridName(project.grid)} (${project.grid})` : t("case.no_grid")),
        fact(t("housing.officer"), project.responsible_officer_display_name || project.responsible_officer),
        fact(t("housing.planned_delivery"), formatDate(project.planned_delivery)),
        fact(t("housing.revised_delivery"), revised),
        shown ? fact(t("housing.days_late_label"), project.days_late > 0 ? t("housing.days_late", { n: formatNumber(project.days_late) }) : t("housing.on_time")) : null,
        shown ? fact(t("housing.progress_label"), `${formatNumber(project.progress_percent)}%`) : null,
        fact(t("housing.last_update"), formatDateTime(project.last_update_at))),
      shown ? h("section", { class: "delivery", id: "housing-delivery" },
        h("h2", { text: t("housing.delivery") }),
        h("div", { class: "counts" },
          h("div", { class: "count" }, h("b", { id: "units-delivered", text: formatNumber(project.delivered_units) }), h("span", { text: t("housing.delivered_units") })),
          h("div", { class: "count" }, h("b", { id: "units-planned", text: formatNumber(project.total_units) }), h("span", { text: t("housing.planned_units") })),
          h("div", { class: `count${project.days_late > 0 ? " overdue" : ""}` }, h("b", { id: "days-late", text: formatNumber(project.days_late) }), h("span", { text: t("housing.days_late_label") }))),
        unitsLine(project)) : null,
      project.may_record_progress
        ? h("div", { class: "actions" }, h("button", { type: "button", class: "primary", id: "housing-add-update", text: t("housing.add_update"), onclick: openForm }))
        : null,
      formSlot,
      project.cases ? casesSection() : null,
      project.history ? historySection() : null));
    drawPending();
  }

  function casesSection() {
    return h("section", { id: "housing-cases" },
      h("h2", { text: t("housing.cases", { n: formatNumber(project.cases.length) }) }),
      h("ul", { class: "cases" },
        project.cases.length ? project.cases.map((c) => h("li", { class: `case${c.overdue ? " is-overdue" : ""}`, dataset: { id: String(c.id), title: c.title }, ...tappable(() => navigate(`incident/${c.id}`)) },
          h("div", { class: "case-top" }, statusChip(c.status),
            c.overdue ? h("span", { class: "chip overdue", text: t("case.overdue") }) : null,
            h("span", { class: "number", text: c.number })),
          h("div", { class: "case-title", text: c.title }),
          h("div", { class: "case-meta" }, h("span", { text: formatDateTime(c.created_at) }))))
          : h("li", { class: "empty", text: t("housing.no_cases") })));
  }

  function historySection() {
    const newestFirst = [...project.history].reverse();
    return h("section", { id: "housing-history" },
      h("h2", { text: t("housing.history") }),
      pending,
      h("ol", { class: "timeline" }, newestFirst.map((u) => {
        const photos = h("div", { class: "thumbs" });
        for (const url of u.photos) {
          const img = h("img", { alt: t("case.photo"), loading: "lazy" });
          photos.append(h("figure", { class: "thumb" }, img));
          photoObjectUrl(url).then((objectUrl) => { urls.push(objectUrl); img.src = objectUrl; }).catch(() => {});
        }
        return h("li", { class: "progress-record", dataset: { id: String(u.id) } },
          h("div", { class: "when", text: `${formatDateTime(u.at)} · ${u.author_display_name || u.author || "–"}` }),
          h("div", { class: "what" },
            h("strong", { text: t("housing.progress", { p: formatNumber(u.progress_percent) }) }),
            h("span", { text: ` · ${t("housing.delivered_n", { n: formatNumber(u.delivered_units) })}` }),
            u.revised_delivery ? h("span", { text: ` · ${t("housing.revised_to", { date: formatDate(u.revised_delivery) })}` }) : null),
          h("div", { class: "case-top" },
            h("span", { class: `chip risk-${u.risk_level}`, text: t(`housing.risk_${u.risk_level}`) }),
            h("span", { class: "chip", text: t(`housing.funding_${u.funding_status}`) })),
          u.note ? h("div", { class: "note", text: u.note }) : null,
          u.photos.length ? photos : null);
      })));
  }

  // What is typed is kept per project in IndexedDB, photos included, until it is saved or
  // cancelled: a reload or a closed app loses nothing, as with the report form.
  const draftKey = `housing:draft:${id}`;

  async function openForm() {
    const options = (await choices()) || { risk_level: [project.risk_level], funding_status: [project.funding_status] };
    const draft = (await kvGet(draftKey)) || {
      progress_percent: String(project.progress_percent), delivered_units: String(project.delivered_units),
      revised_delivery: project.revised_delivery || "", funding_status: project.funding_status,
      risk_level: project.risk_level, note: "", photos: [],
    };
    const photos = draft.photos;
    const number = (name, max) => h("input", { type: "number", name, inputmode: "numeric", min: "0", max, step: "1", required: true });
    const percent = number("progress_percent", "100");
    const delivered = number("delivered_units", null);
    const revised = h("input", { type: "date", name: "revised_delivery" });
    const select = (name, codes, prefix) => h("select", { name }, codes.map((code) => h("option", { value: code, text: t(`${prefix}${code}`) })));
    const funding = select("funding_status", options.funding_status, "housing.funding_");
    const risk = select("risk_level", options.risk_level, "housing.risk_");
    const note = h("textarea", { name: "note", rows: 3, maxlength: 5000 });
    const inputs = [percent, delivered, revised, funding, risk, note];
    for (const input of inputs) {
      input.value = draft[input.name];
      input.addEventListener("input", () => { draft[input.name] = input.value; kvSet(draftKey, draft); });
    }
    const thumbs = h("div", { class: "thumbs" });
    const photoInput = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, name: "photos", id: "housing-photo-input" });
    const drawThumbs = () => clear(thumbs).append(...photos.map((blob, index) => {
      const url = URL.createObjectURL(blob);
      urls.push(url);
      return h("figure", { class: "thumb" }, h("img", { src: url, alt: t("report.photo_n", { n: index + 1 }) }),
        h("button", { type: "button", class: "remove", "aria-label": t("report.remove_photo"), text: "×",
          onclick: () => { photos.splice(index, 1); kvSet(draftKey, draft); drawThumbs(); } }));
    }));
    photoInput.addEventListener("change", async () => {
      const files = [...photoInput.files];
      photoInput.value = "";
      for (const file of files) {
        try {
          photos.push(await compressPhoto(file));
        } catch {
          toast(t("report.photo_failed"), "error");
        }
      }
      await kvSet(draftKey, draft);
      drawThumbs();
    });
    const formError = h("p", { class: "form-error", role: "alert" });
    const form = h("form", { class: "card inline-form", id: "housing-update-form" },
      h("h3", { text: t("housing.add_update") }),
      h("div", { class: "two" },
        h("label", { class: "field" }, h("span", { text: t("housing.progress_label") }), percent),
        h("label", { class: "field" }, h("span", { text: t("housing.delivered_units_of", { total: formatNumber(project.total_units) }) }), delivered)),
      h("label", { class: "field" }, h("span", { text: t("housing.revised_delivery_optional") }), revised),
      h("div", { class: "two" },
        h("label", { class: "field" }, h("span", { text: t("housing.funding") }), funding),
        h("label", { class: "field" }, h("span", { text: t("housing.risk") }), risk)),
      h("label", { class: "field" }, h("span", { text: t("housing.note") }), note),
      h("div", { class: "field" }, h("span", { text: t("report.photos") }), thumbs,
        h("label", { class: "button file" }, h("span", { text: t("report.add_photo") }), photoInput)),
      formError,
      h("div", { class: "row" },
        h("button", { type: "submit", class: "primary", text: t("housing.save_update") }),
        h("button", { type: "button", class: "link", text: t("case.cancel"), onclick: async () => {
          await kvDel(draftKey);
          clear(formSlot);
        } })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const whole = (input) => (input.value.trim() !== "" && Number.isInteger(Number(input.value)) ? Number(input.value) : null);
      if (whole(percent) === null || whole(delivered) === null) {
        formError.textContent = t("housing.need_numbers");
        return;
      }
      const body = {
        client_id: crypto.randomUUID(), progress_percent: whole(percent), delivered_units: whole(delivered),
        funding_status: funding.value, risk_level: risk.value, note: note.value.trim(),
      };
      if (revised.value) body.revised_delivery = revised.value;
      // Into the outbox: sent now with signal, later without, once either way.
      await enqueue(body, photos, {
        kind: "housing_update", project_id: project.id,
        title: t("housing.update_title", { name: project.name, p: formatNumber(body.progress_percent) }),
      });
      // After the outbox has it: a crash in between leaves both, never neither.
      await kvDel(draftKey);
      clear(formSlot);
      toast(navigator.onLine ? t("report.sending") : t("report.saved_offline"), "ok");
    });
    clear(formSlot).append(form);
    drawThumbs();
    percent.focus();
  }

  async function onOutbox(event) {
    const sent = event.detail.sent;
    if (sent?.kind === "housing_update" && String(sent.project_id) === String(project?.id)) {
      // The new record joins the history; an open form moves along with its slot.
      await load();
      draw();
      return;
    }
    drawPending();
  }

  await load();
  draw();
  if (project?.may_record_progress && (await kvGet(draftKey))) await openForm();
  outboxBus.addEventListener("change", onOutbox);
  return () => {
    outboxBus.removeEventListener("change", onOutbox);
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}

// The report form's "which project" select, shown while the case's category is housing: every
// project by name, as the server lists them for linking a complaint to its project.
export function projectPicker(draft, save) {
  const select = h("select", { name: "housing_project", id: "housing-project-select" },
    h("option", { value: "", text: t("housing.no_project") }));
  const field = h("label", { class: "field", hidden: true }, h("span", { text: t("housing.project_for_case") }), select);
  select.addEventListener("change", () => {
    draft.housing_project = select.value;
    save();
  });
  let loaded = false;
  async function sync() {
    field.hidden = draft.category !== "housing";
    if (field.hidden || loaded) return;
    loaded = true;
    for (const project of await allProjects()) select.append(h("option", { value: String(project.id), text: project.name }));
    select.value = draft.housing_project || "";
  }
  return { field, sync };
}
