// The public map: see every pause, check a place at a moment, in Arabic and English, offline.
import { prepare, statusAt, zoneState, locate, INTERIOR, isoUtc } from './coverage.js';
import { initialLanguage, setLanguage, language, t, translateDocument, pick } from './i18n.js';
import { describe, duration, formatShort, formatTime, formatNumber, fromWallClock, localDay, formatDate } from './timefmt.js';
import { buildIndex, search } from './search.js';
import { PauseMap, escapeHtml } from './map.js';
import { renderPause } from './pausepage.js';

const LAYERS = ['strip', 'governorates', 'blocks', 'places', 'crossings', 'roads'];
const $ = (id) => document.getElementById(id);

const state = {
  data: null, zones: [], layers: null, index: null, tz: 'UTC', horizon: [0, 0],
  t: 0, live: true, pick: null, showInactive: false, pauseId: null, offline: false,
};
let map = null;
let readyResolve;
const ready = new Promise((resolve) => { readyResolve = resolve; });

// -- loading ------------------------------------------------------------------------------------

async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (response.headers.get('x-respite-offline')) state.offline = true;
  return response.json();
}

async function load() {
  const [data, ...layers] = await Promise.all([
    getJson('/web/data.json'),
    ...LAYERS.map((name) => getJson(`/web/basemap/${name}.geojson`)),
  ]);
  state.data = data;
  state.horizon = data.horizon;
  state.zones = prepare(data.features);
  state.tz = data.features[0]?.properties.timezone ?? 'UTC';  // never a guessed place
  state.layers = Object.fromEntries(LAYERS.map((name, i) => [name, layers[i]]));
  state.index = buildIndex(state.layers);
}

// -- time -----------------------------------------------------------------------------------------

const nowSeconds = () => Math.floor(Date.now() / 1000);

function clampTime(seconds) {
  const [lo, hi] = state.horizon;
  return Math.min(Math.max(seconds, lo), hi - 1);
}

function setTime(seconds, { live = false } = {}) {
  state.live = live;
  state.t = clampTime(seconds);
  render();
}

function dayParts() {
  const [y, m, d] = $('day').value.split('-').map(Number);
  return [y, m, d];
}

function fromControls() {
  const [y, m, d] = dayParts();
  if (!y) return;
  setTime(fromWallClock(y, m, d, Number($('clock').value), state.tz));
}

function shiftDay(days) {
  const { wall } = localDay(state.t, state.tz);
  const next = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  setTime(fromWallClock(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), wall.hour * 60 + wall.minute, state.tz));
}

function renderTime() {
  const day = localDay(state.t, state.tz);
  $('day').value = day.date;
  $('day').min = localDay(state.horizon[0], state.tz).date;
  $('day').max = localDay(state.horizon[1] - 1, state.tz).date;
  const clock = $('clock');
  clock.value = String(day.minutes - (day.minutes % 5));
  const label = formatTime(state.t, state.tz);
  clock.setAttribute('aria-valuetext', label);
  $('clock-out').textContent = label;
  $('moment').textContent = `${describe(state.t, state.tz)}${state.live ? ` · ${t('live')}` : ''}`;
  $('now').setAttribute('aria-pressed', String(state.live));
}

// -- zones ----------------------------------------------------------------------------------------

function zoneStates() {
  const { end } = localDay(state.t, state.tz);
  return new Map(state.zones.map((z) => [z.index, zoneState(z, state.t, end)]));
}

const STATE_ICON = { active: '▶', later: '◷', inactive: '○' };
const STATE_WORD = { active: 'stateActive', later: 'stateLater', inactive: 'stateInactive' };

function countdown(st) {
  if (st.state === 'active') return t('endsIn', { d: duration(st.end - state.t) });
  if (st.start !== undefined) return t('startsIn', { d: duration(st.start - state.t) });
  return '';
}

function renderZones(states) {
  const list = $('zone-list');
  const items = [];
  const order = { active: 0, later: 1, inactive: 2 };
  const shown = state.zones
    .filter((z) => states.get(z.index).state !== 'inactive' || state.showInactive)
    .sort((a, b) => order[states.get(a.index).state] - order[states.get(b.index).state]);
  for (const zone of shown) {
    const st = states.get(zone.index);
    const p = zone.props;
    const when = st.start !== undefined
      ? `${formatShort(st.start, p.timezone)} – ${formatTime(st.end, p.timezone)}` : '';
    items.push(`<li class="zone zone-${st.state}" data-zone="${escapeHtml(zone.feature.id)}" data-state="${st.state}">
      <span class="badge badge-${st.state}"><span aria-hidden="true">${STATE_ICON[st.state]}</span> ${t(STATE_WORD[st.state])}</span>
      <strong>${escapeHtml(pick(p.name))}</strong>
      <span class="small">${escapeHtml(pick(p.pause_name))}</span>
      <span class="small">${escapeHtml(when)}${when && countdown(st) ? ' · ' : ''}${escapeHtml(countdown(st))}</span>
      <button type="button" class="link" data-open="${escapeHtml(p.pause_id)}">${t('openPause')}</button>
    </li>`);
  }
  list.innerHTML = items.join('') || `<li class="small">${t('noZonesNow')}</li>`;
}

