// dueprocess — progressive enhancement only: every page works without this file.
// Stops a double click from sending a form twice (the server would refuse the second as
// stale, but the person would see an error for something that worked).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("aria-busy", "true");
  });
  // Coming back to a page from the browser history: forms are usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy]").forEach(function (form) {
      form.removeAttribute("aria-busy");
    });
  });
})();
