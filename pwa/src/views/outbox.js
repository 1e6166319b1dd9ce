// What waits to be sent and what the server refused, with retry and discard.
import { h, latestFill } from "../dom.js";
import { formatDateTime, t } from "../i18n.js";
import { discard, flushOutbox, itemTitle, outboxBus, outboxItems, retry } from "../outbox.js";

export async function render(root) {
  const list = h("ul", { class: "cases", id: "outbox-list" });
  root.append(h("section", { class: "outbox-page" },
    h("div", { class: "page-head" }, h("h1", { text: t("outbox.title") }),
      h("button", { type: "button", class: "small", text: t("outbox.send_now"), onclick: () => flushOutbox() })),
    h("p", { class: "hint", text: t("outbox.explain") }), list));

  const draw = latestFill(list, async () => {
    const items = await outboxItems();
    if (!items.length) return [h("li", { class: "empty", text: t("outbox.empty") })];
    return items.map((item) => {
      const sentPhotos = item.photos.filter((p) => p.uploaded).length;
      return h("li", { class: `case outbox-item ${item.status}`, dataset: { clientId: item.client_id, status: item.status, title: itemTitle(item) } },
        h("div", { class: "case-top" },
          h("span", { class: `chip ${item.status}`, text: t(`outbox.status_${item.status}`) }),
          item.number ? h("span", { class: "number", text: item.number } ) : null),
        h("div", { class: "case-title", text: itemTitle(item) }),
        h("div", { class: "case-meta" },
          h("span", { text: formatDateTime(item.created_at) }),
          item.photos.length ? h("span", { text: t("outbox.photos", { sent: sentPhotos, total: item.photos.length }) }) : null,
          item.attempts ? h("span", { text: t("outbox.attempts", { n: item.attempts }) }) : null),
        item.error ? h("p", { class: "form-error", text: item.error }) : null,
        h("div", { class: "row" },
          h("button", { type: "button", class: "small", text: t("outbox.retry"), onclick: () => retry(item.client_id) }),
          item.status === "failed"
            ? h("button", { type: "button", class: "small danger", text: t("outbox.discard"), onclick: () => {
              if (confirm(t("outbox.discard_confirm"))) discard(item.client_id);
            } })
            : null));
    });
  });
  outboxBus.addEventListener("change", draw);
  await draw();
  return () => outboxBus.removeEventListener("change", draw);
}
