// The universal form's checks in the browser: the same rules, in the same order, with the same
// words as the server (hub/forms/_template_rules.py, read from the page's #form-rules). The
// server checks again; this only saves her a round trip on a slow phone connection.
(function () {
  "use strict";
  var form = document.getElementById("universal-form");
  var source = document.getElementById("form-rules");
  if (!form || !source) return;
  var rules = JSON.parse(source.textContent);
  var NORMALIZE = {
    strip: function (t) { return t.trim(); },
    remove_spaces: function (t) { return t.split(" ").join(""); },
    remove_commas: function (t) { return t.split(",").join(""); },
    upper: function (t) { return t.toUpperCase(); }
  };
  var ISO = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

  function box(name) { return form.querySelector('[data-field="' + name + '"]'); }
  function input(name) { return form.querySelector('[name="' + name + '"]'); }
  function length(text) { return Array.from(text).length; }  // code points, as Python's len
  function realDate(text) {
    if (!ISO.test(text)) return false;
    var d = new Date(text + "T00:00:00Z");
    return !isNaN(d) && d.toISOString().slice(0, 10) === text;
  }

  // Each field's cleaned value when it passed (null when hidden, empty or invalid), as the
  // server's `after` and `visible_if` read the fields before it.
  function check() {
    var seen = {}, errors = {};
    rules.fields.forEach(function (f) {
      if (f.locked) return;
      var shown = !f.visible_if || holds(f.visible_if, seen[f.visible_if.field]);
      var el = box(f.name);
      if (el && f.visible_if) el.hidden = !shown;
      if (!shown) { seen[f.name] = null; return; }
      var field = input(f.name);
      var text = field ? field.value : "";
      f.normalize.forEach(function (step) { text = NORMALIZE[step](text); });
      if (text === "" && !f.required) { seen[f.name] = null; return; }
      var failed = firstFailure(f, text, seen);
      if (failed === null && text === "") failed = rules.required_message;
      if (failed !== null) { errors[f.name] = failed; seen[f.name] = null; }
      else seen[f.name] = text;
    });
    return errors;
  }

  function holds(cond, value) {
    if (value === null || value === undefined) return false;
    return cond.equals !== undefined ? value === cond.equals : (cond.one_of || []).indexOf(value) >= 0;
  }

  function firstFailure(f, text, seen) {
    for (var i = 0; i < f.rules.length; i++) {
      var r = f.rules[i], ok = true;
      if (r.rule === "date") ok = realDate(text);
      else if (r.rule === "idcard") ok = /^[0-9]{17}[0-9Xx]$/.test(text);
      else if (r.rule === "one_of") ok = r.value.indexOf(text) >= 0;
      else if (r.rule === "pattern") ok = new RegExp(r.value, "u").test(text);
      else if (r.rule === "min_length") ok = length(text) >= r.value;
      else if (r.rule === "max_length") ok = length(text) <= r.value;
      else if (r.rule === "after") ok = !seen[r.value] || text > seen[r.value];
      else if (r.rule === "min") ok = f.type === "date" ? text >= r.value : Number(text) >= r.value;
      else if (r.rule === "max") ok = f.type === "date" ? text <= r.value : Number(text) <= r.value;
      if (!ok) return r.message;
    }
    return null;
  }

  // Fields she has left: while she fills the form, only theirs are judged aloud.
  var touched = {};

  function show(errors, all) {
    rules.fields.forEach(function (f) {
      var el = box(f.name);
      if (!el || f.locked || !(all || touched[f.name])) return;
      var message = errors[f.name], p = el.querySelector(".field-error"), field = input(f.name);
      el.classList.toggle("invalid", !!message);
      if (field) { if (message) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid"); }
      if (p) { p.textContent = message || ""; p.hidden = !message; }
    });
  }

  check();  // hide what its condition hides, before she starts
  form.addEventListener("change", function (event) {
    if (event.target.name) touched[event.target.name] = true;
    show(check(), false);
  });
  form.addEventListener("submit", function (event) {
    var errors = check();
    show(errors, true);
    var first = rules.fields.filter(function (f) { return errors[f.name]; })[0];
    if (first) {
      event.preventDefault();
      var field = input(first.name);
      if (field) field.focus();
      return;
    }
    // A second tap while the first is in flight changes nothing: the server dedupes by client_key.
    var b = document.getElementById("submit-button"); b.disabled = true; b.textContent = "正在提交…";
  });
})();
