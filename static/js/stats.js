/* Draws the statistics charts from the numbers the page also shows as tables. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var styles = getComputedStyle(document.documentElement);
  var open = styles.getPropertyValue("--portal-open").trim() || "#d97706";
  var fixed = styles.getPropertyValue("--portal-fixed").trim() || "#15803d";

  var categories = document.getElementById("chart-categories");
  if (categories && data.categories.labels.length) {
    new Chart(categories, {
      type: "bar",
      data: {
        labels: data.categories.labels,
        datasets: [{ label: data.labels.received, data: data.categories.received, backgroundColor: open }]
      },
      options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false } },
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var weekly = document.getElementById("chart-weekly");
  if (weekly && data.weekly.labels.length) {
    new Chart(weekly, {
      type: "line",
      data: {
        labels: data.weekly.labels,
        datasets: [
          { label: data.labels.received, data: data.weekly.received, borderColor: open, backgroundColor: open, tension: 0.2 },
          { label: data.labels.resolved, data: data.weekly.resolved, borderColor: fixed, backgroundColor: fixed, tension: 0.2 }
        ]
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
})();
