/*
 * The report form, offline first. Progressive enhancement: without this script (or without
 * IndexedDB) the form posts as it always did.
 *
 * - Each report the form composes gets a client key made here, so the portal files it once
 *   however often it is sent.
 * - "Send" keeps the report in the device's outbox (static/js/outbox.js) first, then sends it:
 *   online, the confirmation page follows; with no connection (or one that breaks) it stays in
 *   the outbox and goes by itself later: Background Sync where the browser has it, otherwise
 *   the next "online" event or visit. If the portal asks for a correction, the form is posted
 *   the ordinary way (its photos by the keys already staged) so the page shows what to fix.
 * - The outbox panel lists what is waiting, refused or sent (tracking code, private link),
 *   with retry, edit and delete. Its texts come translated from the template (data-msg-*).
 * - Registers the service worker that keeps the form for opening offline.
 */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  var panel = document.getElementById("outbox");
  var Outbox = window.CamauOutbox;
  if (!form || !panel || !Outbox || !Outbox.supported()) return;

  var keyInput = form.elements.namedItem("client_key");
  if (!keyInput) return;
  var photoInput = form.querySelector("input[type=file][name=photos]");
  var summary = document.getElementById("outbox-summary");
  var list = document.getElementById("outbox-list");
  var notice = document.getElementById("outbox-notice");
  var urls = { report: panel.dataset.reportUrl, photo: panel.dataset.photoUrl };
  var RETRY_MS = 60 * 1000;
  // Why a report waits, beyond no connection (static/js/outbox.js), and what the panel says.
  var PROBLEMS = { server: "ProblemServer", busy: "ProblemBusy", expired: "ProblemExpired" };
  var handingOver = false;
  var retryTimer = null;

  function text(name, values) {
    return (panel.dataset["msg" + name] || "").replace(/%\((\w+)\)s/g, function (match, key) {
      return values && key in values ? String(values[key]) : match;
    });
  }

  function readCookie(name) {
    var found = document.cookie.split(";").map(function (part) { return part.trim(); })
      .filter(function (part) { return part.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  // The CSRF cookie; a page opened from the worker's copy may be the browser's first visit.
  function csrfToken() {
    var name = panel.dataset.csrfCookie || "csrftoken";
    var token = readCookie(name);
    if (token || navigator.onLine === false) return Promise.resolve(token);
    return fetch(panel.dataset.formUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function () { return readCookie(name); }, function () { return ""; });
  }

  function say(message, kind) {
    var lines = Array.isArray(message) ? message : message ? [message] : [];
    notice.className = "alert alert-" + (kind || "info") + (lines.length ? "" : " d-none");
    notice.textContent = "";
    if (!lines.length) return;
    var first = document.createElement("div");
    first.textContent = lines[0];
    notice.appendChild(first);
    if (lines.length === 1) return;
    var rest = document.createElement("ul");
    rest.className = "mb-0";
    lines.slice(1).forEach(function (line) {
      var element = document.createElement("li");
      element.textContent = line;
      rest.appendChild(element);
    });
    notice.appendChild(rest);
  }

  // ---- The form's client key ----

  function freshKey() { keyInput.value = Outbox.newClientKey(); }

  // A form the portal gave back (an error, nearby reports) keeps the key it was posted with;
  // any other gets a new one, even if the browser restored an old value.
  if (!form.hasAttribute("data-posted") || !keyInput.value) freshKey();
  // That form is the report now, no longer an outbox entry.
  Outbox.remove(keyInput.value).then(render, render);

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    // Back to a page whose report went away: whatever is sent from it now is a new report.
    handingOver = false;
    freshKey();
    setBusy(false);
  });

  // ---- Composing an entry ----

  function formData(submitter) {
    try {
      return new FormData(form, submitter || undefined);
    } catch (error) {
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      return data;
    }
  }

  function entryFrom(submitter, offline) {
    var fields = [];
    var photos = [];
    formData(submitter).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (typeof value !== "string") {
        if (value.size) photos.push({ blob: value, name: value.name, key: "", stagedAt: 0 });
        return;
      }
      // Composed with no connection, no nearby reports could be offered: send it anyway.
      if (offline && name === "nearby_checked") return;
      fields.push([name, value]);
    });
    if (offline) fields.push(["nearby_checked", "True"]);
    return {
      clientKey: keyInput.value,
      state: "waiting",
      createdAt: Date.now(),
      title: (form.elements.namedItem("title") || {}).value || "",
      fields: fields,
      photos: photos,
      csrfToken: readCookie(panel.dataset.csrfCookie || "csrftoken"),
      errors: []
    };
  }

  // ---- Sending from the form ----

  function setBusy(busy) {
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
      button.disabled = busy;
    });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function progress(step) {
    if (step.photo) say(text("SendingPhoto", { number: step.photo, count: step.photos }));
    else say(text("Sending"));
  }

  form.addEventListener("submit", function (event) {
    // photos.js holds the submit while it shrinks photos, then submits again.
    if (handingOver || event.defaultPrevented) return;
    event.preventDefault();
    var submitter = event.submitter || null;
    var offline = navigator.onLine === false;
    var entry = entryFrom(submitter, offline);
    setBusy(true);
    Outbox.put(entry).then(function () {
      keepStorage();
      if (offline) return keptForLater("offline");
      say(text("Sending"));
      return csrfToken().then(function (token) {
        return Outbox.sendOne(entry.clientKey, { urls: urls, csrfToken: token, onProgress: progress });
      }).then(function (outcome) {
        if (outcome.state === "sent") return confirmed(outcome.entry);
        if (outcome.state === "refused") return handOver(outcome.entry, submitter);
        return keptForLater(outcome.problem);
      });
    }, function () {
      // The device would not store it (private browsing, a full disk): post it as before.
      handOver(null, submitter);
    });
  });

  function confirmed(receipt) {
    return Outbox.remove(receipt.clientKey).then(function () {
      startAfresh();
      window.location.assign(receipt.confirmationUrl);
    });
  }

  function keptForLater(problem) {
    requestSync();
    startAfresh();
    say(PROBLEMS[problem] ? text("Kept") + " " + text(PROBLEMS[problem]) : text("Saved"), "warning");
    window.scrollTo(0, 0);
    render();
  }

  // The portal wants a correction: post the form the ordinary way so it shows what and where.
  // Photos it already staged go by their keys instead of being uploaded again.
  function handOver(entry, submitter) {
    handingOver = true;
    var photos = entry ? entry.photos : [];
    if (photos.length && photos.every(function (photo) { return photo.key; })) {
      photos.forEach(function (photo) {
        var kept = document.createElement("input");
        kept.type = "hidden";
        kept.name = "photo_keys";
        kept.value = photo.key;
        form.appendChild(kept);
      });
      if (photoInput) photoInput.value = "";
    }
    return csrfToken().then(function (token) {
      // A page opened from the worker's copy carries a token of no one's; use this browser's.
      if (token && form.elements.namedItem("csrfmiddlewaretoken")) {
        form.elements.namedItem("csrfmiddlewaretoken").value = token;
      }
      if (typeof form.requestSubmit === "function") form.requestSubmit(submitter || undefined);
      else form.submit();
    });
  }

  function startAfresh() {
    form.reset();
    freshKey();
    Array.prototype.forEach.call(form.querySelectorAll("input[name=photo_keys]"), function (input) {
      input.remove();
    });
    var kept = document.getElementById("kept-photos");
    if (kept) kept.remove();
    if (photoInput) photoInput.dispatchEvent(new Event("change"));
    form.dispatchEvent(new CustomEvent("report-form-reset"));
    setBusy(false);
  }

  function requestSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(Outbox.SYNC_TAG);
    }).catch(function () { /* no Background Sync: the "online" event and the next visit send it */ });
  }

  function keepStorage() {
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
  }

  // ---- Sending what waits ----

  function sendWaiting() {
    if (navigator.onLine === false) return Promise.resolve();
    return csrfToken().then(function (token) {
      return Outbox.sendWaiting({ urls: urls, csrfToken: token });
    }).then(function (counts) {
      clearTimeout(retryTimer);
      if (counts.waiting && navigator.onLine !== false) retryTimer = setTimeout(sendWaiting, RETRY_MS);
    }).catch(function () {}).then(render);
  }

  window.addEventListener("online", sendWaiting);

  // ---- The panel ----

  function button(label, action, key, style) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm " + style + " me-2 mt-1";
    element.textContent = label;
    element.dataset.action = action;
    element.dataset.key = key;
    return element;
  }

  function item(entry) {
    var element = document.createElement("li");
    element.className = "border-top pt-2 mt-2 outbox-entry";
    element.dataset.state = entry.state;
    element.dataset.key = entry.clientKey;
    var title = document.createElement("strong");
    title.textContent = entry.title || text("Untitled");
    element.appendChild(title);
    var written = document.createElement("div");
    written.className = "small text-body-secondary";
    written.textContent = text("Written", {
      time: new Date(entry.createdAt).toLocaleString(document.documentElement.lang || undefined)
    });
    element.appendChild(written);
    var state = document.createElement("div");
    state.className = "outbox-state";
    if (entry.state === "sent") {
      state.textContent = text("StateSent") + " ";
      var code = document.createElement("span");
      code.className = "tracking-code fw-semibold outbox-code";
      code.textContent = entry.trackingCode;
      state.appendChild(code);
      element.appendChild(state);
      var open = document.createElement("a");
      open.className = "btn btn-sm btn-primary me-2 mt-1 outbox-private-link";
      open.href = entry.privateUrl;
      open.textContent = text("Open");
      element.appendChild(open);
      element.appendChild(button(text("Hide"), "remove", entry.clientKey, "btn-outline-secondary"));
      return element;
    }
    if (entry.state === "refused") {
      state.className += " text-danger";
      state.textContent = text("StateRefused");
      element.appendChild(state);
      var errors = document.createElement("ul");
      errors.className = "small text-danger mb-1";
      (entry.errors || []).forEach(function (message) {
        var line = document.createElement("li");
        line.textContent = message;
        errors.appendChild(line);
      });
      element.appendChild(errors);
      element.appendChild(button(text("Edit"), "edit", entry.clientKey, "btn-primary"));
    } else {
      state.textContent = text("StateWaiting");
      if (PROBLEMS[entry.problem]) state.textContent += ". " + text(PROBLEMS[entry.problem]);
      element.appendChild(state);
      element.appendChild(button(text("SendNow"), "send", entry.clientKey, "btn-primary"));
    }
    element.appendChild(button(text("Delete"), "delete", entry.clientKey, "btn-outline-danger"));
    return element;
  }

  function render() {
    return Outbox.all().then(function (entries) {
      entries = entries.filter(function (entry) { return entry.clientKey !== keyInput.value; });
      var waiting = entries.filter(function (entry) { return entry.state === "waiting"; }).length;
      summary.textContent = waiting ? text(waiting === 1 ? "WaitingOne" : "WaitingOther", { count: waiting }) : "";
      list.textContent = "";
      entries.forEach(function (entry) { list.appendChild(item(entry)); });
      panel.classList.toggle("d-none", entries.length === 0);
    }).catch(function () { panel.classList.add("d-none"); });
  }

  list.addEventListener("click", function (event) {
    var target = event.target.closest("button[data-action]");
    if (!target) return;
    var key = target.dataset.key;
    var action = target.dataset.action;
    if (action === "send") {
      sendWaiting();
    } else if (action === "remove") {
      Outbox.remove(key).then(render);
    } else if (action === "delete") {
      if (window.confirm(text("ConfirmDelete"))) Outbox.remove(key).then(render);
    } else if (action === "edit") {
      Outbox.get(key).then(function (entry) {
        if (!entry) return;
        restore(entry);
        return Outbox.remove(key);
      }).then(render);
    }
  });

  // Puts a refused report back into the form, photos included, to be corrected and sent.
  function restore(entry) {
    startAfresh();
    keyInput.value = entry.clientKey;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (box) {
      box.checked = false;
    });
    entry.fields.forEach(function (field) {
      var name = field[0];
      var value = field[1];
      if (name === "client_key" || name === "nearby_checked") return;
      if (name === "photo_keys") {
        var kept = document.createElement("input");
        kept.type = "hidden";
        kept.name = name;
        kept.value = value;
        form.appendChild(kept);
        return;
      }
      var element = form.elements.namedItem(name);
      if (!element) return;
      if (element.type === "checkbox") element.checked = true;
      else element.value = value;
    });
    if (photoInput && entry.photos.length && typeof DataTransfer === "function") {
      try {
        var transfer = new DataTransfer();
        entry.photos.forEach(function (photo) {
          transfer.items.add(new File([photo.blob], photo.name, { type: photo.blob.type }));
        });
        photoInput.files = transfer.files;
        photoInput.dispatchEvent(new Event("change"));
      } catch (error) { /* the photos stay behind; the text is back */ }
    }
    form.dispatchEvent(new CustomEvent("report-form-restored"));
    say([text("Restored")].concat(entry.errors || []), "danger");
    window.scrollTo(0, form.offsetTop);
  }

  // ---- The worker ----

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(panel.dataset.workerUrl, { scope: panel.dataset.workerScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        if (registration.active) {
          registration.active.postMessage({ type: "keep-form", language: document.documentElement.lang });
        }
      })
      .catch(function () { /* no worker: the outbox still works while the page is open */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") render();
    });
  }

  Outbox.pruneReceipts(Date.now()).catch(function () {}).then(sendWaiting);
})();
