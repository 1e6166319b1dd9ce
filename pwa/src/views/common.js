// Pieces several views share: a case card, a status chip.
import { categoryName, gridName, openStatuses, subcategoryName } from "../data.js";
import { h } from "../dom.js";
import { formatDateTime, formatRelative, t } from "../i18n.js";

export function statusChip(status) {
  return h("span", { class: `chip status-${status}`, text: t(`status.${status}`) });
}

export function incidentCard(incident, { unseen = false, me = null, onClick } = {}) {
  const due = incident.due_at && openStatuses().includes(incident.status)
    ? h("span", { class: incident.overdue ? "due overdue" : "due",
      text: incident.overdue ? t("case.overdue_since", { when: formatRelative(incident.due_at) })
        : t("case.due", { when: formatDateTime(incident.due_at) }) })
    : null;
  return h("li", {
    class: `case${incident.overdue ? " is-overdue" : ""}${unseen ? " is-unseen" : ""}`,
    dataset: { id: String(incident.id), title: incident.title },
    onclick: onClick,
    tabindex: "0",
  },
    h("div", { class: "case-top" },
      statusChip(incident.status),
      me && incident.assignee === me ? h("span", { class: "chip mine", text: t("case.assigned_to_me") }) : null,
      unseen ? h("span", { class: "chip new", text: t("case.new") }) : null,
      h("span", { class: "number", text: incident.number })),
    h("div", { class: "case-title", text: incident.title }),
    h("div", { class: "case-meta" },
      h("span", { text: [categoryName(incident.category), subcategoryName(incident.subcategory)].filter(Boolean).join(" · ") }),
      incident.grid ? h("span", { text: incident.grid_name || gridName(incident.grid) }) : null,
      due),
  );
}

export function emptyState(text) {
  return h("li", { class: "empty", text });
}

// A day picked in a date input, as the start or end of that day with the phone's offset.
export function dayBound(day, end = false) {
  if (!day) return "";
  const local = `${day}T${end ? "23:59:59" : "00:00:00"}`;
  const offset = -new Date(local).getTimezoneOffset();
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${local}${offset >= 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
}