function renderPauseList() {
  const items = state.data.pauses.map((p) => {
    const firsts = p.parts.map((part) => part.occurrences[0]).filter((s) => s !== undefined);
    const first = firsts.length ? Math.min(...firsts) : null;
    return `<li>
      <strong>${escapeHtml(pick(p.name))}</strong>
      <span class="small">${escapeHtml(t('kinds')[p.kind] ?? p.kind)} · ${escapeHtml(t('statuses')[p.status] ?? p.status)}${first !== null ? ` · ${escapeHtml(formatDate(first, p.timezone))}` : ''}</span>
      <span class="actions">
        <button type="button" class="link" data-open="${escapeHtml(p.id)}">${t('openPause')}</button>
        ${first !== null ? `<button type="button" class="link" data-jump="${first}" data-pause="${escapeHtml(p.id)}">${t('showWindow')}</button>` : ''}
      </span>
    </li>`;
  });
  $('pause-list').innerHTML = items.join('');
}

// -- checking a place -------------------------------------------------------------------------------

function blockAt(lon, lat) {
  for (const f of state.layers.blocks.features) {
    if (locate(f.geometry, lon, lat) === INTERIOR) return f.properties.block;
  }
  return null;
}

function nearestPlace(lon, lat) {
  let best = null;
  const k = Math.cos((lat * Math.PI) / 180);
  for (const f of state.layers.places.features) {
    const [x, y] = f.geometry.coordinates;
    const d = Math.hypot((x - lon) * k, y - lat) * 111.2;
    if (!best || d < best.d) best = { d, f };
  }
  return best && best.d < 4 ? best.f : null;
}

export function check(lon, lat, label = null) {
  state.pick = { lon, lat, label };
  map?.showPick(lon, lat);
  renderAnswer();
  updateHash();
}

function placeLabel() {
  const { lon, lat, label } = state.pick;
  const coords = t('answerPoint', { lat: formatNumber(lat, { minimumFractionDigits: 5, maximumFractionDigits: 5 }), lon: formatNumber(lon, { minimumFractionDigits: 5, maximumFractionDigits: 5 }) });
  const bits = [];
  if (label) bits.push(label);
  const block = blockAt(lon, lat);
  if (block !== null && !(label && label.includes(String(block)))) bits.push(t('inBlock', { n: formatNumber(block, { useGrouping: false }) }));
  const near = nearestPlace(lon, lat);
  if (near && !label) bits.push(t('near', { name: pick({ en: near.properties.name_en, ar: near.properties.name_ar }) }));
  bits.push(coords);
  return bits.join(' · ');
}

function renderAnswer() {
  const box = $('answer');
  if (!state.pick) { box.innerHTML = ''; return; }
  const { lon, lat } = state.pick;
  let status;
  try {
    status = statusAt(state.zones, state.horizon, lon, lat, state.t);
  } catch {
    box.innerHTML = `<p>${escapeHtml(t('outside', { from: formatDate(state.horizon[0], state.tz), to: formatDate(state.horizon[1], state.tz) }))}</p>`;
    return;
  }
  window.respite.lastStatus = status;
  const tz = state.tz;
  const parts = [];
  const verdict = status.covered ? t('pausedYes') : t('pausedNo');
  parts.push(`<p class="verdict"><span class="mark" aria-hidden="true">${status.covered ? '✔' : '✖'}</span> <strong>${verdict}</strong></p>`);
  parts.push(`<p class="where">${escapeHtml(t('answerAt', { place: placeLabel(), time: describe(state.t, tz) }))}</p>`);
  if (status.covered) {
    const until = Date.parse(status.covered_until) / 1000;
    parts.push(`<p class="until"><strong>${escapeHtml(t('coveredUntil', { time: describe(until, tz), left: t('left', { d: duration(until - state.t) }) }))}</strong></p>`);
    parts.push(`<p>${t('coveredBy')}:</p><ul>`);
    for (const m of status.pauses) {
      const end = Date.parse(m.window_end) / 1000;
      // Movement rules and broken reports as one plain line each (the service's own words).
      const notes = [m.movement_summary, ...m.broken.map((b) => `reported broken by ${b.reported_by}`)]
        .filter(Boolean).map((n) => `<br><span class="small">${escapeHtml(n)}</span>`).join('');
      parts.push(`<li><strong>${escapeHtml(pick(m.name))}</strong> · ${escapeHtml(t('windowEnds', { time: formatShort(end, m.timezone) }))} · <button type="button" class="link" data-open="${escapeHtml(m.id)}">${t('openPause')}</button>${notes}</li>`);
    }
    parts.push('</ul>');
  }
  for (const e of status.expected || []) {
    parts.push(`<p class="expected"><strong>${escapeHtml(pick(e.name))}</strong>: ${escapeHtml(e.message)}</p>`);
  }
  if (!status.covered && status.next_window) {
    const w = status.next_window;
    const start = Date.parse(w.start) / 1000;
    const end = Date.parse(w.end) / 1000;
    parts.push(`<p class="next">${escapeHtml(t('nextWindow', { name: pick(w.name), start: describe(start, w.timezone), end: formatShort(end, w.timezone), left: t('inHours', { d: duration(start - state.t) }) }))} <button type="button" class="link" data-open="${escapeHtml(w.id)}">${t('openPause')}</button></p>`);
  } else if (!status.covered) {
    parts.push(`<p>${t('noNext')}</p>`);
  }
  parts.push(`<p class="small">${t('edgeNote')}</p>`);
  box.className = `answer ${status.covered ? 'answer-yes' : 'answer-no'}`;
  box.dataset.covered = String(status.covered);
  box.dataset.status = JSON.stringify(status);
  box.innerHTML = parts.join('');
}

