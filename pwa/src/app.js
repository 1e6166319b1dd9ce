// The app shell: boot, hash routes per role, the top bar, tabs with badges, and the service
// worker's update flow.
import { whenUnauthorized } from "./api.js";
import { loadCategories, loadGrids, loadStatuses, loadStreets } from "./data.js";
import { clear, h, latestFill, toast } from "./dom.js";
import { initI18n, LANGUAGES, language, setLanguage, t } from "./i18n.js";
import { liveBus, markSeen, startLive, stopLive, unseenCount } from "./live.js";
import { loadMapConfig } from "./map.js";
import { flushOutbox, outboxBus, unsentCount } from "./outbox.js";
import { currentUser, dropSession, restoreSession, signOut } from "./session.js";
import * as housingView from "./views/housing.js";
import { housingTabShown, loadHousingAccess } from "./views/housing.js";
import * as incidentView from "./views/incident.js";
import * as listView from "./views/list.js";
import * as loginView from "./views/login.js";
import * as outboxView from "./views/outbox.js";
import * as reportView from "./views/report.js";
import * as supervisorView from "./views/supervisor.js";
import * as workerMapView from "./views/workermap.js";

const ROUTES = {
  login: { view: loginView, public: true },
  register: { view: loginView, public: true },
  tasks: { view: listView, roles: ["worker"], live: true },
  mine: { view: listView, roles: ["resident"], live: true },
  map: { view: workerMapView, roles: ["worker"] },
  report: { view: reportView, roles: ["worker", "resident", "supervisor", "admin"] },
  outbox: { view: outboxView },
  incident: { view: incidentView },
  sup: { view: supervisorView, roles: ["supervisor", "admin"], live: true, wide: true },
  grids: { view: supervisorView, roles: ["supervisor", "admin"], wide: true },
  // Open to everyone signed in, as the API is; the tab shows only to those following a project.
  housing: { view: housingView },
};

const TABS = {
  worker: [["tasks", "nav.tasks"], ["map", "nav.my_grid"], ["report", "nav.report"], ["outbox", "nav.outbox"]],
  resident: [["mine", "nav.mine"], ["report", "nav.report_resident"], ["outbox", "nav.outbox"]],
  supervisor: [["sup", "nav.command_map"], ["grids", "nav.grid_table"], ["outbox", "nav.outbox"]],
};
TABS.admin = TABS.supervisor;

const HOME = { worker: "tasks", resident: "mine", supervisor: "sup", admin: "sup" };

let cleanup = null;
let currentRoute = null;
let rendering = 0;

function parseHash() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { name: name || "", params: rest.map(decodeURIComponent) };
}

export function navigate(path) {
  if (location.hash === `#/${path}`) render();
  else location.hash = `#/${path}`;
}

async function render() {
  const ticket = ++rendering;
  const user = currentUser();
  let { name, params } = parseHash();
  if (!user && !ROUTES[name]?.public) name = "login";
  if (user && (!ROUTES[name] || ROUTES[name].public)) name = HOME[user.role] || "outbox";
  const route = ROUTES[name];
  if (user && route.roles && !route.roles.includes(user.role)) name = HOME[user.role];
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* a view's cleanup must not block the next view */
    }
    cleanup = null;
  }
  currentRoute = name;
  document.body.classList.toggle("wide", Boolean(ROUTES[name].wide));
  document.body.dataset.route = name;
  renderChrome();
  const root = clear(document.getElementById("view"));
  if (ROUTES[name].live) markSeen();
  const result = await ROUTES[name].view.render(root, { route: name, params, user, navigate, rerender: render, signedIn: afterSignIn });
  if (ticket !== rendering) {
    if (typeof result === "function") result();
    return;
  }
  cleanup = typeof result === "function" ? result : null;
}

function renderChrome() {
  const user = currentUser();
  document.title = t("app.title");
  document.getElementById("brand").textContent = t("app.name");
  const lang = document.getElementById("lang");
  if (!lang.options.length) {
    for (const [code, label] of Object.entries(LANGUAGES)) lang.append(h("option", { value: code, text: label }));
  }
  lang.value = language();
  const signout = document.getElementById("signout");
  signout.hidden = !user;
  signout.textContent = t("auth.sign_out");
  document.getElementById("update-button").textContent = t("update.available");
  renderNet();
  renderTabs();
}

