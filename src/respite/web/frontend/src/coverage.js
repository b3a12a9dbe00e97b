// The coverage answer computed in the browser, with the semantics of respite.engine:
// a point is covered by a zone when it lies in the zone's interior (a point on the boundary
// is not covered), and an instant t by a window when start <= t < end. The answer has the
// shape of GET /v1/status (respite.engine.present.status_to_json), field for field.

// -- exact orientation ------------------------------------------------------------------------

const ERRBOUND = (3 + 16 * Number.EPSILON / 2) * (Number.EPSILON / 2);
const view = new DataView(new ArrayBuffer(8));

// x as [m, e] with x = m * 2^e exactly (m a BigInt).
function decompose(x) {
  if (x === 0) return [0n, 0];
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const bits = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e;
  if (bits === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = bits - 1075;
  }
  return [hi >>> 31 ? -m : m, e];
}

function exactOrientation(values) {
  const parts = values.map(decompose);
  const emin = Math.min(...parts.map(([m, e]) => (m === 0n ? Infinity : e)));
  const [ax, ay, bx, by, cx, cy] = parts.map(([m, e]) => (m === 0n ? 0n : m << BigInt(e - emin)));
  const det = (ax - cx) * (by - cy) - (ay - cy) * (bx - cx);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

// Sign of the orientation of (a, b, c): 1 counter-clockwise, -1 clockwise, 0 collinear; exact
// (a floating-point filter, then exact integer arithmetic when the filter cannot decide).
export function orientation(ax, ay, bx, by, cx, cy) {
  const left = (ax - cx) * (by - cy);
  const right = (ay - cy) * (bx - cx);
  const det = left - right;
  const bound = ERRBOUND * (Math.abs(left) + Math.abs(right));
  if (det > bound) return 1;
  if (-det > bound) return -1;
  return exactOrientation([ax, ay, bx, by, cx, cy]);
}

// -- point in polygon (GEOS's ray-crossing counter over every ring) ---------------------------

export const INTERIOR = 'interior';
export const BOUNDARY = 'boundary';
export const EXTERIOR = 'exterior';

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(rings);
  return [];
}

