/* The trainer's packet page. Loaded from the site (no inline script: the CSP stays strict);
   every form works without it.
   1. The refer-back form shows the urgent-care guidance as soon as an always-escalate symptom
      is ticked.
   2. The plan form checks the item against the restrictions while it is being filled in
      (POST …/check/, nothing saved) and offers the exception request when it is blocked. */
(function () {
  "use strict";

  function wireUrgent(form) {
    var guidance = form.querySelector("[data-urgent-guidance]");
    if (!guidance) { return; }
    var boxes = form.querySelectorAll("input[data-urgent]");
    function update() {
      var any = false;
      boxes.forEach(function (box) { if (box.checked) { any = true; } });
      guidance.hidden = !any;
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }
  document.querySelectorAll("form[data-urgent-form]").forEach(wireUrgent);

  function value(form, name) {
    var field = form.elements[form.dataset.prefix + name];
    return field ? field.value.trim() : "";
  }
  function checked(form, name) {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name='" + form.dataset.prefix + name + "']:checked"),
      function (box) { return box.value; });
  }
  function number(text) { return text === "" ? null : Number(text); }

  function item(form) {
    var data = {
      sets: number(value(form, "sets")),
      per_week: number(value(form, "per_week")),
      reps: number(value(form, "reps")),
      seconds: number(value(form, "seconds"))
    };
    var exercise = value(form, "exercise");
    if (exercise) {
      data.exercise = Number(exercise);
    } else {
      data.name = value(form, "name");
      data.body_regions = checked(form, "body_regions");
      data.patterns = checked(form, "patterns");
      if (value(form, "impact")) { data.impact = value(form, "impact"); }
    }
    if (value(form, "load_value")) { data.load_value = value(form, "load_value"); }
    if (value(form, "load_unit")) { data.load_unit = value(form, "load_unit"); }
    if (value(form, "load")) { data.load = value(form, "load"); }
    return data;
  }

  function line(text, className) {
    var li = document.createElement("li");
    li.textContent = text;
    if (className) { li.className = className; }
    return li;
  }

  function show(form, result) {
    var box = form.querySelector("[data-plan-result]");
    var exception = form.querySelector("[data-exception-box]");
    var blocks = result.conflicts.filter(function (c) { return c.severity === "block"; });
    var warns = result.conflicts.filter(function (c) { return c.severity !== "block"; });
    box.textContent = "";
    var panel = document.createElement("div");
    var title = document.createElement("p");
    title.className = "alert__title";
    var list = document.createElement("ul");
    if (blocks.length) {
      panel.className = "alert alert--error";
      title.textContent = "This item breaks a restriction";
      blocks.forEach(function (c) { list.appendChild(line(c.message)); });
    } else if (warns.length) {
      panel.className = "alert alert--warning";
      title.textContent = "Allowed, but check this";
    } else {
      panel.className = "alert alert--success";
      title.textContent = "Within the restrictions";
    }
    warns.forEach(function (c) { list.appendChild(line(c.message)); });
    result.unchecked.forEach(function (u) { list.appendChild(line("Not checked: " + u.reason, "muted")); });
    panel.appendChild(title);
    if (list.children.length) { panel.appendChild(list); }
    if (blocks.length) {
      var hint = document.createElement("p");
      hint.textContent = "Choose another exercise, or ask the therapist to allow it.";
      panel.appendChild(hint);
    }
    box.appendChild(panel);
    exception.hidden = !blocks.length;
    var reason = form.elements[form.dataset.prefix + "exception_reason"];
    if (blocks.length && reason && !reason.value.trim()) {
      reason.value = "Please allow this exercise: I will supervise it and stop if pain passes the ceiling.";
    }
    if (!blocks.length && reason) { reason.value = ""; }
  }

  function wirePlan(form) {
    var url = form.dataset.planCheck;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!url || !token || !window.fetch) { return; }
    form.dataset.prefix = "plan_add-";
    var timer = null;
    var sequence = 0;
    function check() {
      var mine = ++sequence;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token.value },
        body: JSON.stringify({ items: [item(form)] })
      }).then(function (response) {
        if (!response.ok) { return null; }  // an incomplete item: nothing to say yet
        return response.json();
      }).then(function (result) {
        if (result && mine === sequence) { show(form, result); }
      }).catch(function () { /* the server checks again on submit */ });
    }
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 300);
    }
    form.addEventListener("change", later);
    form.addEventListener("input", later);
  }
  document.querySelectorAll("form[data-plan-check]").forEach(wirePlan);
})();
