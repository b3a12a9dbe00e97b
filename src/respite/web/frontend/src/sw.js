// The service worker: after the first visit the page, its bundle, the basemap, the published
// data and each pause's printable sheet and SMS text work without a network.
// The server prepends `self.RESPITE = {version, precache}` when it serves /sw.js.
const CONFIG = self.RESPITE || { version: 'dev', precache: ['/'] };
const CACHE = `respite-${CONFIG.version}`;
const DATA = 'respite-data';
const IMMUTABLE = [/^\/static\//, /^\/web\/basemap\//];
const FRESH_FIRST = [/^\/$/, /^\/web\/data\.json$/, /^\/pauses\/[^/]+\/print$/, /^\/v1\/pauses\/[^/]+\/summary\.txt$/, /^\/v1\/feeds\//, /^\/v1\/cap/];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(CONFIG.precache.filter((u) => !u.startsWith('/web/data')));
    const data = await caches.open(DATA);
    await data.addAll(CONFIG.precache.filter((u) => u.startsWith('/web/data')));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('respite-') && key !== CACHE && key !== DATA) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

function offlineCopy(response) {
  const headers = new Headers(response.headers);
  headers.set('x-respite-offline', '1');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

async function networkFirst(request, cacheName) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(cacheName)).put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return offlineCopy(hit);
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (IMMUTABLE.some((re) => re.test(path))) {
    event.respondWith(cacheFirst(request));
  } else if (FRESH_FIRST.some((re) => re.test(path))) {
    event.respondWith(networkFirst(request, path.startsWith('/web/data') ? DATA : CACHE));
  }
});
