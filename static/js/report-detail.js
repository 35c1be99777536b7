(function () {
  "use strict";
  var box = document.getElementById("detail-map");
  if (!box || typeof L === "undefined") return;
  var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  var map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  L.marker(point).addTo(map);
})();
