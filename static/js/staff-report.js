// Report workbench: the map pin, and response templates that fill an answer box.
(function () {
  "use strict";
  var map = document.getElementById("staff-map");
  if (map && window.L) {
    var lat = parseFloat(map.dataset.lat), lon = parseFloat(map.dataset.lon);
    var leaflet = L.map(map).setView([lat, lon], 16);
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "&copy; OpenStreetMap"
    }).addTo(leaflet);
    L.marker([lat, lon]).addTo(leaflet);
  }
  var data = document.getElementById("response-templates");
  var templates = data ? JSON.parse(data.textContent) : [];
  document.querySelectorAll("select.template-picker").forEach(function (picker) {
    picker.addEventListener("change", function () {
      var chosen = templates[parseInt(picker.value, 10)];
      var target = document.getElementById(picker.dataset.target);
      if (chosen && target) {
        target.value = target.value ? target.value + "\n\n" + chosen.body : chosen.body;
        target.focus();
      }
      picker.value = "";
    });
  });
})();