// -- search and location ------------------------------------------------------------------------------

function kindLabel(entry) {
  if (entry.kind === 'block') return t('block', { n: formatNumber(Number(entry.ref), { useGrouping: false }) });
  return `${pick(entry.label)} (${t(entry.kind)})`;
}

function runSearch(event) {
  event?.preventDefault();
  const q = $('search').value;
  const found = search(state.index, q);
  $('search-status').textContent = found.length ? t('results', { n: formatNumber(found.length) }) : t('noResults', { q });
  $('results').innerHTML = found.map((e, i) => `<li><button type="button" class="result" data-result="${i}">${escapeHtml(kindLabel(e))}</button></li>`).join('');
  state.results = found;
  if (found.length === 1 || (found.length && found[0].kind === 'block')) choose(found[0]);
}

function choose(entry) {
  const [lon, lat] = entry.point;
  if (entry.kind === 'block') map.fitGeometry(entry.feature.geometry);
  else map.focusOn(lon, lat);
  check(lon, lat, kindLabel(entry));
  $('answer').focus();
}

function locateMe() {
  if (!navigator.geolocation) { $('search-status').textContent = t('locateFailed', { reason: '—' }); return; }
  $('search-status').textContent = t('locating');
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      $('search-status').textContent = '';
      map.focusOn(pos.coords.longitude, pos.coords.latitude);
      check(pos.coords.longitude, pos.coords.latitude, null);
      $('answer').focus();
    },
    (err) => { $('search-status').textContent = t('locateFailed', { reason: err.message }); },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}

// -- pause page -------------------------------------------------------------------------------------

function openPause(id, { focus = true } = {}) {
  const pause = state.data.pauses.find((p) => p.id === id);
  if (!pause) return;
  state.pauseId = id;
  $('main-view').hidden = true;
  const page = $('pause-page');
  page.hidden = false;
  page.innerHTML = renderPause(pause);
  const geometry = { type: 'GeometryCollection', geometries: state.zones.filter((z) => z.props.pause_id === id).map((z) => z.feature.geometry) };
  if (geometry.geometries.length) map.fitGeometry(geometry);
  render();
  if (focus) page.querySelector('h2')?.focus();
}

function closePause() {
  const id = state.pauseId;
  state.pauseId = null;
  $('pause-page').hidden = true;
  $('main-view').hidden = false;
  render();
  document.querySelector(`#pause-list [data-open="${CSS.escape(id ?? '')}"]`)?.focus();
}

// -- hash (shareable state) ----------------------------------------------------------------------------

function updateHash() {
  const params = new URLSearchParams();
  if (!state.live) params.set('t', isoUtc(state.t));
  if (state.pick) params.set('at', `${state.pick.lat.toFixed(5)},${state.pick.lon.toFixed(5)}`);
  if (state.pauseId) params.set('pause', state.pauseId);
  const hash = params.toString();
  history.replaceState(null, '', hash ? `#${hash}` : location.pathname);
}

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const at = params.get('t');
  if (at && !Number.isNaN(Date.parse(at))) { state.live = false; state.t = clampTime(Math.floor(Date.parse(at) / 1000)); }
  const place = params.get('at');
  if (place) {
    const [lat, lon] = place.split(',').map(Number);
    if (Number.isFinite(lat) && Number.isFinite(lon)) state.pick = { lon, lat, label: null };
  }
  return params.get('pause');
}

