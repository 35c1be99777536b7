// Leaflet finds its default marker images through a CSS url() in leaflet.css. In production the
// static files have hashed names and collectstatic rewrites that url, which defeats Leaflet's
// lookup (the pin would load "nullmarker-icon.png"). Point Leaflet at the images folder beside
// leaflet.js instead: collectstatic keeps the unhashed copies there too.
(function () {
  "use strict";
  if (!window.L) return;
  var script = document.querySelector('script[src*="vendor/leaflet/leaflet"]');
  if (script) L.Icon.Default.imagePath = script.src.replace(/[^/]*$/, "") + "images/";
})();
