/* The public map: asks the server for what lies in the visible box and draws it.
 * The server answers with points (drawn as clustered markers) or, for a crowded box, with
 * counts per grid cell (drawn as numbered circles; clicking one zooms in). */
(function () {
  "use strict";
  var element = document.getElementById("report-map");
  if (!element || !window.L) { return; }
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var statusLine = document.getElementById("map-status");
  var GROUPS = ["open", "fixed", "closed"];

  var map = L.map(element, { minZoom: 7, maxZoom: 18 });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  map.fitBounds(JSON.parse(element.dataset.bounds));

  function dominant(counts) {
    var best = 0;
    for (var i = 1; i < counts.length; i++) { if (counts[i] > counts[best]) { best = i; } }
    return GROUPS[best];
  }

  var clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) {
      var counts = [0, 0, 0];
      cluster.getAllChildMarkers().forEach(function (m) { counts[m.options.group] += 1; });
      var n = cluster.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 38 : 46;
      return L.divIcon({
        html: "<span>" + n + "</span>",
        className: "map-cell map-cell-" + dominant(counts),
        iconSize: [size, size]
      });
    }
  }).addTo(map);
  var cells = L.layerGroup().addTo(map);

  function summaryUrl(code) { return element.dataset.summaryUrl.replace("CODE", encodeURIComponent(code)); }

  function popupContent(data) {
    var box = document.createElement("div");
    box.className = "map-popup";
    if (data.photo) {
      var img = document.createElement("img");
      img.src = data.photo; img.alt = ""; img.loading = "lazy";
      box.appendChild(img);
    }
    var title = document.createElement("strong");
    title.textContent = data.title;
    box.appendChild(title);
    var meta = document.createElement("div");
    meta.className = "small text-body-secondary";
    meta.textContent = data.category + " · " + data.commune + " · " + data.date;
    box.appendChild(meta);
    var badge = document.createElement("span");
    badge.className = "status-badge status-" + (data.status_code || data.group);
    badge.textContent = data.status;
    box.appendChild(badge);
    var link = document.createElement("a");
    link.href = data.url; link.className = "d-block mt-1"; link.textContent = labels.view;
    box.appendChild(link);
    return box;
  }

  function pointMarker(point) {
    var group = GROUPS[point[3]];
    var marker = L.marker([point[1], point[2]], {
      group: point[3],
      keyboard: true,
      title: point[0],
      icon: L.divIcon({ className: "", html: '<span class="map-dot map-dot-' + group + '"></span>', iconSize: [14, 14] })
    });
    marker.bindPopup(labels.loading);
    marker.on("popupopen", function () {
      fetch(summaryUrl(point[0]), { headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { marker.setPopupContent(popupContent(data)); })
        .catch(function () { marker.setPopupContent(labels.error); });
    });
    return marker;
  }

  function cellMarker(cell) {
    var n = cell[2];
    var size = Math.round(22 + Math.min(22, Math.log10(n + 1) * 8));
    var marker = L.marker([cell[0], cell[1]], {
      keyboard: true,
      title: n + " " + labels.reports,
      icon: L.divIcon({
        className: "map-cell map-cell-" + dominant(cell.slice(3, 6)),
        html: "<span>" + n.toLocaleString() + "</span>",
        iconSize: [size, size]
      })
    });
    marker.on("click", function () { map.setView(marker.getLatLng(), map.getZoom() + 2); });
    return marker;
  }

  var controller = null;
  var timer = null;
  function load() {
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    var query = "bbox=" + map.getBounds().toBBoxString();
    if (element.dataset.querystring) { query += "&" + element.dataset.querystring; }
    statusLine.textContent = labels.loading;
    fetch(element.dataset.dataUrl + "?" + query, {
      headers: { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        clusters.clearLayers();
        cells.clearLayers();
        var total = 0;
        if (data.mode === "points") {
          clusters.addLayers(data.points.map(pointMarker));
          total = data.points.length;
        } else {
          data.cells.forEach(function (cell) { cells.addLayer(cellMarker(cell)); total += cell[2]; });
        }
        statusLine.textContent = labels.shown.replace("%(count)s", total.toLocaleString());
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        statusLine.textContent = labels.error;
      });
  }
  map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
  load();
})();
