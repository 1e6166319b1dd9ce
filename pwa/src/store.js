// Local data in IndexedDB (through idb): a key-value store for the session, caches and the
// report draft, and the outbox of reports not yet delivered. Never localStorage: tokens and
// photos belong in a store that survives service-worker updates and holds blobs.
import { openDB } from "./vendor/idb/index.js";

const DB_NAME = "gridgov";
// Upgrades only ever add stores, so a new app version never loses an old version's outbox.
const dbPromise = openDB(DB_NAME, 1, {
  upgrade(db) {
    if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
    if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "client_id" });
  },
});

export const db = () => dbPromise;
export const kvGet = async (key) => (await dbPromise).get("kv", key);
export const kvSet = async (key, value) => (await dbPromise).put("kv", value, key);
export const kvDel = async (key) => (await dbPromise).delete("kv", key);

// Everything personal goes on sign-out; the language choice is a device setting and stays.
export async function clearPersonalData() {
  const database = await dbPromise;
  const lang = await database.get("kv", "lang");
  const tx = database.transaction(["kv", "outbox"], "readwrite");
  await Promise.all([tx.objectStore("kv").clear(), tx.objectStore("outbox").clear(), tx.done]);
  if (lang) await database.put("kv", lang, "lang");
}
