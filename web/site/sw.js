/* dmaviz: the page offline once loaded. Network first, so a new build is used as soon as the
 * server has it; the cache answers only when the network does not (offline, a server gone). */
'use strict';
const CACHE = 'dmaviz-v1';
const FILES = ['./', 'index.html', 'app.js', 'style.css', 'dmaviz.js', 'dmaviz.wasm'];

self.addEventListener('install', (e) => {
	e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (e) => {
	const url = new URL(e.request.url);
	if (e.request.method !== 'GET' || url.origin !== location.origin)
		return;
	e.respondWith(fetch(e.request).then((r) => {
		if (r.ok) {
			const copy = r.clone();
			caches.open(CACHE).then((c) => c.put(e.request, copy));
		}
		return r;
	}).catch(() => caches.match(e.request, { ignoreSearch: true })));
});
