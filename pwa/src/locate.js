// Which grid and street a point is in, without signal: point-in-polygon over the cached grid and
// street GeoJSON (WGS-84 lon/lat), by the server's rule (gis/locator.py): a point belongs to
// every polygon that *covers* it, border included, and when several do the lowest code wins.
// The orientation test is exact (a float filter, then integer arithmetic on the doubles), so a
// point on a shared border is on the border here as it is for GEOS, not a rounding error off it.

// Shewchuk's bound: beyond it the float determinant's sign is certainly right.
const ORIENT_BOUND = (3 + 16 * Number.EPSILON) * Number.EPSILON;
const view = new DataView(new ArrayBuffer(8));

// A finite double as [m, e] with value m * 2^e exactly.
function exactParts(x) {
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const sign = high >>> 31 ? -1n : 1n;
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased === 0) return [sign * fraction, -1074];
  return [sign * (fraction | (1n << 52n)), biased - 1075];
}

function exactOrientation(values) {
  const parts = values.map(exactParts);
  const base = Math.min(...parts.map(([, e]) => e));
  const [ax, ay, bx, by, px, py] = parts.map(([m, e]) => m << BigInt(e - base));
  const det = (ax - px) * (by - py) - (ay - py) * (bx - px);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

// The sign of the turn a → b → p: 1 left, -1 right, 0 on the line.
export function orientation(ax, ay, bx, by, px, py) {
  const left = (ax - px) * (by - py);
  const right = (ay - py) * (bx - px);
  const det = left - right;
  if (Math.abs(det) > ORIENT_BOUND * (Math.abs(left) + Math.abs(right))) return Math.sign(det);
  return exactOrientation([ax, ay, bx, by, px, py]);
}

// 1 inside, 0 on the boundary, -1 outside a ring or a polygon (even-odd over its rings).
function ringSide(ring, lon, lat) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [ax, ay] = ring[j];
    const [bx, by] = ring[i];
    const turn = orientation(ax, ay, bx, by, lon, lat);
    if (turn === 0 && Math.min(ax, bx) <= lon && lon <= Math.max(ax, bx)
      && Math.min(ay, by) <= lat && lat <= Math.max(ay, by)) return 0;
    // The edge crosses the horizontal through the point on its right side.
    if ((ay > lat) !== (by > lat) && (by > ay ? turn > 0 : turn < 0)) inside = !inside;
  }
  return inside ? 1 : -1;
}

export function covers(geometry, lon, lat) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  return polygons.some((rings) => {
    let inside = false;
    for (const ring of rings) {
      const side = ringSide(ring, lon, lat);
      if (side === 0) return true;
      if (side > 0) inside = !inside;
    }
    return inside;
  });
}

function inBox(feature, lon, lat) {
  const box = feature.bbox;
  return !box || (box[0] <= lon && lon <= box[2] && box[1] <= lat && lat <= box[3]);
}

// The feature with the lowest code among those covering the point, or null.
export function featureAt(collection, lon, lat) {
  let found = null;
  for (const feature of collection?.features || []) {
    if (found && feature.properties.code >= found.properties.code) continue;
    if (feature.geometry && inBox(feature, lon, lat) && covers(feature.geometry, lon, lat)) found = feature;
  }
  return found;
}

// The same answer as `GET /locate`: {street: {code, name} | null, grid: {code, name} | null}.
export function locateOffline(grids, streets, lon, lat) {
  const place = (f) => (f ? { code: f.properties.code, name: f.properties.name } : null);
  const grid = featureAt(grids, lon, lat);
  if (grid) {
    const code = grid.properties.street;
    const street = (streets?.features || []).find((f) => f.properties.code === code);
    return { grid: place(grid), street: street ? place(street) : { code, name: code } };
  }
  return { grid: null, street: place(featureAt(streets, lon, lat)) };
}
