// Search places by name (Arabic or English, spelling-tolerant like respite.geometry's
// normalise_name) or an evacuation block by number ("655", "block 655", "بلوك ٦٥٥").

const MARKS = /[\u064b-\u065f\u0670\u0640\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
const FOLD = { 'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ة': 'ه', 'ى': 'ي' };
const SEPARATORS = /[\s\-‐‑–—_'’`ʼ.,()/،]+/;
const GENERIC = new Set(['governorate', 'محافظه', 'crossing', 'border', 'معبر', 'road', 'street', 'st', 'شارع', 'طريق', 'camp', 'مخيم']);

export function asciiDigits(text) {
  return text.replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x660))
    .replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x6f0));
}

export function normalise(text) {
  const folded = asciiDigits(text.normalize('NFKC')).replace(MARKS, '').toLowerCase()
    .replace(/[أإآٱةى]/g, (c) => FOLD[c]);
  const tokens = folded.split(SEPARATORS).filter(Boolean);
  const kept = tokens.filter((tok) => !GENERIC.has(tok));
  return (kept.length ? kept : tokens).join('');
}

const BLOCK = /^\s*(?:block|blk|بلوك|مربع|رقم|no\.?|#)?\s*(?:رقم|no\.?|#)?\s*(\d{1,5})\s*$/i;

// entries: [{kind, names: [..], label: {en, ar}, point: [lon, lat], ref}]
export function buildIndex(layers) {
  const entries = [];
  const add = (kind, ref, label, point, names) => {
    entries.push({ kind, ref, label, point, keys: [...new Set(names.filter(Boolean).map(normalise))] });
  };
  for (const f of layers.governorates?.features ?? []) {
    const p = f.properties;
    add('governorate', p.pcode, { en: p.name_en, ar: p.name_ar }, p.label,
      [p.pcode, p.name_en, p.name_ar, ...(p.aliases ?? [])]);
  }
  for (const f of layers.places?.features ?? []) {
    const p = f.properties;
    add('place', p.osm, { en: p.name_en, ar: p.name_ar }, f.geometry.coordinates, [p.name_en, p.name_ar]);
  }
  for (const f of layers.crossings?.features ?? []) {
    const p = f.properties;
    add('crossing', p.id, { en: p.name_en, ar: p.name_ar }, f.geometry.coordinates,
      [p.id, p.name_en, p.name_ar, ...(p.aliases ?? [])]);
  }
  for (const f of layers.roads?.features ?? []) {
    const p = f.properties;
    const coords = f.geometry.coordinates;
    add('road', p.id, { en: p.name_en, ar: p.name_ar }, coords[Math.floor(coords.length / 2)],
      [p.id, p.name_en, p.name_ar, ...(p.aliases ?? [])]);
  }
  const blocks = new Map();
  for (const f of layers.blocks?.features ?? []) {
    blocks.set(f.properties.block, { kind: 'block', ref: String(f.properties.block), point: f.properties.label, feature: f });
  }
  return { entries, blocks };
}

// Best matches first: exact, then prefix, then contained; a number looks up a block.
export function search(index, query, limit = 8) {
  const text = query.trim();
  if (!text) return [];
  const number = BLOCK.exec(asciiDigits(text));
  const out = [];
  if (number) {
    const block = index.blocks.get(Number(number[1]));
    if (block) out.push(block);
  }
  const key = normalise(text);
  if (!key) return out;
  const ranked = [];
  for (const entry of index.entries) {
    let rank = 9;
    for (const k of entry.keys) {
      if (k === key) rank = Math.min(rank, 0);
      else if (k.startsWith(key)) rank = Math.min(rank, 1);
      else if (k.includes(key)) rank = Math.min(rank, 2);
    }
    if (rank < 9) ranked.push([rank, entry]);
  }
  ranked.sort((a, b) => a[0] - b[0]);
  out.push(...ranked.map(([, e]) => e));
  return out.slice(0, limit);
}
