// Staff report list: select rows for a bulk action; show only the field the action needs.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) return;
  var all = document.getElementById("select-all");
  var rows = form.querySelectorAll(".row-select");
  var counter = document.getElementById("selected-count");
  var action = document.getElementById("bulk-action");
  function refresh() {
    counter.textContent = form.querySelectorAll(".row-select:checked").length;
    form.querySelectorAll(".bulk-field").forEach(function (el) {
      el.hidden = el.dataset.for !== action.value;
    });
  }
  if (all) {
    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
  }
  rows.forEach(function (box) { box.addEventListener("change", refresh); });
  action.addEventListener("change", refresh);
  refresh();
})();
