// The outbox: reports and housing progress records wait here, in IndexedDB, until the server
// has them, photos included. Our own queue, not Background Sync (Safari has none; Workbox's
// drops requests after 7 days). Every attempt re-sends the same client_id, so the server makes
// one record however often a cut-off request is retried (201 first, 200 after). Sent on
// `online`, at app start and on a timer with backoff.
import { api, ApiError, getToken } from "./api.js";
import { db } from "./store.js";

export const outboxBus = new EventTarget();
const RETRY_MAX_MS = 5 * 60 * 1000;
let running = null;
let timer = null;

function changed(detail = {}) {
  outboxBus.dispatchEvent(new CustomEvent("change", { detail }));
}

export async function outboxItems() {
  const items = await (await db()).getAll("outbox");
  return items.sort((a, b) => a.created_at - b.created_at);
}

export async function unsentCount() {
  return (await db()).count("outbox");
}

async function save(item) {
  await (await db()).put("outbox", item);
  changed();
}

// What each kind of item creates on the server, where its photos go, and how many photos the
// server already holds for it. Items saved before kinds existed are reports.
const KINDS = {
  incident: {
    async create(item) {
      const incident = await api("/incidents", { method: "POST", json: item.body });
      Object.assign(item, { incident_id: incident.id, number: incident.number });
    },
    created: (item) => item.incident_id,
    photoPath: (item) => `/incidents/${item.incident_id}/photos`,
    storedPhotos: async (item) => (await api(`/incidents/${item.incident_id}`)).photos.length,
    sentMessage: "outbox.sent_toast",
  },
  housing_update: {
    async create(item) {
      const update = await api(`/housing-projects/${item.project_id}/updates`, { method: "POST", json: item.body });
      item.update_id = update.id;
    },
    created: (item) => item.update_id,
    photoPath: (item) => `/housing-projects/${item.project_id}/updates/${item.update_id}/photos`,
    async storedPhotos(item) {
      const project = await api(`/housing-projects/${item.project_id}`);
      const update = (project.history || []).find((u) => String(u.id) === String(item.update_id));
      return update ? update.photos.length : 0;
    },
    sentMessage: "housing.update_sent",
  },
};
const kindOf = (item) => KINDS[item.kind || "incident"];

// How an item is named in the outbox and the pending lists.
export const itemTitle = (item) => item.title || item.body.title;

// A new item: stored first, sent after, so nothing is lost if sending fails or the app dies.
// `extra` names another kind than a report: {kind, title, project_id}.
export async function enqueue(body, photoBlobs, extra = {}) {
  const item = {
    ...extra,
    client_id: body.client_id,
    body,
    photos: photoBlobs.map((blob, n) => ({ n, blob, uploaded: false, uncertain: false })),
    status: "waiting",
    error: null,
    incident_id: null,
    number: null,
    attempts: 0,
    next_try: 0,
    created_at: Date.now(),
  };
  await save(item);
  flushOutbox();
  return item;
}

export async function retry(clientId) {
  const item = await (await db()).get("outbox", clientId);
  if (!item) return;
  Object.assign(item, { status: "waiting", error: null, attempts: 0, next_try: 0 });
  await save(item);
  flushOutbox();
}

export async function discard(clientId) {
  await (await db()).delete("outbox", clientId);
  changed();
}

// One flush at a time per tab, and one per device across tabs (Web Locks), so two tabs never
// upload the same photo twice.
export function flushOutbox() {
  if (!running) {
    running = (navigator.locks ? navigator.locks.request("gridgov-outbox", run) : run()).finally(() => {
      running = null;
    });
  }
  return running;
}

async function run() {
  clearTimeout(timer);
  if (!getToken()) return;
  for (const item of await outboxItems()) {
    if (item.status === "failed" || item.next_try > Date.now()) continue;
    await send(item);
  }
  const waiting = (await outboxItems()).filter((item) => item.status === "waiting");
  if (waiting.length) {
    const next = Math.min(...waiting.map((item) => item.next_try));
    timer = setTimeout(flushOutbox, Math.max(1000, next - Date.now()));
  }
}

async function send(item) {
  const kind = kindOf(item);
  try {
    if (!kind.created(item)) {
      await kind.create(item);
      await save(item);
    }
    for (const photo of item.photos) {
      if (photo.uploaded) continue;
      if (photo.uncertain && (await alreadyStored(item))) {
        Object.assign(photo, { uploaded: true, uncertain: false, blob: null });
        await save(item);
        continue;
      }
      // Marked before the upload: if the answer never comes, the next attempt first asks the
      // server whether the photo arrived instead of sending a second copy.
      photo.uncertain = true;
      await save(item);
      const form = new FormData();
      form.append("file", photo.blob, `photo-${photo.n + 1}.jpg`);
      try {
        await api(kind.photoPath(item), { method: "POST", body: form });
      } catch (error) {
        if (error instanceof ApiError) photo.uncertain = false; // answered: it did not arrive
        throw error;
      }
      Object.assign(photo, { uploaded: true, uncertain: false, blob: null });
      await save(item);
    }
    await (await db()).delete("outbox", item.client_id);
    changed({
      sent: {
        client_id: item.client_id, kind: item.kind || "incident", id: kind.created(item),
        number: item.number, project_id: item.project_id, message: kind.sentMessage,
      },
    });
  } catch (error) {
    const permanent =
      error instanceof ApiError && error.status >= 400 && error.status < 500 &&
      ![401, 408, 429].includes(error.status);
    if (permanent) {
      Object.assign(item, { status: "failed", error: error.detail });
    } else {
      item.attempts += 1;
      item.error = error instanceof ApiError ? error.detail : null;
      item.next_try = Date.now() + Math.min(RETRY_MAX_MS, 5000 * 2 ** (item.attempts - 1));
    }
    await save(item);
  }
}

// How many of this item's photos the server holds, against how many we know we sent.
async function alreadyStored(item) {
  const confirmed = item.photos.filter((photo) => photo.uploaded).length;
  return (await kindOf(item).storedPhotos(item)) > confirmed;
}

window.addEventListener("online", () => {
  // Signal is back: everything waiting goes now, not after its backoff.
  outboxItems().then(async (items) => {
    for (const item of items.filter((i) => i.status === "waiting" && i.next_try)) {
      item.next_try = 0;
      await save(item);
    }
    flushOutbox();
  });
});
setInterval(() => flushOutbox(), 60 * 1000);
