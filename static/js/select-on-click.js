// Fields marked data-select-on-click select their whole text when clicked, ready to copy
// (the reporter's private link).
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-click]").forEach(function (field) {
    field.addEventListener("click", function () { field.select(); });
  });
})();
