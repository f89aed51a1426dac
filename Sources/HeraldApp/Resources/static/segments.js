// Herald segments: ready-made templates on the empty list, and the builder. The builder draws nested rule
// groups from the field catalog, moves rules and groups by dragging or with Alt+Arrow keys, keeps a live
// count, shows the server's validation next to the rule it is about, and saves, refreshes and deletes through
// /api/segments. The DOM is the builder's state: reading the tree walks it in order, so a problem's path
// (children[1].children[0].value) leads straight back to the element it names.
(function () {
  "use strict";
  var MAX_DEPTH = 5, MAX_RULES = 100, PREVIEW_DELAY = 300;
  var GROUP_LABELS = { contact: "Contact", attributes: "Custom fields", purchases: "Purchases", engagement: "Engagement", segments: "Segments" };
  var PICKER_LIMIT = 100;

  // ---------------------------------------------------------------- helpers

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function button(cls, text, label) {
    var b = el("button", cls, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }
  function option(value, label, selected) {
    var o = el("option", null, label);
    o.value = value;
    if (selected) o.selected = true;
    return o;
  }
  function input(type, cls, label) {
    var i = el("input", cls);
    i.type = type;
    if (label) i.setAttribute("aria-label", label);
    return i;
  }
  function api(method, path, body) {
    var headers = { Accept: "application/json", "X-CSRF-Token": csrf() };
    var init = { method: method, credentials: "same-origin", headers: headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        return { ok: r.ok, status: r.status, body: parsed };
      });
    });
  }
  function errorText(res) {
    return res.body && res.body.error ? res.body.error.message : "The server answered " + res.status + ".";
  }
  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function grouped(n) { return Number(n).toLocaleString("en-US"); }
  function sameID(a, b) { return String(a || "").toLowerCase() === String(b || "").toLowerCase(); }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  // Times are shown in the workspace's time zone, as the server-rendered parts of the page show them.
  var displayZone;
  function workspaceZone() {
    if (displayZone === undefined) {
      var node = document.getElementById("segment-options");
      try { displayZone = (node && JSON.parse(node.textContent).timeZone) || null; } catch (e) { displayZone = null; }
    }
    return displayZone;
  }
  function when(iso) {
    if (!iso) return "—";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", { timeZone: workspaceZone() || undefined, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
      return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
    } catch (e) {
      return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
    }
  }
  function fire(node) { node.dispatchEvent(new Event("change", { bubbles: true })); }
  function cell(text, cls) { return el("td", cls, text); }
  // How a contact is named where the list has room for one label: the name, else the phone, else the WhatsApp
  // username, else the business-scoped user ID (a contact may have shared no phone), as Contact.displayLabel does.
  function contactLabel(c) {
    return c.name || c.phone || (c.username ? "@" + c.username : "") || c.bsuid || "(no name)";
  }
  // The identifier that reaches the contact: the phone, else @username, else the BSUID.
  function contactAddress(c) {
    return c.phone || (c.username ? "@" + c.username : "") || c.bsuid || "";
  }
  // The same, for a line under or beside the label: "" when the label already is it.
  function contactAside(c) {
    var address = contactAddress(c);
    return address === contactLabel(c) ? "" : address;
  }
  function contactCell(id, name) {
    var td = el("td"), a = el("a", null, name || "(no name)");
    a.href = "/contacts/" + String(id).toLowerCase();
    td.appendChild(a);
    return td;
  }
  function emptyRow(table, text, columns) {
    var tr = el("tr", "empty"), td = el("td", null, text);
    td.colSpan = columns;
    tr.appendChild(td);
    table.tBodies[0].appendChild(tr);
  }

  // ---------------------------------------------------------------- the list page

  function setupList() {
    var list = document.getElementById("segment-template-links");
    if (!list) return;
    api("GET", "/api/segments/templates").then(function (res) {
      if (!res.ok) { list.replaceChildren(el("li", "hint", "Templates could not be loaded: " + errorText(res))); return; }
      list.replaceChildren.apply(list, res.body.data.map(function (t) {
        var li = el("li"), a = el("a", "template-link", t.name);
        a.href = "/segments/new?template=" + encodeURIComponent(t.id);
        li.appendChild(a);
        if (t.description) li.appendChild(el("span", "hint", " — " + t.description));
        return li;
      }));
    });
  }

  // ---------------------------------------------------------------- the builder

  function setupBuilder() {
    var form = document.getElementById("segment-form");
    var host = document.getElementById("rule-builder");
    if (!form || !host) return;
    var catalog = readJSON("segment-catalog") || { fields: [] };
    var options = readJSON("segment-options") || {};
    var saved = readJSON("segment-data");
    var segmentID = saved ? String(saved.id).toLowerCase() : "";
    var fields = {};
    catalog.fields.forEach(function (f) { fields[f.id] = f; });
    var announcer = document.getElementById("move-announcer");
    var root = null, saveAttempted = false;
    var fieldTemplate = buildFieldSelect();

    // ------------------------------------------------ value widgets
    // Each widget is {node, read, write}; read() gives the JSON value, or undefined while it is unfinished.

    function buildFieldSelect() {
      var select = el("select", "seg-field");
      select.setAttribute("aria-label", "Field");
      select.appendChild(option("", "Choose a field…"));
      var order = [];
      catalog.fields.forEach(function (f) { if (order.indexOf(f.group) < 0) order.push(f.group); });
      order.forEach(function (group) {
        var optgroup = el("optgroup");
        optgroup.label = GROUP_LABELS[group] || group;
        catalog.fields.forEach(function (f) { if (f.group === group) optgroup.appendChild(option(f.id, f.label)); });
        select.appendChild(optgroup);
      });
      return select;
    }

    function selectWidget(cls, label, choices, placeholder) {
      var select = el("select", cls);
      select.setAttribute("aria-label", label);
      if (placeholder) select.appendChild(option("", placeholder));
      choices.forEach(function (c) { select.appendChild(option(c[0], c[1])); });
      return {
        node: select,
        read: function () { return select.value === "" ? undefined : select.value; },
        write: function (v) {
          var text = v === undefined || v === null ? "" : String(v);
          var known = Array.prototype.some.call(select.options, function (o) { return sameID(o.value, text); });
          if (text && !known) select.appendChild(option(text, text + " (unknown)"));
          Array.prototype.forEach.call(select.options, function (o) { o.selected = sameID(o.value, text); });
        }
      };
    }

    function numberWidget(kind, label) {
      var box = input("number", "seg-input", label);
      box.step = kind === "money" ? "0.01" : kind === "count" ? "1" : "any";
      if (kind === "count") box.min = "0";
      var node = box;
      if (kind === "money") {
        node = el("span", "seg-money");
        node.appendChild(el("span", "seg-currency", options.currencySymbol || options.currency || ""));
        node.appendChild(box);
      }
      return {
        node: node,
        read: function () {
          var text = box.value.trim();
          if (text === "") return undefined;
          var n = Number(text);
          return isFinite(n) ? n : undefined;
        },
        write: function (v) { box.value = v === undefined || v === null ? "" : String(v); }
      };
    }

    function textWidget(type, label, placeholder) {
      var box = input(type, "seg-input", label);
      if (placeholder) box.placeholder = placeholder;
      return {
        node: box,
        read: function () { var t = box.value.trim(); return t === "" ? undefined : t; },
        write: function (v) { box.value = v === undefined || v === null ? "" : String(v); }
      };
    }

    function scalarWidget(field, label) {
      switch (field.value_kind) {
        case "number": case "count": case "money": return numberWidget(field.value_kind, label);
        case "date": return textWidget("date", label);
        case "calling_code": return textWidget("text", label, "44");
        case "choice":
          return selectWidget("seg-input", label, (field.options || []).map(function (o) { return [o, o.replace(/_/g, " ")]; }), "Choose…");
        case "boolean": return booleanWidget(label);
        case "segment_id": return segmentWidget(label);
        default: return textWidget("text", label);
      }
    }

    function booleanWidget(label) {
      var w = selectWidget("seg-input", label, [["true", "yes"], ["false", "no"]]);
      return {
        node: w.node,
        read: function () { return w.node.value === "true"; },
        write: function (v) { w.node.value = v === false ? "false" : "true"; }
      };
    }

    function segmentWidget(label) {
      var others = (options.segments || []).filter(function (s) { return !sameID(s.id, segmentID); });
      var placeholder = others.length ? "Choose a segment…" : "No other saved segment yet";
      return selectWidget("seg-input seg-segment", label, others.map(function (s) { return [s.id, s.name]; }), placeholder);
    }

    function pairWidget(field) {
      var low = scalarWidget(field, "From"), high = scalarWidget(field, "To");
      var node = el("span", "seg-pair");
      node.append(low.node, el("span", "seg-word", "and"), high.node);
      return {
        node: node,
        read: function () {
          var a = low.read(), b = high.read();
          return a === undefined || b === undefined ? undefined : [a, b];
        },
        write: function (v) { low.write(v && v[0]); high.write(v && v[1]); }
      };
    }

    function daysWidget() {
      var w = numberWidget("count", "Number of days");
      var node = el("span", "seg-days");
      node.append(w.node, el("span", "seg-word", "days"));
      return { node: node, read: w.read, write: w.write };
    }

    function checkboxesWidget(field) {
      var node = el("span", "seg-checks");
      node.setAttribute("role", "group");
      node.setAttribute("aria-label", "Values");
      (field.options || []).forEach(function (o) {
        var label = el("label", "choice"), box = input("checkbox", "seg-check");
        box.value = o;
        label.append(box, " " + o.replace(/_/g, " "));
        node.appendChild(label);
      });
      function boxes() { return Array.prototype.slice.call(node.querySelectorAll("input")); }
      return {
        node: node,
        read: function () {
          var picked = boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
          return picked.length ? picked : undefined;
        },
        write: function (v) { boxes().forEach(function (b) { b.checked = Array.isArray(v) && v.indexOf(b.value) >= 0; }); }
      };
    }

    // A tag-list input: type a value and press Enter or comma to add it as a chip; Backspace removes the last.
    function chipsWidget(field) {
      var node = el("span", "seg-chips"), box = input("text", "seg-chip-input", "Add a value");
      box.placeholder = field.value_kind === "calling_code" ? "44, then Enter" : "Type, then Enter";
      node.appendChild(box);
      var values = [];
      function render() {
        node.querySelectorAll(".chip").forEach(function (c) { c.remove(); });
        values.forEach(function (v, index) {
          var chip = el("span", "chip", v), x = button("chip-remove", "×", "Remove " + v);
          x.addEventListener("click", function () { values.splice(index, 1); render(); fire(node); box.focus(); });
          chip.appendChild(x);
          node.insertBefore(chip, box);
        });
      }
      function add(text) {
        text.split(",").forEach(function (part) {
          var t = part.trim();
          if (t && values.indexOf(t) < 0) values.push(t);
        });
      }
      box.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === ",") {
          e.preventDefault();
          add(box.value);
          box.value = "";
          render();
          fire(node);
        } else if (e.key === "Backspace" && box.value === "" && values.length) {
          values.pop();
          render();
          fire(node);
        }
      });
      box.addEventListener("blur", function () {
        if (box.value.trim()) { add(box.value); box.value = ""; render(); fire(node); }
      });
      return {
        node: node,
        read: function () {
          var all = values.slice();
          box.value.split(",").forEach(function (p) { var t = p.trim(); if (t && all.indexOf(t) < 0) all.push(t); });
          return all.length ? all : undefined;
        },
        write: function (v) { values = Array.isArray(v) ? v.map(String) : []; render(); }
      };
    }

    function valueWidget(field, shape) {
      switch (shape) {
        case "none": return { node: el("span"), read: function () { return null; }, write: function () {} };
        case "pair": return pairWidget(field);
        case "days": return daysWidget();
        case "list": return field.value_kind === "choice" ? checkboxesWidget(field) : chipsWidget(field);
        default: return scalarWidget(field, "Value");
      }
    }

    // A searchable picker for a product, category or campaign: the text box filters the list below it.
    function targetPicker(field) {
      var kind = field.target, plural = kind === "category" ? "categories" : kind + "s";
      var items = options[plural] || [];
      var node = el("span", "seg-target");
      var search = input("search", "seg-target-search", "Search " + plural);
      search.placeholder = "Search " + plural + "…";
      var select = el("select", "seg-target-select");
      select.setAttribute("aria-label", kind.charAt(0).toUpperCase() + kind.slice(1));
      node.append(search, select);
      function fill(keep) {
        var query = search.value.trim().toLowerCase(), current = keep === undefined ? select.value : keep;
        var list = [option("", field.target_required ? "Choose a " + kind + "…" : "any " + kind, !current)];
        var matches = 0, found = false;
        items.forEach(function (item) {
          var match = !query || (item.name + " " + (item.detail || "")).toLowerCase().indexOf(query) >= 0;
          var isCurrent = sameID(item.id, current);
          if (match) matches++;
          if ((match && matches <= PICKER_LIMIT) || isCurrent) {
            list.push(option(item.id, item.name + (item.detail ? " (" + item.detail + ")" : ""), isCurrent));
            found = found || isCurrent;
          }
        });
        if (current && !found) list.push(option(current, current + " (unknown)", true));
        if (matches > PICKER_LIMIT) {
          var more = option("", (matches - PICKER_LIMIT) + " more: refine the search");
          more.disabled = true;
          list.push(more);
        }
        if (!items.length) list[0].textContent = field.target_required ? "No " + plural + " yet" : "any " + kind;
        select.replaceChildren.apply(select, list);
      }
      search.addEventListener("input", function () { fill(); });
      search.addEventListener("keydown", function (e) {
        if (e.key !== "Enter") return;
        e.preventDefault();
        var first = Array.prototype.find.call(select.options, function (o) { return o.value && !o.disabled; });
        if (first) { select.value = first.value; fire(select); }
      });
      fill("");
      return {
        node: node,
        read: function () { return select.value || (field.target_required ? undefined : null); },
        write: function (id) { search.value = ""; fill(id || ""); }
      };
    }

    // The period a purchase or engagement field counts: all time, the last N days, or between two dates.
    function windowControl() {
      var node = el("span", "seg-window");
      var mode = selectWidget("seg-window-mode", "Period", [["", "at any time"], ["last", "in the last"], ["range", "between"]]).node;
      var days = input("number", "seg-window-days", "Days");
      days.min = "1";
      days.max = "3650";
      days.step = "1";
      days.placeholder = "60";
      var daysWord = el("span", "seg-word", "days");
      var from = input("date", "seg-window-from", "From"), to = input("date", "seg-window-to", "To");
      var andWord = el("span", "seg-word", "and");
      node.append(mode, days, daysWord, from, andWord, to);
      function sync() {
        days.hidden = daysWord.hidden = mode.value !== "last";
        from.hidden = to.hidden = andWord.hidden = mode.value !== "range";
      }
      mode.addEventListener("change", sync);
      sync();
      return {
        node: node,
        read: function () {
          if (mode.value === "last") return days.value.trim() === "" ? undefined : { last_days: Number(days.value) };
          if (mode.value === "range") return from.value && to.value ? { from: from.value, to: to.value } : undefined;
          return null;
        },
        write: function (w) {
          mode.value = !w ? "" : w.last_days !== undefined ? "last" : "range";
          days.value = w && w.last_days !== undefined ? String(w.last_days) : "";
          from.value = (w && w.from) || "";
          to.value = (w && w.to) || "";
          sync();
        }
      };
    }

    // ------------------------------------------------ rules and groups

    function handle(what) {
      var h = button("seg-handle", "⠿", "Move this " + what + ": drag it, or press Alt+Up or Alt+Down");
      h.setAttribute("aria-describedby", "move-help");
      return h;
    }

    function makeRule(data) {
      var li = el("li", "seg-node seg-rule");
      var row = el("div", "seg-row");
      var fieldSelect = fieldTemplate.cloneNode(true);
      var opSelect = el("select", "seg-operator");
      opSelect.setAttribute("aria-label", "Operator");
      li.seg = { fieldSelect: fieldSelect, opSelect: opSelect, valueBox: el("span", "seg-value"), extraBox: el("span", "seg-extra") };
      row.append(handle("rule"), fieldSelect, opSelect, li.seg.valueBox, li.seg.extraBox, button("seg-remove", "Remove", "Remove this rule"));
      var error = el("p", "field-error seg-error");
      error.hidden = true;
      li.append(row, el("p", "hint seg-help"), error);
      fieldSelect.addEventListener("change", function () { setField(li, fieldSelect.value); });
      opSelect.addEventListener("change", function () { setOperator(li, opSelect.value); });
      if (data && data.field) {
        if (!fields[data.field]) fieldSelect.appendChild(option(data.field, data.field + " (unknown field)"));
        fieldSelect.value = data.field;
      }
      setField(li, fieldSelect.value, data);
      return li;
    }

    function defaultOperator(field) {
      var ids = field.operators.map(function (o) { return o.id; });
      if (field.value_kind === "count" && field.accepts_window && ids.indexOf("gte") >= 0) return "gte";
      return ids[0];
    }

    function setField(li, id, data) {
      var s = li.seg, field = fields[id] || null;
      s.field = field;
      s.fieldID = id;
      li.querySelector(".seg-help").textContent = field ? field.help : "";
      s.opSelect.replaceChildren();
      s.extraBox.replaceChildren();
      s.target = s.window = null;
      if (!field) {
        s.opSelect.hidden = true;
        s.valueBox.replaceChildren();
        s.value = null;
        return;
      }
      s.opSelect.hidden = false;
      field.operators.forEach(function (o) { s.opSelect.appendChild(option(o.id, o.label)); });
      var wanted = data && data.operator;
      if (wanted && !field.operators.some(function (o) { return o.id === wanted; })) s.opSelect.appendChild(option(wanted, wanted + " (not allowed)"));
      var previous = s.op && field.operators.some(function (o) { return o.id === s.op; }) ? s.op : null;
      s.opSelect.value = wanted || previous || defaultOperator(field);
      if (field.target) {
        s.target = targetPicker(field);
        s.target.write(data && data.target);
        s.extraBox.appendChild(s.target.node);
      }
      if (field.accepts_window) {
        s.window = windowControl();
        s.window.write(data && data.window);
        s.extraBox.appendChild(s.window.node);
      }
      setOperator(li, s.opSelect.value, data ? data.value : undefined, !data);
    }

    // Keeps what was typed when the new operator takes the same kind of value (is → is greater than).
    function setOperator(li, opID, value, fresh) {
      var s = li.seg, spec = s.field.operators.find(function (o) { return o.id === opID; });
      var shape = spec ? spec.value : "single";
      var previous = s.value && s.shape === shape && s.kind === s.field.value_kind ? s.value.read() : undefined;
      s.op = opID;
      s.shape = shape;
      s.kind = s.field.value_kind;
      s.value = valueWidget(s.field, shape);
      if (value !== undefined) s.value.write(value);
      else if (previous !== undefined) s.value.write(previous);
      else if (fresh && s.field.value_kind === "count" && s.field.accepts_window && shape === "single") s.value.write(1);
      s.valueBox.replaceChildren(s.value.node);
    }

    function makeGroup(data, isRoot) {
      var node = el(isRoot ? "div" : "li", "seg-node seg-group" + (isRoot ? " seg-root" : ""));
      node.setAttribute("role", "group");
      var head = el("div", "seg-group-head");
      if (!isRoot) head.appendChild(handle("group"));
      var combinator = el("span", "seg-combinator");
      combinator.setAttribute("role", "group");
      combinator.setAttribute("aria-label", "Contacts must match");
      combinator.append(button("seg-comb", "ALL"), button("seg-comb", "ANY"));
      combinator.children[0].dataset.value = "and";
      combinator.children[1].dataset.value = "or";
      var not = el("label", "choice seg-not"), notBox = input("checkbox", "seg-not-box");
      not.append(notBox, " NOT: leave these out");
      head.append(el("span", "seg-word", "Match"), combinator, el("span", "seg-word", "of these"), not);
      if (!isRoot) head.appendChild(button("seg-remove", "Remove group", "Remove this group and its rules"));
      var error = el("p", "field-error seg-error");
      error.hidden = true;
      var list = el("ol", "seg-children");
      var foot = el("div", "seg-group-foot");
      foot.append(button("seg-add-rule", "+ Add rule"), button("seg-add-group", "+ Add group"));
      node.append(head, error, list, foot);
      setCombinator(node, data && data.combinator === "or" ? "or" : "and");
      notBox.checked = !!(data && data.not);
      node.classList.toggle("seg-negated", notBox.checked);
      ((data && data.children) || []).forEach(function (child) { list.appendChild(makeNode(child)); });
      return node;
    }

    function makeNode(data) {
      return data && (data.children !== undefined || data.combinator !== undefined) ? makeGroup(data, false) : makeRule(data);
    }

    function setCombinator(group, value) {
      group.dataset.combinator = value;
      group.classList.toggle("seg-or", value === "or");
      group.querySelectorAll(":scope > .seg-group-head .seg-comb").forEach(function (b) {
        b.setAttribute("aria-pressed", b.dataset.value === value ? "true" : "false");
      });
    }

    function listOf(group) { return group.querySelector(":scope > .seg-children"); }
    function childNodes(group) { return Array.prototype.slice.call(listOf(group).children).filter(isNode); }
    function isNode(n) { return n.classList && n.classList.contains("seg-node"); }
    function isGroup(n) { return n.classList.contains("seg-group"); }
    function parentGroup(node) { return node.parentElement ? node.parentElement.closest(".seg-group") : null; }
    function ownHandle(node) { return node.querySelector(":scope > .seg-row > .seg-handle, :scope > .seg-group-head > .seg-handle"); }
    function level(group) {
      var n = 0;
      for (var g = group; g; g = parentGroup(g)) n++;
      return n;
    }
    function height(node) {
      if (!isGroup(node)) return 0;
      return 1 + childNodes(node).reduce(function (m, c) { return Math.max(m, height(c)); }, 0);
    }
    // A node may go into a group unless that puts it inside itself or nests groups deeper than 5 levels.
    function canPlace(node, group) {
      return group !== node && !node.contains(group) && level(group) + height(node) <= MAX_DEPTH;
    }

    // ------------------------------------------------ reading the tree

    // The canonical tree in DOM order; `map` gets each emitted node's path. For the live count, unfinished
    // rules and groups left empty by them are skipped, so the count answers while a rule is being written.
    function readGroup(group, path, forPreview, map) {
      var tree = { combinator: group.dataset.combinator, not: group.querySelector(":scope > .seg-group-head .seg-not-box").checked, children: [] };
      map[path] = group;
      childNodes(group).forEach(function (child) {
        var childPath = (path ? path + "." : "") + "children[" + tree.children.length + "]";
        if (isGroup(child)) {
          var sub = readGroup(child, childPath, forPreview, map);
          if (!forPreview || sub.children.length) tree.children.push(sub);
          return;
        }
        var rule = readRule(child);
        if (forPreview && !rule.complete) return;
        map[childPath] = child;
        tree.children.push(rule.node);
      });
      return tree;
    }

    function readRule(li) {
      var s = li.seg;
      if (!s.field) return { complete: false, missing: "Choose a field.", node: { field: s.fieldID || "", operator: "", value: null } };
      var node = { field: s.field.id, operator: s.op }, missing = null;
      var value = s.value.read();
      node.value = value === undefined ? null : value;
      if (value === undefined) missing = s.shape === "list" ? "Add at least one value." : "Enter a value.";
      if (s.target) {
        var target = s.target.read();
        if (target === undefined) missing = missing || "Choose a " + s.field.target + ".";
        else if (target) node.target = target;
      }
      if (s.window) {
        var w = s.window.read();
        if (w === undefined) missing = missing || "Enter the number of days or both dates of the period.";
        else if (w) node.window = w;
      }
      return { complete: !missing, missing: missing, node: node };
    }

    function unfinishedRules() {
      return Array.prototype.filter.call(root.querySelectorAll(".seg-rule"), function (li) { return !readRule(li).complete; });
    }

    // ------------------------------------------------ problems next to the node they are about

    function clearProblems() {
      host.querySelectorAll(".seg-error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
      host.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
      host.querySelectorAll(".has-error").forEach(function (n) { n.classList.remove("has-error"); });
    }

    function addProblem(node, message, part) {
      var error = node.querySelector(":scope > .seg-error");
      error.textContent = error.textContent ? error.textContent + " " + message : message;
      error.hidden = false;
      node.classList.add("has-error");
      var selectors = {
        field: ".seg-field", operator: ".seg-operator", value: ".seg-value input, .seg-value select",
        target: ".seg-target-select", window: ".seg-window input, .seg-window select"
      };
      if (selectors[part]) {
        node.querySelectorAll(":scope > .seg-row " + selectors[part].split(", ").join(", :scope > .seg-row ")).forEach(function (n) {
          n.setAttribute("aria-invalid", "true");
        });
      }
    }

    // `children[1].children[0].value` → the node at children[1].children[0] and its `value` widget; a path that
    // names no node shown (a nested limit) falls back to the nearest group above it.
    function showProblems(problems, map) {
      problems.forEach(function (p) {
        var m = /^((?:children\[\d+\]\.?)*)(.*)$/.exec(p.path || "");
        var nodePath = m[1].replace(/\.$/, ""), part = m[2].split(/[.[]/)[0];
        while (!map[nodePath] && nodePath) nodePath = nodePath.replace(/\.?children\[\d+\]$/, "");
        addProblem(map[nodePath] || root, p.message, part);
      });
    }

    function markUnfinished() {
      var list = unfinishedRules();
      list.forEach(function (li) {
        var r = readRule(li);
        addProblem(li, r.missing, !li.seg.field ? "field" : r.node.value === null && li.seg.shape !== "none" ? "value" : "");
      });
      return list.length;
    }

    // ------------------------------------------------ adding, removing, limits

    function updateLimits() {
      var rules = root.querySelectorAll(".seg-rule").length;
      root.querySelectorAll(".seg-add-rule").forEach(function (b) {
        b.disabled = rules >= MAX_RULES;
        b.title = b.disabled ? "A segment holds at most " + MAX_RULES + " rules." : "";
      });
      root.querySelectorAll(".seg-group").forEach(function (g) {
        var add = g.querySelector(":scope > .seg-group-foot .seg-add-group");
        add.disabled = level(g) >= MAX_DEPTH;
        add.title = add.disabled ? "Groups nest at most " + MAX_DEPTH + " levels." : "";
      });
    }

    function describe(node) {
      if (isGroup(node)) return (node.dataset.combinator === "or" ? "ANY" : "ALL") + " group";
      return node.seg.field ? "rule “" + node.seg.field.label + "”" : "new rule";
    }

    function describePlace(node) {
      var group = parentGroup(node), siblings = childNodes(group);
      var where = group === root ? "the top group" : "a group at level " + level(group);
      return "position " + (siblings.indexOf(node) + 1) + " of " + siblings.length + " in " + where;
    }

    function announce(text) {
      announcer.textContent = text;
    }

    function onClick(e) {
      var target = e.target.closest("button");
      if (!target || !host.contains(target)) return;
      var group = target.closest(".seg-group");
      if (target.classList.contains("seg-add-rule")) {
        var rule = makeRule(null);
        listOf(group).appendChild(rule);
        rule.querySelector(".seg-field").focus();
      } else if (target.classList.contains("seg-add-group")) {
        var sub = makeGroup({ combinator: "and", children: [{}] }, false);
        listOf(group).appendChild(sub);
        sub.querySelector(".seg-field").focus();
      } else if (target.classList.contains("seg-comb")) {
        setCombinator(group, target.dataset.value);
      } else if (target.classList.contains("seg-remove")) {
        var node = target.closest(".seg-node"), parent = parentGroup(node);
        announce(describe(node) + " removed.");
        node.remove();
        (ownHandle(childNodes(parent)[0] || parent) || listOf(parent).nextElementSibling.querySelector("button")).focus();
      } else {
        return;
      }
      changed();
    }

    // ------------------------------------------------ moving by keyboard

    // Alt+Up / Alt+Down walk the tree in reading order: past a sibling rule, into a sibling group (at its end
    // going up, at its start going down), and out of the group at its first or last place.
    function moveUp(node) {
      var prev = node.previousElementSibling, group = parentGroup(node);
      while (prev && !isNode(prev)) prev = prev.previousElementSibling;
      if (prev) {
        if (isGroup(prev) && canPlace(node, prev)) listOf(prev).appendChild(node);
        else prev.before(node);
        return true;
      }
      if (group === root) return false;
      group.before(node);
      return true;
    }

    function moveDown(node) {
      var next = node.nextElementSibling, group = parentGroup(node);
      while (next && !isNode(next)) next = next.nextElementSibling;
      if (next) {
        if (isGroup(next) && canPlace(node, next)) listOf(next).prepend(node);
        else next.after(node);
        return true;
      }
      if (group === root) return false;
      group.after(node);
      return true;
    }

    function onKeydown(e) {
      var target = e.target;
      if (target.classList.contains("seg-handle") && e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        e.preventDefault();
        var node = target.closest(".seg-node"), up = e.key === "ArrowUp";
        if ((up ? moveUp : moveDown)(node)) {
          ownHandle(node).focus();
          announce("Moved " + describe(node) + " to " + describePlace(node) + ".");
          changed();
        } else {
          ownHandle(node).focus();
          announce(describe(node) + " is already " + (up ? "first" : "last") + ".");
        }
      } else if (e.key === "Enter" && target.tagName === "INPUT" && !target.classList.contains("seg-chip-input")) {
        e.preventDefault(); // Enter inside a rule would otherwise save the form half-written.
      }
    }

    // ------------------------------------------------ moving by dragging

    var dragged = null, marker = el("li", "seg-drop-marker");
    marker.setAttribute("aria-hidden", "true");

    function dropList(target) {
      var spot = target.closest(".seg-drop-marker, .seg-children, .seg-group-head, .seg-group-foot, .seg-node");
      if (!spot) return null;
      if (spot === marker || spot.classList.contains("seg-children")) return spot.closest(".seg-children");
      if (!spot.classList.contains("seg-node")) return listOf(spot.parentElement);
      return spot.classList.contains("seg-root") ? listOf(spot) : spot.parentElement;
    }

    function onDragStart(e) {
      var node = e.target.closest && e.target.closest(".seg-node");
      if (!node || !node.draggable) return;
      dragged = node;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", describe(node));
      node.classList.add("dragging");
    }

    function onDragOver(e) {
      if (!dragged) return;
      var list = dropList(e.target);
      if (!list || !canPlace(dragged, list.parentElement)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      var before = Array.prototype.find.call(list.children, function (c) {
        if (c === dragged || c === marker || !isNode(c)) return false;
        var box = c.getBoundingClientRect();
        return e.clientY < box.top + box.height / 2;
      });
      if (marker.parentElement !== list || marker.nextElementSibling !== (before || null)) list.insertBefore(marker, before || null);
    }

    function onDrop(e) {
      if (!dragged || !marker.parentElement) return;
      e.preventDefault();
      marker.replaceWith(dragged);
      var node = dragged;
      finishDrag();
      announce("Moved " + describe(node) + " to " + describePlace(node) + ".");
      changed();
    }

    function finishDrag() {
      marker.remove();
      if (dragged) {
        dragged.classList.remove("dragging");
        dragged.draggable = false;
      }
      dragged = null;
    }

    // Only the handle starts a drag, so text in the rule's inputs can still be selected with the mouse.
    function armDrag(e) {
      var h = e.target.closest(".seg-handle");
      host.querySelectorAll(".seg-node[draggable=true]").forEach(function (n) { if (n !== dragged) n.draggable = false; });
      if (h) h.closest(".seg-node").draggable = true;
    }

    // ------------------------------------------------ live count and preview list

    var countBox = document.getElementById("live-count-box"), countText = document.getElementById("live-count");
    var countLabel = document.getElementById("live-count-label"), took = document.getElementById("live-took");
    var unfinishedNote = document.getElementById("live-unfinished"), previewTable = document.getElementById("preview-table");
    var sequence = 0, lastSent = null, timer = null;

    function changed() {
      updateLimits();
      clearTimeout(timer);
      timer = setTimeout(preview, PREVIEW_DELAY);
    }

    // Each answer carries its request's number; only the newest request's answer is shown.
    function preview() {
      var map = {}, tree = readGroup(root, "", true, map), body = JSON.stringify(tree);
      var unfinished = unfinishedRules().length;
      unfinishedNote.hidden = unfinished === 0;
      unfinishedNote.textContent = unfinished === 1 ? "1 unfinished rule is not counted yet." : unfinished + " unfinished rules are not counted yet.";
      if (body === lastSent) return;
      lastSent = body;
      var mine = ++sequence;
      countBox.classList.add("busy");
      api("POST", "/api/segments/preview", { rules: tree, limit: 20 }).then(function (res) {
        if (mine !== sequence) return;
        countBox.classList.remove("busy");
        clearProblems();
        if (saveAttempted) markUnfinished();
        if (res.ok) return showCount(res.body);
        countText.textContent = "—";
        countText.dataset.count = "";
        previewTable.tBodies[0].replaceChildren();
        if (res.status === 422 && res.body && res.body.error && res.body.error.problems) {
          showProblems(res.body.error.problems, map);
          countLabel.textContent = "contacts";
          took.textContent = "Fix the marked rules to see the count.";
        } else {
          took.textContent = "The count failed: " + errorText(res);
        }
      }, function () {
        if (mine !== sequence) return;
        countBox.classList.remove("busy");
        lastSent = null;
        took.textContent = "The server could not be reached; the count updates with your next change.";
      });
    }

    function showCount(body) {
      countText.textContent = grouped(body.count);
      countText.dataset.count = String(body.count);
      countLabel.textContent = body.count === 1 ? "contact" : "contacts";
      took.textContent = "Counted in " + Number(body.took_ms).toFixed(1) + " ms";
      var tbody = previewTable.tBodies[0];
      tbody.replaceChildren();
      (body.contacts || []).forEach(function (c) {
        var tr = el("tr"), who = contactCell(c.id, contactLabel(c)), address = contactAside(c);
        if (address) who.append(el("br"), el("small", "mono", address));
        tr.append(who, cell(c.country || ""));
        tbody.appendChild(tr);
      });
      if (!body.contacts || !body.contacts.length) emptyRow(previewTable, "No contact matches.", 2);
    }

    // ------------------------------------------------ templates

    function setupTemplates() {
      var menu = document.getElementById("template-menu");
      if (!menu || menu.hidden) return;
      var select = document.getElementById("template-select"), description = document.getElementById("template-description");
      var params = document.getElementById("template-parameters"), use = document.getElementById("template-use");
      var templates = [];
      function current() { return templates.find(function (t) { return t.id === select.value; }) || null; }
      function render() {
        var t = current();
        use.disabled = !t;
        description.textContent = t ? t.description || "" : "";
        params.replaceChildren.apply(params, t ? (t.parameters || []).map(parameterInput) : []);
      }
      api("GET", "/api/segments/templates").then(function (res) {
        if (!res.ok) { description.textContent = "Templates could not be loaded: " + errorText(res); return; }
        templates = res.body.data || [];
        templates.forEach(function (t) { select.appendChild(option(t.id, t.name)); });
        var wanted = new URLSearchParams(window.location.search).get("template");
        if (wanted && current() === null && templates.some(function (t) { return t.id === wanted; })) {
          select.value = wanted;
          menu.open = true;
          render();
        }
      });
      select.addEventListener("change", render);
      use.addEventListener("click", function () {
        var t = current();
        if (!t) return;
        use.disabled = true;
        api("POST", "/api/segments/templates/" + encodeURIComponent(t.id) + "/rules", { parameters: parameterValues(params) }).then(function (res) {
          use.disabled = false;
          if (!res.ok) {
            if (!parameterProblems(params, res)) description.textContent = errorText(res);
            return;
          }
          parameterProblems(params, res);
          loadTree(res.body.rules);
          var name = document.getElementById("s-name");
          if (!name.value.trim()) name.value = res.body.name || t.name;
          menu.open = false;
          announce("Template “" + t.name + "” loaded into the builder.");
          changed();
        });
      });
    }

    var NUMERIC = ["number", "integer", "count", "money", "days"];
    var PICKED = { product: "products", category: "categories", campaign: "campaigns", segment: "segments" };

    // A template parameter's input: a picker for a category, product or campaign, a number or a date otherwise.
    function parameterInput(p) {
      var kind = p.kind || p.type || "text";
      var wrap = el("div", "template-parameter"), id = "tp-" + p.name;
      var label = el("label", null, (p.label || p.name) + (kind === "money" && options.currencySymbol ? " (" + options.currencySymbol + ")" : ""));
      label.htmlFor = id;
      var control;
      if (PICKED[kind]) {
        control = el("select");
        control.appendChild(option("", "Choose a " + kind + "…"));
        (options[PICKED[kind]] || []).forEach(function (item) { control.appendChild(option(item.id, item.name, sameID(item.id, p.default))); });
      } else {
        control = input(NUMERIC.indexOf(kind) >= 0 ? "number" : kind === "date" ? "date" : "text");
        if (control.type === "number") control.step = kind === "money" ? "0.01" : "1";
        control.value = p.default === undefined || p.default === null ? "" : String(p.default);
      }
      control.id = id;
      control.dataset.name = p.name;
      control.dataset.kind = kind;
      var error = el("p", "field-error template-error");
      error.id = "tp-error-" + p.name;
      error.hidden = true;
      wrap.append(label, control, error);
      return wrap;
    }

    function parameterValues(box) {
      var values = {};
      box.querySelectorAll("[data-name]").forEach(function (c) {
        var text = c.value.trim();
        if (text === "") return;
        values[c.dataset.name] = NUMERIC.indexOf(c.dataset.kind) >= 0 && isFinite(Number(text)) ? Number(text) : text;
      });
      return values;
    }

    // Problems with template parameters come back with paths `parameters.<name>`.
    function parameterProblems(box, res) {
      box.querySelectorAll(".template-error").forEach(function (p) { p.hidden = true; });
      var problems = (res.body && res.body.error && res.body.error.problems) || [];
      var shown = 0;
      problems.forEach(function (p) {
        var slot = document.getElementById("tp-error-" + String(p.path).replace(/^parameters\./, ""));
        if (!slot) return;
        slot.textContent = p.message;
        slot.hidden = false;
        shown++;
      });
      return shown > 0;
    }

    function loadTree(rules) {
      var fresh = makeGroup(rules || { combinator: "and", children: [] }, true);
      if (root) root.replaceWith(fresh);
      else host.appendChild(fresh);
      root = fresh;
      updateLimits();
    }

    // ------------------------------------------------ saving

    function fieldError(name, message) {
      var slot = document.getElementById("error-" + name);
      if (!slot) return false;
      slot.textContent = message;
      slot.hidden = false;
      var control = document.getElementById("s-" + name);
      if (control) { control.setAttribute("aria-invalid", "true"); control.focus(); }
      return true;
    }

    function clearErrors() {
      clearProblems();
      form.querySelectorAll("p[id^=error-]").forEach(function (p) { p.hidden = true; p.textContent = ""; });
      form.querySelectorAll("#s-name, #s-description").forEach(function (n) { n.removeAttribute("aria-invalid"); });
      pageError("");
    }

    function pageError(text) {
      var box = document.getElementById("builder-error");
      box.textContent = text;
      box.hidden = !text;
    }

    function save(e) {
      e.preventDefault();
      if (form.dataset.canWrite !== "1") return; // a viewer explores rules but cannot save them
      clearErrors();
      saveAttempted = true;
      var name = document.getElementById("s-name").value.trim();
      if (!name) return fieldError("name", "Give the segment a name.");
      if (markUnfinished()) return pageError("Finish or remove the marked rules, then save again.");
      var map = {}, rules = readGroup(root, "", false, map);
      var description = document.getElementById("s-description").value.trim();
      var kind = form.querySelector('input[name="kind"]:checked');
      var payload = { name: name, description: description || null, kind: kind ? kind.value : "dynamic", rules: rules };
      var submit = document.getElementById("save-segment");
      submit.disabled = true;
      submit.textContent = "Saving…";
      api(segmentID ? "PATCH" : "POST", segmentID ? "/api/segments/" + segmentID : "/api/segments", payload).then(function (res) {
        if (res.ok) {
          window.location.assign("/segments/" + String(res.body.id).toLowerCase() + "?done=saved");
          return;
        }
        submit.disabled = false;
        submit.textContent = "Save segment";
        var error = res.body && res.body.error;
        if (error && error.problems && error.problems.length) {
          showProblems(error.problems, map);
          pageError("The rules need attention: " + error.message);
        } else if (!(error && error.field && fieldError(error.field.split(".")[0], error.message))) {
          pageError("Not saved: " + errorText(res));
        }
      }, function () {
        submit.disabled = false;
        submit.textContent = "Save segment";
        pageError("Not saved: the server could not be reached.");
      });
    }

    // ------------------------------------------------ start

    loadTree(saved ? saved.rules : null);
    if (!saved && !childNodes(root).length) listOf(root).appendChild(makeRule(null));
    updateLimits();
    host.addEventListener("click", onClick);
    host.addEventListener("keydown", onKeydown);
    host.addEventListener("change", function (e) {
      if (e.target.classList.contains("seg-not-box")) e.target.closest(".seg-group").classList.toggle("seg-negated", e.target.checked);
      changed();
    });
    host.addEventListener("input", changed);
    host.addEventListener("pointerdown", armDrag);
    host.addEventListener("dragstart", onDragStart);
    host.addEventListener("dragover", onDragOver);
    host.addEventListener("drop", onDrop);
    host.addEventListener("dragend", finishDrag);
    form.addEventListener("submit", save);
    setupTemplates();
    preview();
    setupSaved(segmentID);
  }

  // ---------------------------------------------------------------- a saved segment: refresh, members, history, delete

  function setupSaved(id) {
    if (!id) return;
    var base = "/api/segments/" + encodeURIComponent(id);
    var members = document.getElementById("members-table"), more = document.getElementById("members-more");
    var membersStatus = document.getElementById("members-status"), next = null, shown = 0;

    function loadMembers(after) {
      more.disabled = true;
      api("GET", base + "/contacts?limit=50" + (after ? "&after=" + encodeURIComponent(after) : "")).then(function (res) {
        more.disabled = false;
        if (!res.ok) { membersStatus.textContent = "Members could not be loaded: " + errorText(res); return; }
        if (!after) { members.tBodies[0].replaceChildren(); shown = 0; }
        res.body.data.forEach(function (c) {
          var tr = el("tr");
          tr.append(contactCell(c.id, contactLabel(c)), cell(contactAddress(c), "mono"), cell(c.country || ""));
          members.tBodies[0].appendChild(tr);
        });
        shown += res.body.data.length;
        if (!shown) emptyRow(members, "No members.", 3);
        next = res.body.next_after || null;
        more.hidden = !next;
        membersStatus.textContent = shown ? "Showing " + grouped(shown) + (next ? "; there are more." : ".") : "";
      });
    }

    function loadHistory() {
      var refreshes = document.getElementById("refreshes-table"), changes = document.getElementById("changes-table");
      var status = document.getElementById("history-status");
      api("GET", base + "/history?limit=50").then(function (res) {
        if (!res.ok) { status.textContent = "History could not be loaded: " + errorText(res); return; }
        refreshes.tBodies[0].replaceChildren();
        changes.tBodies[0].replaceChildren();
        res.body.refreshes.forEach(function (r) {
          var tr = el("tr");
          tr.append(cell(when(r.at)), cell(grouped(r.count), "num"), cell("+" + grouped(r.entered), "num"),
            cell("−" + grouped(r.left), "num"), cell(Number(r.took_ms).toFixed(1) + " ms", "num"));
          refreshes.tBodies[0].appendChild(tr);
        });
        if (!res.body.refreshes.length) emptyRow(refreshes, "No refresh yet.", 5);
        res.body.changes.forEach(function (c) {
          var tr = el("tr");
          var who = contactCell(c.contact_id, contactLabel(c)), address = contactAside(c);
          if (address) who.appendChild(el("small", "hint mono", " " + address));
          tr.append(who, cell(c.change, "change " + c.change), cell(when(c.at)));
          changes.tBodies[0].appendChild(tr);
        });
        if (!res.body.changes.length) emptyRow(changes, "Nobody has entered or left since the first refresh.", 3);
      });
    }

    function setupRefresh() {
      var refresh = document.getElementById("refresh-segment"), status = document.getElementById("refresh-status");
      if (!refresh) return;
      refresh.addEventListener("click", function () {
        refresh.disabled = true;
        status.textContent = "Refreshing…";
        api("POST", base + "/refresh").then(function (res) {
          refresh.disabled = false;
          if (!res.ok) { status.textContent = "Refresh failed: " + errorText(res); return; }
          document.getElementById("saved-count").textContent = grouped(res.body.contact_count);
          document.getElementById("saved-refreshed").textContent = when(res.body.refreshed_at) +
            (res.body.refresh_ms !== null && res.body.refresh_ms !== undefined ? " (" + Number(res.body.refresh_ms).toFixed(1) + " ms)" : "");
          status.textContent = "Refreshed.";
          loadMembers(null);
          loadHistory();
        }, function () { refresh.disabled = false; status.textContent = "Refresh failed: the server could not be reached."; });
      });
    }

    function setupDelete() {
      var del = document.getElementById("delete-segment"), error = document.getElementById("delete-error");
      if (!del) return;
      del.addEventListener("click", function () {
        if (!window.confirm("Delete this segment? Its contacts stay; only the segment goes.")) return;
        del.disabled = true;
        api("DELETE", base).then(function (res) {
          if (res.ok) { window.location.assign("/segments?done=deleted"); return; }
          del.disabled = false;
          error.textContent = errorText(res);
          error.hidden = false;
        });
      });
    }

    more.addEventListener("click", function () { loadMembers(next); });
    setupRefresh();
    setupDelete();
    loadMembers(null);
    loadHistory();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupList();
    setupBuilder();
  });
})();
