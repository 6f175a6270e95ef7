/* Baton's small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // A second click on a submit button while the first request is on its way does nothing.
  // (The server refuses replays too: this only spares the person a confusing second answer.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.allowResubmit !== undefined) return;
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    var message = form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
      });
    }, 0);
  });

  // Back from the browser cache: forms are usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-disabled]").forEach(function (b) { b.removeAttribute("aria-disabled"); });
    });
  });

  // Links and buttons marked data-print print the page.
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
