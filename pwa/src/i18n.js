// All UI text goes through t(key). zh-Hans is the source catalogue, en the second; a key
// missing in en falls back to Chinese. Dates and numbers are formatted with Intl.
import { kvGet, kvSet } from "./store.js";

export const LANGUAGES = { "zh-Hans": "中文", en: "English" };
const SOURCE = "zh-Hans";
const catalogues = {};
let current = SOURCE;

async function load(lang) {
  if (!catalogues[lang]) {
    const response = await fetch(`/i18n/${lang}.json`);
    catalogues[lang] = await response.json();
  }
  return catalogues[lang];
}

export async function initI18n() {
  const saved = await kvGet("lang");
  await load(SOURCE);
  await setLanguage(saved in LANGUAGES ? saved : SOURCE, { remember: false });
}

export async function setLanguage(lang, { remember = true } = {}) {
  if (!(lang in LANGUAGES)) return;
  await load(lang);
  current = lang;
  document.documentElement.lang = lang;
  if (remember) await kvSet("lang", lang);
}

export const language = () => current;

export function t(key, params = {}) {
  const text = catalogues[current]?.[key] ?? catalogues[SOURCE]?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

const locale = () => (current === "en" ? "en-GB" : "zh-CN");

export function formatDateTime(value) {
  if (!value) return "";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(value),
  );
}

export function formatDate(value) {
  if (!value) return "";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(value));
}

export function formatNumber(value, options = {}) {
  if (value === null || value === undefined) return "–";
  return new Intl.NumberFormat(locale(), options).format(value);
}

// "3 小时前" / "3 hours ago"
export function formatRelative(value) {
  const seconds = (new Date(value).getTime() - Date.now()) / 1000;
  const units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds), "second");
}
