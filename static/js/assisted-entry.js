/* The assisted entry form: an optional map pin that fills the coordinate fields, and, after a
   refused attempt, the focus on the list of errors so a screen reader reads it first.
   Without this script the form works with the coordinate fields alone. */
(function () {
  "use strict";
  var form = document.getElementById("assisted-form");
  if (!form) return;

  var errors = document.querySelector("#form-errors .alert");
  if (errors) {
    errors.setAttribute("tabindex", "-1");
    errors.focus();
  }

  if (typeof L === "undefined") return;
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  document.getElementById("entry-map-block").classList.remove("d-none");
  // A pin is dropped with the pointer, so the map stays out of the Tab order: typing during a
  // call goes from the address straight on to the coordinates, photos and the consent.
  var map = L.map("entry-map", { keyboard: false }).setView([9.18, 105.15], 9);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  map.getContainer().setAttribute("tabindex", "-1");
  Array.prototype.forEach.call(map.getContainer().querySelectorAll("a"), function (link) {
    link.setAttribute("tabindex", "-1");
  });
  var marker = null;

  function setPin(lat, lon) {
    lat = Math.round(lat * 1e6) / 1e6;
    lon = Math.round(lon * 1e6) / 1e6;
    if (!marker) {
      marker = L.marker([lat, lon], { draggable: true }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        setPin(p.lat, p.lng);
      });
    } else {
      marker.setLatLng([lat, lon]);
    }
    latInput.value = lat;
    lonInput.value = lon;
  }

  map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng); });
  if (latInput.value && lonInput.value) {
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    if (isFinite(lat) && isFinite(lon)) {
      setPin(lat, lon);
      map.setView([lat, lon], 15);
    }
  }
})();
