// The universal form's checks in the browser: the same rules, in the same order, with the same
// words as the server (hub/forms/_template_rules.py, read from the page's #form-rules). The
// server checks again; this only saves her a round trip on a slow phone connection. Repeating
// groups (家庭成员…) get their items added and removed here; an item's inputs are named
// <group>.<index>.<field>, as the server reads them.
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

  function box(key) { return form.querySelector('[data-field="' + key + '"]'); }
  function input(key) { return form.querySelector('[name="' + key + '"]'); }
  function length(text) { return Array.from(text).length; }  // code points, as Python's len
  function realDate(text) {
    if (!ISO.test(text)) return false;
    var d = new Date(text + "T00:00:00Z");
    return !isNaN(d) && d.toISOString().slice(0, 10) === text;
  }
  function holds(cond, value) {
    if (value === null || value === undefined) return false;
    return cond.equals !== undefined ? value === cond.equals : (cond.one_of || []).indexOf(value) >= 0;
  }

  // One field under its input name `key`; `seen` holds the cleaned values of the fields before
  // it (null when hidden, empty or invalid), as the server's `after` and `visible_if` read them.
  function checkField(f, key, seen, errors) {
    var el = box(key);
    // Locked: the store's (a family member from the store is locked item by item: data-locked).
    if (f.locked || (el && el.hasAttribute("data-locked"))) return;
    var shown = !f.visible_if || holds(f.visible_if, seen[f.visible_if.field]);
    if (el && f.visible_if) el.hidden = !shown;
    if (!shown) { seen[f.name] = null; return; }
    var field = input(key);
    var text = field ? field.value : "";
    f.normalize.forEach(function (step) { text = NORMALIZE[step](text); });
    if (text === "" && !f.required) { seen[f.name] = null; return; }
    var failed = firstFailure(f, text, seen);
    if (failed === null && text === "") failed = rules.required_message;
    if (failed !== null) { errors[key] = failed; seen[f.name] = null; }
    else seen[f.name] = text;
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

  function items(group) {
    var set = form.querySelector('[data-group="' + group.name + '"] .items');
    return set ? Array.prototype.slice.call(set.children) : [];
  }

  // Every error, keyed as the server keys them: field, group, group.index.field.
  function check() {
    var seen = {}, errors = {};
    rules.fields.forEach(function (f) { checkField(f, f.name, seen, errors); });
    rules.groups.forEach(function (g) {
      var list = items(g);
      if (list.length < g.min) errors[g.name] = "请至少填写" + g.min + "个" + g.item_label;
      else if (list.length > g.max) errors[g.name] = g.item_label + "最多填写" + g.max + "个";
      list.forEach(function (item) {
        var mine = Object.create(seen);  // an item's field sees its siblings, then the form's
        g.fields.forEach(function (f) {
          checkField(f, g.name + "." + item.dataset.index + "." + f.name, mine, errors);
        });
      });
    });
    return errors;
  }

  // Fields she has left: while she fills the form, only theirs are judged aloud.
  var touched = {};

  function show(errors, all) {
    form.querySelectorAll("[data-field]").forEach(function (el) {
      var key = el.dataset.field, field = input(key);
      if (!field || !(all || touched[key])) return;
      var message = errors[key], p = el.querySelector(".field-error");
      el.classList.toggle("invalid", !!message);
      if (message) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
      if (p) { p.textContent = message || ""; p.hidden = !message; }
    });
    rules.groups.forEach(function (g) {
      var p = form.querySelector('[data-group="' + g.name + '"] .group-error');
      if (p && (all || touched[g.name])) { p.textContent = errors[g.name] || ""; p.hidden = !errors[g.name]; }
    });
  }

  form.querySelectorAll("fieldset.repeat").forEach(function (set) {
    var list = set.querySelector(".items"), blank = set.querySelector("template.blank-item");
    set.querySelector(".add-item").addEventListener("click", function () {
      var next = 0;
      Array.prototype.forEach.call(list.children, function (it) { next = Math.max(next, Number(it.dataset.index) + 1); });
      var html = blank.innerHTML.split("__i__").join(String(next));
      list.insertAdjacentHTML("beforeend", html);
      touched[set.dataset.group] = true;
      show(check(), false);
      var first = list.lastElementChild.querySelector("input, select, textarea");
      if (first) first.focus();
    });
    list.addEventListener("click", function (event) {
      if (!event.target.classList.contains("remove-item")) return;
      event.target.closest(".item").remove();
      touched[set.dataset.group] = true;
      show(check(), false);
    });
  });

  check();  // hide what its condition hides, before she starts
  form.addEventListener("change", function (event) {
    if (event.target.name) touched[event.target.name] = true;
    show(check(), false);
  });
  form.addEventListener("submit", function (event) {
    var errors = check();
    show(errors, true);
    var keys = Object.keys(errors);
    if (keys.length) {
      event.preventDefault();
      var field = input(keys[0]);
      if (field) field.focus();
      return;
    }
    // A second tap while the first is in flight changes nothing: the server dedupes by client_key.
    var b = document.getElementById("submit-button"); b.disabled = true; b.textContent = "正在提交…";
  });
})();
