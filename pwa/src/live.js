// Live case changes from /ws/events. A dropped socket reconnects with exponential backoff and
// `after=<last seq>`, so the server replays what was missed; changes that arrive while the
// user looks elsewhere are remembered as "unseen" (a badge on return; no Web Push needed).
import { getToken } from "./api.js";
import { kvGet, kvSet } from "./store.js";

export const liveBus = new EventTarget();
let socket = null;
let stopped = true;
let attempt = 0;
let timer = null;
let lastSeq = null;
let unseen = new Set();
let watching = () => false; // whether the user is looking at the changed cases right now

export const unseenCount = () => unseen.size;
export const isUnseen = (id) => unseen.has(String(id));

export async function startLive({ isWatching } = {}) {
  stopLive();
  stopped = false;
  watching = isWatching || (() => false);
  lastSeq = (await kvGet("seq")) ?? null;
  unseen = new Set((await kvGet("unseen")) || []);
  emit("unseen");
  connect();
}

export function stopLive() {
  stopped = true;
  clearTimeout(timer);
  if (socket) {
    socket.onclose = null;
    socket.close();
    socket = null;
  }
  emit("status", { connected: false });
}

export function markSeen() {
  if (!unseen.size) return;
  unseen.clear();
  kvSet("unseen", []);
  emit("unseen");
}

function emit(type, detail = {}) {
  liveBus.dispatchEvent(new CustomEvent(type, { detail }));
}

function connect() {
  const token = getToken();
  if (stopped || !token) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let url = `${scheme}://${location.host}/ws/events?token=${encodeURIComponent(token)}`;
  if (lastSeq !== null) url += `&after=${lastSeq}`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onmessage = (message) => handle(JSON.parse(message.data));
  ws.onclose = (event) => {
    if (socket !== ws) return;
    socket = null;
    emit("status", { connected: false });
    // 4401: the token is no good; reconnecting would only be refused again.
    if (event.code === 4401) {
      emit("unauthorized");
      return;
    }
    schedule();
  };
}

function schedule() {
  if (stopped) return;
  clearTimeout(timer);
  const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);
  attempt += 1;
  timer = setTimeout(connect, navigator.onLine === false ? Math.max(delay, 5000) : delay);
}

// Back online: try at once instead of waiting out the backoff.
window.addEventListener("online", () => {
  if (!stopped && !socket) {
    attempt = 0;
    clearTimeout(timer);
    connect();
  }
});

async function handle(message) {
  if (message.type === "hello") {
    attempt = 0;
    emit("status", { connected: true });
    if (lastSeq === null) {
      lastSeq = message.seq;
      await kvSet("seq", lastSeq);
    }
    return;
  }
  if (typeof message.seq === "number") {
    if (lastSeq !== null && message.seq <= lastSeq) return;
    lastSeq = message.seq;
    kvSet("seq", lastSeq);
  }
  if (!message.type?.startsWith("incident.") || !message.incident) return; // unknown types: ignore
  if (!(watching() && document.visibilityState === "visible")) {
    unseen.add(String(message.incident.id));
    kvSet("unseen", [...unseen]);
    emit("unseen");
  }
  emit("incident", message);
}
