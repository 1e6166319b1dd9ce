// Reference data the app needs offline too: categories and grid outlines, fetched from the API
// when there is signal and kept in IndexedDB for when there is none.
import { api } from "./api.js";
import { language } from "./i18n.js";
import { kvGet, kvSet } from "./store.js";

// The backend's seeded kinds (incidents migration 0002), for a first start without signal.
const BUILT_IN_CATEGORIES = [
  ["safety", "安全隐患", "Safety hazard", [
    ["fire_exit", "消防通道堵塞", "Blocked fire exit"], ["gas", "燃气隐患", "Gas hazard"],
    ["hazardous_goods", "违规存放危险品", "Illegal storage of hazardous goods"],
    ["construction_safety", "施工安全", "Construction safety"], ["electrical", "电气线路隐患", "Electrical risk"]]],
  ["petition", "信访", "Petition", [
    ["petition_general", "一般信访", "Petition"], ["petition_joint", "联名信访", "Joint petition"]]],
  ["housing", "保交楼", "Housing delivery", [
    ["delivery_delay", "逾期交房", "Late delivery"], ["construction_stalled", "项目停工", "Construction stalled"],
    ["quality_defect", "房屋质量问题", "Quality defect"]]],
  ["other", "民生与城市管理", "Other", [
    ["sanitation", "环境卫生", "Sanitation"], ["roads_lights", "道路与路灯", "Roads and street lights"],
    ["neighbour_dispute", "邻里纠纷", "Neighbour dispute"], ["illegal_construction", "违法建设", "Illegal construction"],
    ["public_order", "社会治安", "Public order"], ["elderly_care", "养老服务", "Elderly care"]]],
].map(([code, name, name_en, subs]) => ({
  code, name, name_en,
  subcategories: subs.map(([sc, sn, sen]) => ({ code: sc, name: sn, name_en: sen })),
}));

let categories = BUILT_IN_CATEGORIES;
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
    categories = BUILT_IN_CATEGORIES;
  }
  return categories;
}

export const getCategories = () => categories;

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
