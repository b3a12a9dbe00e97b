// Dates and times in a zone's wall clock, written per language (Intl with ICU: Arabic-Indic
// digits and Levantine month names in Arabic), and wall clock -> UTC for the time control.
import { wallClock } from './coverage.js';
import { locale, t, language } from './i18n.js';

const formats = new Map();

function format(options, timeZone) {
  const key = `${locale()}|${timeZone}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), { timeZone, ...options });
    formats.set(key, f);
  }
  return f;
}

const LONG = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const SHORT = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const DATE = { day: 'numeric', month: 'short', year: 'numeric' };
const TIME = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

export const formatLong = (s, tz) => format(LONG, tz).format(new Date(s * 1000));
export const formatShort = (s, tz) => format(SHORT, tz).format(new Date(s * 1000));
export const formatDate = (s, tz) => format(DATE, tz).format(new Date(s * 1000));
export const formatTime = (s, tz) => format(TIME, tz).format(new Date(s * 1000));

export function formatNumber(n, options = {}) {
  return new Intl.NumberFormat(locale(), options).format(n);
}

export function offsetLabel(seconds, tz) {
  const { offset } = wallClock(seconds, tz);
  const sign = offset < 0 ? '−' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  const text = `UTC${sign}${hh}:${mm}`;
  return language() === 'ar' ? `\u2066${text}\u2069` : text;
}

export function zoneName(tz) {
  return tz === 'Asia/Gaza' ? t('gazaTime') : tz;
}

// "Tuesday 2 September 2024, 10:00 — Gaza time (Asia/Gaza, UTC+03:00)"
export function describe(seconds, tz) {
  return `${formatLong(seconds, tz)} ${t('zoneTime', { zone: zoneName(tz), tz, offset: offsetLabel(seconds, tz) })}`;
}

// The UTC instant of a wall-clock time in a zone, as RFC 5545 and Python's fold=0 read it:
// in a fold (clocks back) the earlier instant; in a gap (clocks forward) the offset from
// before the gap, so 02:30 in a 02:00->03:00 gap is 03:30 after it.
export function fromWallClock(year, month, day, minutes, tz) {
  const naive = Date.UTC(year, month - 1, day, 0, minutes) / 1000;
  const before = wallClock(naive - 43200, tz).offset;
  const after = wallClock(naive + 43200, tz).offset;
  const valid = [naive - before, naive - after]
    .filter((c) => naive - wallClock(c, tz).offset === c);
  if (valid.length) return Math.min(...valid);
  return naive - before;
}

// The local day of an instant: its date, minutes since midnight, and the day's UTC bounds.
export function localDay(seconds, tz) {
  const w = wallClock(seconds, tz);
  const start = fromWallClock(w.year, w.month, w.day, 0, tz);
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  const end = fromWallClock(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, tz);
  const date = `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  return { date, minutes: w.hour * 60 + w.minute, start, end, wall: w };
}

// A duration as "2 d 3 h" / "3 h 20 min" / "5 min", digits per language.
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const n = (v) => formatNumber(v);
  const parts = [];
  if (d) parts.push(t('days', { n: n(d) }));
  if (h && parts.length < 2) parts.push(t('hours', { n: n(h) }));
  if (!d && (m || !parts.length)) parts.push(t('minutes', { n: n(m) }));
  return parts.join(' ');
}

export const digits = (text) => (language() === 'ar' ? String(text).replace(/[0-9]/g, (c) => '٠١٢٣٤٥٦٧٨٩'[c]) : String(text));
