// gridgov service worker, after MDN's cycletracker: one versioned cache holds the app shell.
// The build replaces VERSION (a hash of the shell's content) and APP_SHELL (every shell file).
const VERSION = "__VERSION__";
const CACHE_PREFIX = "gridgov-shell-";
const CACHE_NAME = CACHE_PREFIX + VERSION;
const APP_SHELL = __PRECACHE__;

// Paths that always go to the network: data must be live, and unsent reports wait in the
// app's own IndexedDB outbox rather than in a cache.
const NETWORK_ONLY = ["/api/", "/ws/", "/admin/", "/static/", "/open311/"];

// Install: fetch the whole shell into a new cache; if any file fails, this version is not
// installed and the running one keeps serving (addAll is all or nothing).
self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE_NAME)
      .then((cache) => cache.addAll(APP_SHELL.map((url) => new Request(url, { cache: "reload" })))),
  );
});

// Activate: drop the caches of older versions, then control open pages (first install).
self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

// Message: the page asks a waiting version to take over once the user agreed to reload.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

// Fetch: shell files from this version's cache, navigations to the cached shell, the rest
// (API, socket, uploads, other origins such as map tiles) straight to the network.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    event.respondWith(
      caches.match("/", { cacheName: CACHE_NAME }).then((cached) => cached || fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches
      .match(url.pathname, { cacheName: CACHE_NAME })
      .then((cached) => cached || fetch(request)),
  );
});