export function bbox(geometry) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const ring of rings(geometry)) {
    for (const [x, y] of ring) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

// Where (x, y) lies relative to a Polygon or MultiPolygon: INTERIOR, BOUNDARY or EXTERIOR.
export function locate(geometry, x, y) {
  let crossings = 0;
  for (const ring of rings(geometry)) {
    for (let i = 1; i < ring.length; i++) {
      const [x1, y1] = ring[i - 1];
      const [x2, y2] = ring[i];
      if (x1 < x && x2 < x) continue;
      if (x === x2 && y === y2) return BOUNDARY;
      if (y1 === y && y2 === y) {
        if (x >= Math.min(x1, x2) && x <= Math.max(x1, x2)) return BOUNDARY;
        continue;
      }
      if ((y1 > y && y2 <= y) || (y2 > y && y1 <= y)) {
        let sign = orientation(x1, y1, x2, y2, x, y);
        if (sign === 0) return BOUNDARY;
        if (y2 < y1) sign = -sign;
        if (sign === 1) crossings++;
      }
    }
  }
  return crossings % 2 === 1 ? INTERIOR : EXTERIOR;
}

// -- time ---------------------------------------------------------------------------------------

// First index i with starts[i] > t in a flat [s0, e0, s1, e1, ...] array (bisect_right).
function bisectRight(flat, t) {
  let lo = 0;
  let hi = flat.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (flat[2 * mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// [covering window index or -1, next window index or -1] (respite.engine.index.lookup).
export function lookup(flat, t) {
  const i = bisectRight(flat, t);
  const covering = i > 0 && t < flat[2 * i - 1] ? i - 1 : -1;
  const upcoming = i < flat.length / 2 ? i : -1;
  return [covering, upcoming];
}

// -- ISO strings as Python writes them ------------------------------------------------------------

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function isoUtc(seconds) {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

const partsFormats = new Map();

// The wall-clock fields of an instant in a zone, and the zone's UTC offset in seconds then.
export function wallClock(seconds, timeZone) {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', era: 'short',
    });
    partsFormats.set(timeZone, format);
  }
  const f = {};
  for (const { type, value } of format.formatToParts(new Date(seconds * 1000))) f[type] = value;
  const year = f.era === 'BC' || f.era === 'B' ? 1 - Number(f.year) : Number(f.year);
  const local = Date.UTC(year, Number(f.month) - 1, Number(f.day), Number(f.hour),
    Number(f.minute), Number(f.second)) / 1000;
  return {
    year, month: Number(f.month), day: Number(f.day), hour: Number(f.hour),
    minute: Number(f.minute), second: Number(f.second), offset: local - seconds,
  };
}

export function isoLocal(seconds, timeZone) {
  const w = wallClock(seconds, timeZone);
  const sign = w.offset < 0 ? '-' : '+';
  const abs = Math.abs(w.offset);
  let offset = `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`;
  if (abs % 60) offset += `:${pad(abs % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:` +
    `${pad(w.second)}${offset}`;
}

// -- the answer -------------------------------------------------------------------------------------

// Prepare the published features once: bounding boxes for a quick reject.
export function prepare(features) {
  return features.map((feature, index) => ({
    index,
    feature,
    props: feature.properties,
    occ: feature.properties.occurrences,
    box: bbox(feature.geometry),
  }));
}

export function zonesAt(zones, lon, lat) {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return [];
  return zones.filter((z) => lon >= z.box[0] && lon <= z.box[2] && lat >= z.box[1] &&
    lat <= z.box[3] && locate(z.feature.geometry, lon, lat) === INTERIOR);
}

// The version in force at t: the latest whose effective time is at or before t (a first
// version without one counts from the beginning), as respite.pauses.versions.version_at.
function inForce(versions, t) {
  let chosen = versions[0];
  for (const v of versions) if (v[0] === null || v[0] <= t) chosen = v;
  return chosen;
}

function matchJson(zone, i, t) {
  const p = zone.props;
  const start = zone.occ[2 * i];
  const end = zone.occ[2 * i + 1];
  const [, version, announcedAt] = inForce(p.versions, t);
  const broken = p.broken.filter((b) => b.start < end && b.end > start).map((b) => b.answer);
  return {
    id: p.pause_id,
    part: p.part_id,
    kind: p.kind,
    name: p.name,
    version,
    version_announced_at: announcedAt,
    status: broken.length ? 'broken' : 'covered',
    part_status: p.part_status,
    broken,
    movement: p.movement,
    movement_summary: p.movement_summary,
    window_start: isoUtc(start),
    window_end: isoUtc(end),
    window_end_local: isoLocal(end, p.timezone),
    timezone: p.timezone,
    objectives: p.objectives,
  };
}

function nextJson(zone, i) {
  const p = zone.props;
  const start = zone.occ[2 * i];
  const end = zone.occ[2 * i + 1];
  return {
    id: p.pause_id,
    part: p.part_id,
    kind: p.kind,
    name: p.name,
    start: isoUtc(start),
    end: isoUtc(end),
    start_local: isoLocal(start, p.timezone),
    end_local: isoLocal(end, p.timezone),
    timezone: p.timezone,
  };
}

function coveredUntil(covering) {
  if (!covering.length) return null;
  let end = Math.max(...covering.map(([z, i]) => z.occ[2 * i + 1]));
  let extended = true;
  while (extended) {
    extended = false;
    for (const [zone] of covering) {
      const [i] = lookup(zone.occ, end);
      if (i >= 0 && zone.occ[2 * i + 1] > end) {
        end = zone.occ[2 * i + 1];
        extended = true;
      }
    }
  }
  return end;
}

const byIds = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.part < b.part ? -1 :
  a.part > b.part ? 1 : 0);

// The /v1/status answer for (lon, lat) at t (UTC seconds), from prepared zones; throws when t
// is outside the horizon the windows were expanded over (as the engine does).
export function statusAt(zones, horizon, lon, lat, t) {
  if (!(t >= horizon[0] && t < horizon[1])) {
    throw new RangeError(`${isoUtc(t)} is outside the published horizon`);
  }
  const covering = [];
  let best = null;
  const inside = zonesAt(zones, lon, lat);
  for (const zone of inside) {
    const [now, upcoming] = lookup(zone.occ, t);
    if (now >= 0) covering.push([zone, now]);
    else if (upcoming >= 0 && (best === null || zone.occ[2 * upcoming] < best[2])) {
      best = [zone, upcoming, zone.occ[2 * upcoming]];
    }
  }
  const until = coveredUntil(covering);
  const coveredParts = new Set(covering.map(([z]) => `${z.props.pause_id}/${z.props.part_id}`));
  const expected = [];
  for (const zone of inside) {
    const p = zone.props;
    if (coveredParts.has(`${p.pause_id}/${p.part_id}`)) continue;
    for (const e of p.expected) {
      if (e.start <= t && t < e.end) expected.push({ ...e.answer, version: inForce(p.versions, t)[1] });
    }
  }
  return {
    covered: covering.length > 0,
    lon,
    lat,
    at: isoUtc(t),
    pauses: covering.map(([z, i]) => matchJson(z, i, t)).sort(byIds),
    covered_until: until === null ? null : isoUtc(until),
    next_window: !covering.length && best ? nextJson(best[0], best[1]) : null,
    expected,
    known_at: null,
  };
}

// The state of one zone at t: 'active' (a window holds t), 'later' (a window starts later the
// same local day), or 'inactive'; with the window concerned.
export function zoneState(zone, t, dayEnd) {
  const [now, upcoming] = lookup(zone.occ, t);
  if (now >= 0) return { state: 'active', start: zone.occ[2 * now], end: zone.occ[2 * now + 1] };
  if (upcoming >= 0 && zone.occ[2 * upcoming] < dayEnd) {
    return { state: 'later', start: zone.occ[2 * upcoming], end: zone.occ[2 * upcoming + 1] };
  }
  const next = upcoming >= 0 ? { start: zone.occ[2 * upcoming], end: zone.occ[2 * upcoming + 1] } : {};
  return { state: 'inactive', ...next };
}
