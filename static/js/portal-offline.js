/* Keep an unsent session log on this phone (issue 15, "offline-tolerant").
 *
 * The log form is saved to localStorage as the patient types and again just before it is
 * sent. Offline, sending is stopped and the patient is told it was NOT sent; the saved form
 * comes back the next time the page opens. The page shown after a successful send clears it.
 * No framework, no inline script: served by the site under the strict CSP.
 */
(function () {
  "use strict";

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function read(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else {
        data[el.name] = [el.value];
      }
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "submit") { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = data[el.name].indexOf(el.value) !== -1;
      } else if (el.name !== "csrfmiddlewaretoken") {
        el.value = data[el.name][0];
      }
    });
  }

  function say(note, text) {
    if (!note) { return; }
    note.textContent = text;
    note.hidden = false;
  }

  function setUpForm(form) {
    var key = form.getAttribute("data-offline-key");
    var note = document.getElementById("offline-note");
    var box = store();
    if (!box) { return; }
    var saved = box.getItem(key);
    // A page that came back with server errors already holds the input: keep it as it is.
    if (saved && !form.querySelector(".errorlist")) {
      try {
        restore(form, JSON.parse(saved));
        say(note, "This session was not sent yet. Check it and press Send.");
      } catch (e) { box.removeItem(key); }
    }
    var save = function () { box.setItem(key, JSON.stringify(read(form))); };
    form.addEventListener("change", save);
    form.addEventListener("input", save);
    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        // Not sent, so not "on its way": keep baton.js from blocking the next press of Send.
        event.stopPropagation();
        say(note, "You are offline: your session was NOT sent. It is kept on this phone; " +
          "press Send again when you are back online.");
        if (note && note.scrollIntoView) { note.scrollIntoView({block: "center"}); }
      }
    });
    window.addEventListener("online", function () {
      if (box.getItem(key)) { say(note, "You are back online. Press Send to send your session."); }
    });
  }

  function clearSent(el) {
    var box = store();
    if (box) { box.removeItem(el.getAttribute("data-sent-key")); }
  }

  document.querySelectorAll("form[data-offline-key]").forEach(setUpForm);
  document.querySelectorAll("[data-sent-key]").forEach(clearSent);
}());
