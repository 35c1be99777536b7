(function () {
  "use strict";
  var box = document.getElementById("home-map");
  if (!box || typeof L === "undefined") return;
  var points = [];
  try { points = JSON.parse(document.getElementById("home-map-data").textContent); } catch (e) { points = []; }
  var map = L.map(box, { scrollWheelZoom: false }).setView([9.18, 105.15], 9);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  var colours = { open: "#d97706", fixed: "#15803d", closed: "#6b7280" };
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], { radius: 8, color: colours[p.group] || "#0d6efd", fillOpacity: 0.8 });
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.title;
    marker.bindPopup(link);
    marker.addTo(map);
  });
})();