const fillTabs = latestFill(document.getElementById("tabs"), async () => {
  const user = currentUser();
  if (!user) return [];
  const unsent = await unsentCount();
  // Read after the await: the route or the user may have changed meanwhile.
  const tabs = [...(TABS[currentUser()?.role] || [])];
  // 保交楼 goes before the outbox, when the server says the user follows a project.
  if (housingTabShown()) tabs.splice(Math.max(0, tabs.length - 1), 0, ["housing", "nav.housing"]);
  return tabs.map(([name, key]) => {
    let badge = 0;
    if (ROUTES[name].live && name !== "sup") badge = unseenCount();
    if (name === "outbox") badge = unsent;
    return h("a", { href: `#/${name}`, class: name === currentRoute ? "active" : "", dataset: { tab: name } },
      h("span", { text: t(key) }),
      badge ? h("span", { class: `badge${name === "outbox" ? " waiting" : ""}`, text: String(badge) }) : null);
  });
});

function renderTabs() {
  document.getElementById("tabs").hidden = !currentUser();
  return fillTabs();
}

function renderNet() {
  const net = document.getElementById("net");
  const online = navigator.onLine;
  net.textContent = online ? "" : t("net.offline");
  net.className = `net ${online ? "online" : "offline"}`;
}

async function onSignOutClick() {
  const unsent = await unsentCount();
  const question = unsent ? t("auth.sign_out_unsent", { n: unsent }) : t("auth.sign_out_confirm");
  if (!confirm(question)) return;
  stopLive();
  await signOut();
  navigate("login");
}

// Called once signed in (or restored): reference data, the socket, the outbox.
async function afterSignIn() {
  const user = currentUser();
  // Streets too, so the report form can name the street of a point without signal later.
  await Promise.all([loadCategories(), loadStatuses(), loadGrids({ refresh: true }), loadStreets(), loadHousingAccess()]);
  startLive({ isWatching: () => ROUTES[currentRoute]?.live });
  flushOutbox();
  navigate(HOME[user.role] || "outbox");
}

// The update flow: a new version installs in the background and waits; the user chooses when
// to reload (a draft or the outbox are safe in IndexedDB either way). Only the reload the user
// asked for follows a controller change, so a first install never reloads under them.
async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  let reloading = false;
  let accepted = false;
  const banner = document.getElementById("update-banner");
  let waiting = null;
  const offer = (worker) => {
    waiting = worker;
    banner.hidden = false;
  };
  document.getElementById("update-button").addEventListener("click", () => {
    accepted = true;
    if (waiting) waiting.postMessage({ type: "SKIP_WAITING" });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!accepted || reloading) return;
    reloading = true;
    location.reload();
  });
  try {
    const registration = await navigator.serviceWorker.register("/sw.js", { updateViaCache: "none" });
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
      });
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && navigator.onLine) registration.update().catch(() => {});
    });
  } catch {
    // No service worker (private mode, plain HTTP on another host): the app still runs online.
  }
}

async function boot() {
  await initI18n();
  await loadMapConfig();
  document.getElementById("lang").addEventListener("change", async (event) => {
    await setLanguage(event.target.value);
    render();
  });
  document.getElementById("signout").addEventListener("click", onSignOutClick);
  window.addEventListener("hashchange", render);
  window.addEventListener("online", renderNet);
  window.addEventListener("offline", renderNet);
  liveBus.addEventListener("unseen", renderTabs);
  liveBus.addEventListener("status", (e) => (document.body.dataset.live = e.detail.connected ? "on" : "off"));
  liveBus.addEventListener("unauthorized", () => expired());
  outboxBus.addEventListener("change", (event) => {
    renderTabs();
    const sent = event.detail.sent;
    if (sent) toast(t(sent.message || "outbox.sent_toast", { number: sent.number || "" }), "ok");
  });
  whenUnauthorized(() => expired());
  registerServiceWorker();
  const user = await restoreSession();
  if (user) {
    loadCategories();
    loadStreets();
    loadHousingAccess().then(renderTabs);
    // The views filter by the open statuses from their first render.
    await Promise.all([loadStatuses(), loadGrids()]);
    startLive({ isWatching: () => ROUTES[currentRoute]?.live });
    flushOutbox();
  }
  render();
}

let expiring = false;
async function expired() {
  if (expiring || !currentUser()) return;
  expiring = true;
  stopLive();
  await dropSession();
  toast(t("auth.expired"), "error");
  expiring = false;
  navigate("login");
}

boot();
