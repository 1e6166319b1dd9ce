// Build the PWA into pwa/dist/: copy our sources and the vendor files, write config.json and
// sw.js (cache name = content hash, precache list = every file of the shell). No bundler: the
// browser loads plain ES modules. Usage: node pwa/build.mjs
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, "src");
const dist = join(root, "dist");
const modules = join(root, "node_modules");

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// Every t("key") in our code must exist in both catalogues: a missing key would show raw.
function checkCatalogues() {
  const zh = JSON.parse(readFileSync(join(src, "i18n", "zh-Hans.json"), "utf8"));
  const en = JSON.parse(readFileSync(join(src, "i18n", "en.json"), "utf8"));
  const problems = [];
  for (const key of Object.keys(zh)) if (!(key in en)) problems.push(`en.json lacks ${key}`);
  for (const key of Object.keys(en)) if (!(key in zh)) problems.push(`zh-Hans.json lacks ${key}`);
  for (const file of walk(src).filter((f) => f.endsWith(".js"))) {
    for (const match of readFileSync(file, "utf8").matchAll(/\bt\("([\w.]+)"/g)) {
      if (!(match[1] in zh)) problems.push(`${relative(src, file)} uses unknown key ${match[1]}`);
    }
  }
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
}

// Our modules import downward only: app.js imports the views, so a view that imported app.js
// back would close a cycle, and a module in a cycle can run before what it imports exists.
function checkNoImportCycles() {
  const files = walk(src).filter((f) => f.endsWith(".js"));
  const imports = new Map(files.map((file) => [file, [...readFileSync(file, "utf8")
    .matchAll(/^\s*(?:import|export)\b[^"']*?from\s*["'](\.{1,2}\/[^"']+)["']/gm)]
    .map((match) => join(dirname(file), match[1]))]));
  const done = new Set();
  const path = [];
  function visit(file) {
    if (path.includes(file)) {
      const cycle = [...path.slice(path.indexOf(file)), file].map((f) => relative(src, f));
      console.error(`import cycle: ${cycle.join(" -> ")}`);
      process.exit(1);
    }
    if (done.has(file)) return;
    path.push(file);
    for (const imported of imports.get(file) || []) visit(imported);
    path.pop();
    done.add(file);
  }
  files.forEach(visit);
}

function copyVendor() {
  const vendor = join(dist, "vendor");
  const strip = (text) => text.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  mkdirSync(join(vendor, "leaflet"), { recursive: true });
  mkdirSync(join(vendor, "idb"), { recursive: true });
  const leaflet = join(modules, "leaflet", "dist");
  writeFileSync(
    join(vendor, "leaflet", "leaflet-src.esm.js"),
    strip(readFileSync(join(leaflet, "leaflet-src.esm.js"), "utf8")),
  );
  cpSync(join(leaflet, "leaflet.css"), join(vendor, "leaflet", "leaflet.css"));
  cpSync(join(leaflet, "images"), join(vendor, "leaflet", "images"), { recursive: true });
  // idb's ESM build is one self-contained file.
  writeFileSync(
    join(vendor, "idb", "index.js"),
    strip(readFileSync(join(modules, "idb", "build", "index.js"), "utf8")),
  );
}

function writeConfig() {
  // Base tiles are optional: without a template the map shows grid outlines on a plain ground.
  // The template must serve WGS-84 (or CGCS2000) Web Mercator tiles, e.g. Tianditu's *_w
  // layers; GCJ-02 tiles (AMap, Tencent) would sit several hundred metres off our points.
  const config = {
    tile_url: process.env.GRIDGOV_TILE_URL || "",
    tile_attribution: process.env.GRIDGOV_TILE_ATTRIBUTION || "",
    tile_max_zoom: Number(process.env.GRIDGOV_TILE_MAX_ZOOM || 18),
  };
  writeFileSync(join(dist, "config.json"), JSON.stringify(config, null, 2) + "\n");
}

function writeServiceWorker() {
  const files = walk(dist)
    .map((f) => "/" + relative(dist, f).split("\\").join("/"))
    .filter((url) => url !== "/sw.js")
    .sort();
  const hash = createHash("sha256");
  for (const url of files) hash.update(url).update(readFileSync(join(dist, url.slice(1))));
  const version = hash.digest("hex").slice(0, 12);
  // "/" rather than "/index.html": the server redirects the latter, and a redirected response
  // cannot answer a navigation.
  const precache = files.map((url) => (url === "/index.html" ? "/" : url));
  const template = readFileSync(join(src, "sw.js"), "utf8");
  writeFileSync(
    join(dist, "sw.js"),
    template
      .replace('"__VERSION__"', JSON.stringify(version))
      .replace("__PRECACHE__", JSON.stringify(precache, null, 2)),
  );
  return { version, files };
}

function report(files) {
  // The size budget counts our own shell (HTML, JS, CSS, catalogues), not Leaflet or idb.
  let raw = 0;
  let gz = 0;
  for (const url of files) {
    if (url.startsWith("/vendor/") || url.endsWith(".png")) continue;
    const data = readFileSync(join(dist, url.slice(1)));
    raw += data.length;
    gz += gzipSync(data, { level: 9 }).length;
  }
  const sw = readFileSync(join(dist, "sw.js"));
  raw += sw.length;
  gz += gzipSync(sw, { level: 9 }).length;
  return { raw, gz };
}

checkCatalogues();
checkNoImportCycles();
rmSync(dist, { recursive: true, force: true });
cpSync(src, dist, { recursive: true, filter: (path) => path !== join(src, "sw.js") });
copyVendor();
writeConfig();
const { version, files } = writeServiceWorker();
const size = report(files);
writeFileSync(join(dist, "build.json"), JSON.stringify({ version, shell_bytes: size.raw, shell_gzip_bytes: size.gz }) + "\n");
console.log(
  `pwa: built ${files.length + 1} files into pwa/dist, version ${version}; ` +
    `own shell ${(size.raw / 1024).toFixed(1)} KB, ${(size.gz / 1024).toFixed(1)} KB gzipped`,
);
