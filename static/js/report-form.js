/* The report form's map: a pin to drop and drag, "use my location", the commune suggested
   from the pin, the photo's own location offered, and nearby reports of the same kind.
   Without this script the form still works with plain coordinate fields. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || typeof L === "undefined") return;

  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var communeSelect = document.getElementById("id_commune");
  var categorySelect = document.getElementById("id_category");
  var suggestion = document.getElementById("commune-suggestion");
  var statusBox = document.getElementById("location-status");
  var communeChosenByHand = !!communeSelect.value;

  document.getElementById("map-block").classList.remove("d-none");
  var manual = document.getElementById("coords-manual");
  // Keep the coordinate fields visible when the server flagged them, so the error shows.
  if (!manual.querySelector(".is-invalid")) manual.classList.add("d-none");

  var CA_MAU = [9.18, 105.15];
  var map = L.map("report-map", { tap: true }).setView(CA_MAU, 9);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  var marker = null;

  function setPin(lat, lon, zoom) {
    lat = Math.round(lat * 1e6) / 1e6;
    lon = Math.round(lon * 1e6) / 1e6;
    if (!marker) {
      marker = L.marker([lat, lon], { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        setPin(p.lat, p.lng);
      });
    } else {
      marker.setLatLng([lat, lon]);
    }
    if (zoom) map.setView([lat, lon], zoom);
    latInput.value = lat;
    lonInput.value = lon;
    suggestCommune(lat, lon);
    checkNearby();
  }

  map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng); });
  // Without a pointer: the arrow keys move the map (Leaflet), Enter or Space puts the pin at
  // its centre (the cross-hair), and the commune select or typed coordinates remain.
  var mapBox = map.getContainer();
  mapBox.setAttribute("aria-describedby", "map-keyboard-help");
  mapBox.addEventListener("keydown", function (event) {
    if (event.target !== mapBox || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    var centre = map.getCenter();
    setPin(centre.lat, centre.lng);
    statusBox.textContent = statusBox.dataset.pinPlaced || "";
  });
  document.getElementById("show-coords").addEventListener("click", function () {
    manual.classList.remove("d-none");
    this.setAttribute("aria-expanded", "true");
    latInput.focus();
  });
  if (latInput.value && lonInput.value) {
    setPin(parseFloat(latInput.value), parseFloat(lonInput.value), 15);
  }

  function suggestCommune(lat, lon) {
    var url = form.dataset.communeUrl + "?latitude=" + lat + "&longitude=" + lon;
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        suggestion.classList.remove("text-danger");
        if (!data.inside_province) {
          suggestion.textContent = data.message || "";
          suggestion.classList.add("text-danger");
          return;
        }
        if (!communeChosenByHand) {
          communeSelect.value = String(data.commune.id);
        }
        suggestion.textContent = (communeSelect.dataset.suggestedLabel || "") + " " + data.commune.name;
      })
      .catch(function () { /* the select still works by hand */ });
  }

  communeSelect.addEventListener("change", function () { communeChosenByHand = true; });
  communeSelect.dataset.suggestedLabel = suggestion.dataset.label || "";

  // A filter box for the 64 communes: hides options that do not match, ignoring accents.
  var filter = document.getElementById("commune-filter");
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  filter.classList.remove("d-none");
  filter.addEventListener("input", function () {
    var wanted = fold(filter.value.trim());
    var first = null;
    Array.prototype.forEach.call(communeSelect.options, function (option) {
      var match = !option.value || fold(option.text).indexOf(wanted) !== -1;
      option.hidden = !match;
      if (match && option.value && !first) first = option;
    });
    if (wanted && first) { communeSelect.value = first.value; communeChosenByHand = true; }
  });

  document.getElementById("use-my-location").addEventListener("click", function () {
    if (!navigator.geolocation) { statusBox.textContent = statusBox.dataset.unavailable || ""; return; }
    statusBox.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      statusBox.textContent = "";
      setPin(pos.coords.latitude, pos.coords.longitude, 17);
    }, function () {
      statusBox.textContent = statusBox.dataset.failed || "";
    }, { enableHighAccuracy: true, timeout: 15000 });
  });

  var gpsOffer = document.getElementById("photo-gps-offer");
  var offered = null;
  function offerPhotoLocation(lat, lon) {
    offered = [lat, lon];
    gpsOffer.classList.remove("d-none");
  }
  document.getElementById("use-photo-gps").addEventListener("click", function () {
    if (offered) setPin(offered[0], offered[1], 17);
    gpsOffer.classList.add("d-none");
  });
  form.addEventListener("photo-gps", function (e) {
    offerPhotoLocation(e.detail.lat, e.detail.lon);
  });
  var serverGps = document.getElementById("server-photo-gps");
  if (serverGps && !marker) offerPhotoLocation(parseFloat(serverGps.dataset.lat), parseFloat(serverGps.dataset.lon));

  var nearbyBox = document.getElementById("nearby-live");
  function checkNearby() {
    if (!categorySelect.value || !latInput.value || !lonInput.value) return;
    var url = form.dataset.nearbyUrl + "?category=" + encodeURIComponent(categorySelect.value) +
      "&latitude=" + latInput.value + "&longitude=" + lonInput.value;
    fetch(url).then(function (r) { return r.text(); }).then(function (html) {
      nearbyBox.innerHTML = html;
    }).catch(function () {});
  }
  categorySelect.addEventListener("change", checkNearby);

  // The outbox (report-outbox.js) empties the form after keeping a report on the device, or
  // fills it again to correct one: the pin follows the coordinate fields.
  function pinFromFields() {
    communeChosenByHand = !!communeSelect.value;
    suggestion.textContent = "";
    nearbyBox.textContent = "";
    if (latInput.value && lonInput.value) {
      setPin(parseFloat(latInput.value), parseFloat(lonInput.value), 15);
    } else if (marker) {
      map.removeLayer(marker);
      marker = null;
    }
  }
  form.addEventListener("report-form-reset", pinFromFields);
  form.addEventListener("report-form-restored", pinFromFields);
})();
