// Reference data the app needs offline too: categories and grid outlines, fetched from the API
// when there is signal and kept in IndexedDB for when there is none.
import { api } from "./api.js";
import { language } from "./i18n.js";
import { kvGet, kvSet } from "./store.js";

// The server's category table (GET /categories) is the one source; the app keeps no copy of its
// own. Signing in needs signal, and then the table is fetched and saved for the offline days.
let categories = [];
// The workflow's statuses (GET /statuses), each saying whether a case in it is still open.
let statuses = [];
let grids = null;

async function cached(key, fetcher) {
  try {
    const fresh = await fetcher();
    await kvSet(key, fresh);
    return fresh;
  } catch (error) {
    const saved = await kvGet(key);
    if (saved) return saved;
    throw error;
  }
}

export async function loadCategories() {
  try {
    categories = await cached("categories", () => api("/categories"));
  } catch {
    // Never fetched and never saved: the forms list what was known, and the next start retries.
  }
  return categories;
}

export const getCategories = () => categories;

export async function loadStatuses() {
  try {
    statuses = await cached("statuses", () => api("/statuses"));
  } catch {
    // Never fetched and never saved: nothing counts as open until the next start retries.
  }
  return statuses;
}

export const openStatuses = () => statuses.filter((s) => s.open).map((s) => s.code);

export function categoryName(code) {
  const found = categories.find((c) => c.code === code);
  return found ? (language() === "en" ? found.name_en : found.name) : code || "";
}

export function subcategoryName(code) {
  for (const category of categories) {
    const found = category.subcategories.find((s) => s.code === code);
    if (found) return language() === "en" ? found.name_en : found.name;
  }
  return code || "";
}

// Grid outlines (with `workers` for staff); null when never fetched and offline.
export async function loadGrids({ refresh = false } = {}) {
  if (grids && !refresh) return grids;
  try {
    grids = await cached("grids", () => api("/grids"));
  } catch {
    grids = { type: "FeatureCollection", features: [] };
  }
  return grids;
}

export async function loadStreets() {
  try {
    return await cached("streets", () => api("/streets"));
  } catch {
    return { type: "FeatureCollection", features: [] };
  }
}

export function gridByCode(code) {
  return grids?.features.find((f) => f.properties.code === code) || null;
}

export function gridName(code) {
  return gridByCode(code)?.properties.name || code || "";
}
