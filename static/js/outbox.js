/*
 * The device's outbox: reports kept in IndexedDB until the portal has filed them.
 *
 * Shared by the report form page (static/js/report-outbox.js) and the service worker
 * (static/js/service-worker.js, Background Sync), so it touches neither the page nor the worker.
 *
 * An entry is one report, keyed by the client key the device made for it; the server files one
 * report per key, so sending an entry again after a lost answer is always safe. Its photos go
 * up one at a time and each one's staged key is kept as soon as it arrives: a connection cut
 * half-way resends only the photo it interrupted, and a photo sent twice is staged once.
 *
 *   waiting  composed, not yet filed (sent by the page or the worker when they can)
 *   refused  the portal answered that something must be corrected; waits for the person
 *   sent     filed: only the title, the tracking code and the links are kept (the receipt);
 *            the text, the contact details and the photos are gone from the device
 */
(function (root) {
  "use strict";

  var DB_NAME = "camau-outbox";
  var STORE = "reports";
  var LOCK_NAME = "camau-outbox-send";
  var SYNC_TAG = "camau-outbox";
  // The portal discards photos staged and never attached after a day: an older key is sent
  // again (the same photo still staged answers with the same key).
  var PHOTO_KEY_LIFETIME_MS = 12 * 3600 * 1000;
  var RECEIPT_LIFETIME_MS = 30 * 24 * 3600 * 1000;

  function supported() {
    return typeof root.indexedDB !== "undefined" && typeof root.fetch === "function" &&
      typeof root.FormData === "function" && typeof root.Promise === "function";
  }

  function newClientKey() {
    var crypto = root.crypto;
    if (crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ---- Storage ----

  var opening = null;

  function database() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = root.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "clientKey" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { opening = null; reject(request.error); };
      });
    }
    return opening;
  }

  function withStore(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function all() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (entries) {
      return entries.sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }

  function get(clientKey) {
    return withStore("readonly", function (store) { return store.get(clientKey); });
  }

  function put(entry) {
    return withStore("readwrite", function (store) { return store.put(entry); });
  }

  function remove(clientKey) {
    return withStore("readwrite", function (store) { return store.delete(clientKey); });
  }

  function pruneReceipts(now) {
    return all().then(function (entries) {
      return Promise.all(entries.filter(function (entry) {
        return entry.state === "sent" && now - entry.sentAt > RECEIPT_LIFETIME_MS;
      }).map(function (entry) { return remove(entry.clientKey); }));
    });
  }

  // ---- Sending ----

  function post(url, body, csrfToken) {
    return root.fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken || "" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }, function () {
      return { status: 0, data: {} }; // no connection, or it broke before the answer came
    });
  }

  // What a refusal means for the entry: the person must correct it, or it is tried again.
  function outcomeOf(answer) {
    var errors = answer.data.errors || [];
    if (answer.status === 0) return { state: "waiting", problem: "offline", errors: [] };
    if (answer.status === 400) return { state: "refused", problem: "invalid", errors: errors };
    if (answer.status === 409) return { state: "refused", problem: "nearby", errors: errors };
    if (answer.status === 429) return { state: "waiting", problem: "busy", errors: [] };
    if (answer.status === 403) return { state: "waiting", problem: "expired", errors: [] };
    return { state: "waiting", problem: "server", errors: [] };
  }

  function receiptOf(entry, data) {
    return {
      clientKey: entry.clientKey,
      state: "sent",
      title: entry.title,
      createdAt: entry.createdAt,
      sentAt: Date.now(),
      trackingCode: data.tracking_code,
      confirmationUrl: data.confirmation_url,
      privateUrl: data.private_url
    };
  }

  function settle(entry, outcome) {
    if (outcome.state === "sent") {
      var receipt = receiptOf(entry, outcome.data);
      return put(receipt).then(function () { return { state: "sent", entry: receipt }; });
    }
    entry.state = outcome.state;
    entry.problem = outcome.problem;
    entry.errors = outcome.errors;
    entry.attempts = (entry.attempts || 0) + 1;
    entry.lastAttemptAt = Date.now();
    return put(entry).then(function () {
      return { state: outcome.state, problem: outcome.problem, errors: outcome.errors, entry: entry };
    });
  }

  function sendPhotos(entry, options) {
    var photos = entry.photos || [];
    var now = Date.now();
    return photos.reduce(function (previous, photo, index) {
      return previous.then(function (stopped) {
        if (stopped) return stopped;
        if (photo.key && now - photo.stagedAt < PHOTO_KEY_LIFETIME_MS) return null;
        if (options.onProgress) options.onProgress({ photo: index + 1, photos: photos.length });
        var body = new FormData();
        body.append("client_key", entry.clientKey);
        body.append("photo", photo.blob, photo.name);
        return post(options.urls.photo, body, options.csrfToken).then(function (answer) {
          if (answer.status !== 201 || !answer.data.key) return outcomeOf(answer);
          photo.key = answer.data.key;
          photo.stagedAt = Date.now();
          return put(entry).then(function () { return null; });
        });
      });
    }, Promise.resolve(null));
  }

  // Sends one entry (its photos, then the report) and records the outcome in the outbox.
  // options: urls {report, photo}, csrfToken, onProgress({photo, photos} | {report: true}).
  function send(entry, options) {
    var token = options.csrfToken || entry.csrfToken;
    var withToken = { urls: options.urls, csrfToken: token, onProgress: options.onProgress };
    return sendPhotos(entry, withToken).then(function (stopped) {
      if (stopped) return settle(entry, stopped);
      if (options.onProgress) options.onProgress({ report: true });
      var body = new FormData();
      entry.fields.forEach(function (field) { body.append(field[0], field[1]); });
      (entry.photos || []).forEach(function (photo) { body.append("photo_keys", photo.key); });
      return post(options.urls.report, body, token).then(function (answer) {
        if (answer.status === 200 && answer.data.tracking_code) {
          return settle(entry, { state: "sent", data: answer.data });
        }
        return settle(entry, outcomeOf(answer));
      });
    });
  }

  // One sender at a time across the page's tabs and the worker.
  function exclusively(work) {
    var locks = root.navigator && root.navigator.locks;
    if (locks && typeof locks.request === "function") return locks.request(LOCK_NAME, work);
    return work();
  }

  // Sends the entry with this key unless another sender got there first.
  function sendOne(clientKey, options) {
    return exclusively(function () {
      return get(clientKey).then(function (entry) {
        if (!entry) return { state: "missing" };
        if (entry.state === "sent") return { state: "sent", entry: entry };
        return send(entry, options);
      });
    });
  }

  // Sends every waiting entry, oldest first; stops at the first sign of no connection.
  // Resolves to how many ended sent, waiting and refused.
  function sendWaiting(options) {
    return exclusively(function () {
      return all().then(function (entries) {
        var counts = { sent: 0, waiting: 0, refused: 0 };
        var offline = false;
        return entries.reduce(function (previous, entry) {
          return previous.then(function () {
            if (entry.state !== "waiting") return null;
            if (offline) { counts.waiting += 1; return null; }
            return send(entry, options).then(function (outcome) {
              counts[outcome.state] += 1;
              offline = outcome.problem === "offline";
            });
          });
        }, Promise.resolve()).then(function () { return counts; });
      });
    });
  }

  root.CamauOutbox = {
    SYNC_TAG: SYNC_TAG,
    supported: supported,
    newClientKey: newClientKey,
    all: all,
    get: get,
    put: put,
    remove: remove,
    pruneReceipts: pruneReceipts,
    sendOne: sendOne,
    sendWaiting: sendWaiting
  };
})(self);
