// The worker's task list ("dispatched to me, in my grids", overdue first) and the resident's
// "my reports"; both kept current by live events and marked where something changed unseen.
import { api, NetworkError, query } from "../api.js";
import { openStatuses } from "../data.js";
import { clear, h, latestFill } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { isUnseen, liveBus } from "../live.js";
import { itemTitle, outboxBus, outboxItems } from "../outbox.js";
import { kvGet, kvSet } from "../store.js";
import { emptyState, incidentCard } from "./common.js";

// A case as last saved with a list (the worker's tasks or the resident's reports), with when it
// was saved: what the case screen can show without signal.
export async function cachedCase(id) {
  for (const route of ["tasks", "mine"]) {
    const saved = await kvGet(`list:${route}`);
    const found = saved?.items.find((i) => String(i.id) === String(id));
    if (found) return { incident: found, at: saved.at };
  }
  return null;
}

// Overdue first, then what is mine to do, then the nearest deadline.
function taskOrder(me) {
  const rank = (i) => (i.overdue ? 0 : i.assignee === me ? 1 : 2);
  return (a, b) => rank(a) - rank(b) || (a.due_at || "9").localeCompare(b.due_at || "9");
}

export async function render(root, { route, user, navigate }) {
  const worker = route === "tasks";
  const cacheKey = `list:${route}`;
  let items = [];
  let onlyMine = false;
  let offlineSince = null;

  const listEl = h("ul", { class: "cases", id: "case-list" });
  const pending = h("ul", { class: "cases pending", id: "pending-list" });
  const note = h("p", { class: "hint" });
  const filter = worker
    ? h("label", { class: "toggle" },
      h("input", { type: "checkbox", onchange: (e) => { onlyMine = e.target.checked; draw(); } }),
      h("span", { text: t("tasks.only_mine") }))
    : null;

  root.append(h("section", { class: "list-page" },
    h("div", { class: "page-head" },
      h("h1", { text: worker ? t("tasks.title") : t("mine.title") }),
      filter,
      h("a", { class: "button primary small", href: "#/report", text: worker ? t("nav.report") : t("nav.report_resident") })),
    pending, note, listEl));

  function visible() {
    let shown = worker ? items.filter((i) => openStatuses().includes(i.status)) : items;
    if (onlyMine) shown = shown.filter((i) => i.assignee === user.username);
    return worker ? [...shown].sort(taskOrder(user.username)) : shown;
  }

  function draw() {
    clear(listEl);
    const shown = visible();
    if (!shown.length) listEl.append(emptyState(worker ? t("tasks.empty") : t("mine.empty")));
    for (const incident of shown) {
      listEl.append(incidentCard(incident, {
        unseen: isUnseen(incident.id) || incident._fresh, me: worker ? user.username : null,
        onClick: () => navigate(`incident/${incident.id}`),
      }));
    }
    note.textContent = offlineSince ? t("list.offline_copy", { when: formatDateTime(offlineSince) }) : "";
  }

  const drawPending = latestFill(pending, async () =>
    (await outboxItems()).map((item) =>
      h("li", { class: `case pending ${item.status}`, dataset: { clientId: item.client_id, title: itemTitle(item) }, onclick: () => navigate("outbox") },
        h("div", { class: "case-top" },
          h("span", { class: `chip ${item.status}`, text: t(`outbox.status_${item.status}`) })),
        h("div", { class: "case-title", text: itemTitle(item) }))));

  async function load() {
    const params = worker
      ? { status: openStatuses().join(","), page_size: 100 }
      : { page_size: 100 };
    try {
      const page = await api(`/incidents${query(params)}`);
      items = page.items;
      offlineSince = null;
      await kvSet(cacheKey, { at: new Date().toISOString(), items });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      const saved = await kvGet(cacheKey);
      items = saved?.items || [];
      offlineSince = saved?.at || new Date().toISOString();
    }
    draw();
  }

  // A live change: update the case in place (or add it), without a reload.
  function onIncident(event) {
    const incident = { ...event.detail.incident, _fresh: true };
    const index = items.findIndex((i) => String(i.id) === String(incident.id));
    if (index >= 0) items[index] = incident;
    else if (!worker || openStatuses().includes(incident.status)) items.unshift(incident);
    if (!worker) items.sort((a, b) => b.created_at.localeCompare(a.created_at));
    kvSet(cacheKey, { at: new Date().toISOString(), items });
    draw();
  }
  function onOutbox(event) {
    drawPending();
    if (event.detail.sent) load();
  }

  liveBus.addEventListener("incident", onIncident);
  outboxBus.addEventListener("change", onOutbox);
  await Promise.all([drawPending(), load()]);
  return () => {
    liveBus.removeEventListener("incident", onIncident);
    outboxBus.removeEventListener("change", onOutbox);
  };
}
