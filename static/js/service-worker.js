/*
 * The report form's service worker, loaded by /sw.js after its settings (self.CAMAU_OFFLINE:
 * version, formUrl, precache, outbox urls, csrfCookieName; see reports/intake/offline.py).
 *
 * - Keeps the form's scripts, styles and map pin images (the precache list), and one copy of
 *   the form page itself as a visitor without an account sees it, in the visitor's language:
 *   fetched without cookies, so it holds no one's name, email or phone.
 * - Opening the form: the network first; with no answer in a few seconds (one bar, or none),
 *   the kept copy. Its files: the kept copy first (their names change with every release).
 * - Nothing else is kept: staff pages, accounts, private links and every other response go
 *   to the network untouched.
 * - Background Sync: sends the outbox (static/js/outbox.js) when the connection returns.
 */
(function () {
  "use strict";

  var config = self.CAMAU_OFFLINE;
  var Outbox = self.CamauOutbox;
  var CACHE_PREFIX = "camau-offline-";
  var CACHE = CACHE_PREFIX + config.version;
  var NETWORK_WAIT_MS = 4000;
  var FORM_COPY_MAX_AGE_MS = 24 * 3600 * 1000;
  var LANGUAGE_HEADER = "X-Offline-Language";
  var KEPT_AT_HEADER = "X-Offline-Kept-At";

  var formUrl = new URL(config.formUrl, self.location.origin).href;
  var precached = {};
  config.precache.forEach(function (url) { precached[new URL(url, self.location.origin).href] = true; });

  self.addEventListener("install", function (event) {
    event.waitUntil(
      caches.open(CACHE)
        .then(function (cache) { return cache.addAll(config.precache); })
        .then(function () { return self.skipWaiting(); })
    );
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(CACHE_PREFIX) === 0 && name !== CACHE;
        }).map(function (name) { return caches.delete(name); }));
      }).then(function () { return self.clients.claim(); })
    );
  });

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") return;
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) return;
    if (request.mode === "navigate" && url.origin + url.pathname === formUrl) {
      event.respondWith(formPage(request));
    } else if (precached[url.origin + url.pathname]) {
      event.respondWith(keptFirst(request));
    }
  });

  function formPage(request) {
    var network = fetch(request);
    var answered = network.then(function (response) {
      return response.status >= 500 ? null : response;
    }, function () { return null; });
    var patience = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT_MS, null); });
    return Promise.race([answered, patience]).then(function (response) {
      if (response) return response;
      return caches.open(CACHE).then(function (cache) {
        return cache.match(formUrl, { ignoreSearch: true, ignoreVary: true });
      }).then(function (kept) { return kept || network; });
    });
  }

  function keptFirst(request) {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (kept) {
        return kept || fetch(request);
      });
    });
  }

  // The page asks for its copy to be kept, in the language it is shown in. Renewed once a day
  // (categories and communes change rarely) or when the language changes.
  function keepFormCopy(language) {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(formUrl).then(function (kept) {
        if (kept && kept.headers.get(LANGUAGE_HEADER) === language &&
            Date.now() - Number(kept.headers.get(KEPT_AT_HEADER)) < FORM_COPY_MAX_AGE_MS) {
          return null;
        }
        return fetch(formUrl, {
          credentials: "omit",
          cache: "no-store",
          headers: { "Accept-Language": language }
        }).then(function (response) {
          if (!response.ok) return null;
          return response.blob().then(function (body) {
            // Only what describes the body: the rest (cookies, encodings, lengths) was the
            // network's business.
            var headers = new Headers({ "Content-Type": response.headers.get("Content-Type") });
            headers.set(LANGUAGE_HEADER, language);
            headers.set(KEPT_AT_HEADER, String(Date.now()));
            return cache.put(formUrl, new Response(body, { status: 200, headers: headers }));
          });
        });
      });
    }).catch(function () { /* offline: keep what is there */ });
  }

  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "keep-form" && typeof data.language === "string") {
      event.waitUntil(keepFormCopy(data.language));
    }
  });

  function csrfToken() {
    if (!self.cookieStore) return Promise.resolve("");
    return self.cookieStore.get(config.csrfCookieName).then(function (cookie) {
      return cookie ? cookie.value : "";
    }, function () { return ""; });
  }

  function tellPages() {
    return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (pages) {
      pages.forEach(function (page) { page.postMessage({ type: "outbox-changed" }); });
    });
  }

  self.addEventListener("sync", function (event) {
    if (event.tag !== Outbox.SYNC_TAG) return;
    event.waitUntil(
      csrfToken().then(function (token) {
        return Outbox.sendWaiting({ urls: config.outbox, csrfToken: token });
      }).then(function (counts) {
        return tellPages().then(function () {
          // Still waiting: fail, so the browser tries again later.
          if (counts.waiting) throw new Error("outbox: reports still waiting");
        });
      })
    );
  });
})();