// -- rendering --------------------------------------------------------------------------------------

function renderNet() {
  const offline = state.offline || !navigator.onLine;
  $('net').textContent = offline ? t('offline') : '';
  $('net').className = offline ? 'net net-off' : 'net';
  if (state.data) $('data-asof').textContent = t('dataAsOf', { time: describe(Date.parse(state.data.generated_at) / 1000, state.tz) });
}

function render() {
  if (!state.data) return;
  renderTime();
  const states = zoneStates();
  map.drawZones(state.zones, states, { showInactive: state.showInactive, selectedPause: state.pauseId });
  renderZones(states);
  renderAnswer();
  renderNet();
  updateHash();
}

function applyLanguage(lang, remember) {
  setLanguage(lang, remember);
  translateDocument();
  map?.translate();
  if (state.data) {
    renderPauseList();
    if (state.pauseId) $('pause-page').innerHTML = renderPause(state.data.pauses.find((p) => p.id === state.pauseId));
    if (state.results) runSearch();
    render();
  }
}

function wire() {
  $('lang').addEventListener('click', () => applyLanguage(language() === 'ar' ? 'en' : 'ar', true));
  $('day').addEventListener('change', fromControls);
  $('clock').addEventListener('input', fromControls);
  $('prev-day').addEventListener('click', () => shiftDay(-1));
  $('next-day').addEventListener('click', () => shiftDay(1));
  $('hour-back').addEventListener('click', () => setTime(state.t - 3600));
  $('hour-forward').addEventListener('click', () => setTime(state.t + 3600));
  $('now').addEventListener('click', () => setTime(nowSeconds(), { live: true }));
  $('search-form').addEventListener('submit', runSearch);
  $('locate').addEventListener('click', locateMe);
  $('show-inactive').addEventListener('change', (e) => { state.showInactive = e.target.checked; render(); });
  document.addEventListener('click', (e) => {
    const target = e.target.closest('button');
    if (!target) return;
    if (target.dataset.open) openPause(target.dataset.open);
    else if (target.dataset.result) choose(state.results[Number(target.dataset.result)]);
    else if (target.dataset.jump) setTime(Number(target.dataset.jump));
    else if (target.dataset.back !== undefined) closePause();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.pauseId) closePause();
  });
  window.addEventListener('hashchange', () => {
    if (!state.data) return;
    const pauseId = readHash();
    if (state.pick) map.showPick(state.pick.lon, state.pick.lat);
    if (pauseId && pauseId !== state.pauseId) openPause(pauseId, { focus: false });
    else render();
  });
  window.addEventListener('online', renderNet);
  window.addEventListener('offline', renderNet);
  setInterval(() => { if (state.live && state.data) setTime(nowSeconds(), { live: true }); }, 30000);
}

function registerWorker() {
  if (!('serviceWorker' in navigator)) return Promise.resolve(false);
  return navigator.serviceWorker.register('/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready).then(() => true)
    .catch(() => false);
}

async function start() {
  applyLanguage(initialLanguage(), false);
  wire();
  window.respite.offlineReady = registerWorker();
  $('moment').textContent = t('loading');
  try {
    await load();
  } catch (error) {
    $('moment').textContent = t('loadFailed');
    window.respite.error = String(error);
    readyResolve(false);
    return;
  }
  map = new PauseMap($('map'), { onPick: (lon, lat, label) => check(lon, lat, label) });
  map.drawBasemap(state.layers, state.data.features);
  map.translate();
  state.t = clampTime(nowSeconds());
  const pauseId = readHash();
  renderPauseList();
  if (state.pick) map.showPick(state.pick.lon, state.pick.lat);
  render();
  if (pauseId) openPause(pauseId, { focus: false });
  readyResolve(true);
}

// For tests and power users: the same answer as GET /v1/status, computed here.
window.respite = {
  ready,
  statusAt: (lon, lat, at) => statusAt(state.zones, state.horizon,
    lon, lat, typeof at === 'number' ? at : Math.floor(Date.parse(at) / 1000)),
  check,
  fromWallClock,
  setTime: (at) => setTime(typeof at === 'number' ? at : Math.floor(Date.parse(at) / 1000)),
  state,
  lastStatus: null,
  // Page coordinates of a place on the map (for tests that click it).
  pixel: (lon, lat) => {
    const p = map.map.latLngToContainerPoint([lat, lon]);
    const box = $('map').getBoundingClientRect();
    return [box.left + p.x, box.top + p.y];
  },
  view: (lon, lat, zoom) => map.map.setView([lat, lon], zoom, { animate: false }),
  // The map's current view as [west, south, east, north] (for tests of the framing).
  bounds: () => map.map.getBounds().toBBoxString().split(',').map(Number),
};

start().catch((error) => {
  window.respite.error = String(error);
  readyResolve(false);
});
