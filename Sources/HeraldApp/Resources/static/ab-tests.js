// Herald A/B tests: the creation page's variation cards, live counts and planner hint, and the monitoring page's
// buttons and live table (Server-Sent Events). The pure part (shares, request bodies, error placement, number
// formats) is ABTestModel in ab-tests-model.js, loaded after this file and used once the page has loaded.
(function () {
  "use strict";
  var M; // ABTestModel, set on DOMContentLoaded
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
  function option(value, label, selected) {
    var o = el("option", null, label);
    o.value = value;
    if (selected) o.selected = true;
    return o;
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
  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function label(key) {
    return key.indexOf("header.") === 0 ? "Header {{" + key.slice(7) + "}}" : "{{" + key + "}}";
  }

  // The same markup as the bubble partial, built with textContent only.
  function renderBubble(box, r, mediaURL) {
    var chat = el("div", "wa-chat"), bubble = el("div", "wa-bubble");
    var format = (r.header_format || "").toLowerCase();
    if (format === "image" || format === "video" || format === "document") {
      var media = el("div", "wa-media wa-" + format);
      if (format === "image" && mediaURL) {
        var img = el("img");
        img.src = mediaURL;
        img.alt = "";
        media.appendChild(img);
      }
      media.appendChild(el("span", null, format));
      bubble.appendChild(media);
    } else if (r.header) {
      bubble.appendChild(el("p", "wa-header", r.header));
    }
    bubble.appendChild(el("p", "wa-body", r.body));
    if (r.footer) bubble.appendChild(el("p", "wa-footer", r.footer));
    chat.appendChild(bubble);
    if (r.buttons && r.buttons.length) {
      var list = el("ul", "wa-buttons");
      r.buttons.forEach(function (b) { list.appendChild(el("li", null, b)); });
      chat.appendChild(list);
    }
    box.replaceChildren(chat);
  }

  // ---------------------------------------------------------------- creation page

  function setupForm() {
    var form = document.getElementById("ab-test-form");
    if (!form) return;
    var options = JSON.parse(document.getElementById("ab-test-options").textContent);
    var cards = document.getElementById("variation-cards");
    var cardTemplate = document.getElementById("variation-card-template");
    var addButton = document.getElementById("add-variation");
    var account = document.getElementById("t-account");
    var segment = document.getElementById("t-segment");
    var percentage = document.getElementById("t-percentage");
    var shareTotal = document.getElementById("share-total");
    var hint = document.getElementById("plan-hint");
    var formError = document.getElementById("form-error");
    var sharesEdited = false, planSequence = 0, lastPlan = null;

    function value(id) { return document.getElementById(id).value; }
    function checked(name) { var r = form.querySelector('input[name="' + name + '"]:checked'); return r ? r.value : ""; }
    function cardList() { return Array.prototype.slice.call(cards.querySelectorAll(".variation-card")); }
    function templateOf(card) {
      var id = card.querySelector(".v-template").value;
      return options.templates.find(function (t) { return t.id === id; }) || null;
    }

    function templateOptions(select) {
      var keep = select.value;
      var mine = options.templates.filter(function (t) { return !account || t.accountId === account.value; });
      select.replaceChildren.apply(select, [option("", "Choose a template…")].concat(mine.map(function (t) {
        return option(t.id, t.label, t.id === keep);
      })));
    }

    function variableRow(key) {
      var row = el("div", "var-row");
      row.dataset.key = key;
      var source = el("select", "var-source");
      source.setAttribute("aria-label", "Value of " + label(key));
      source.appendChild(option("text", "Fixed text"));
      options.fields.forEach(function (f) { source.appendChild(option(f.value, f.label, f.value === "first_name")); });
      var text = el("input", "var-text");
      text.placeholder = "Text";
      text.setAttribute("aria-label", "Fixed text for " + label(key));
      var fallback = el("input", "var-fallback");
      fallback.placeholder = "Fallback if empty";
      fallback.setAttribute("aria-label", "Fallback for " + label(key));
      row.append(el("span", "var-label", label(key)), source, text, fallback);
      syncRow(row);
      return row;
    }
    function syncRow(row) {
      var isText = row.querySelector(".var-source").value === "text";
      row.querySelector(".var-text").hidden = !isText;
      row.querySelector(".var-fallback").hidden = isText;
    }

    // A card follows its template: one row per variable, media of the header's kind, the link when it has a button.
    function syncCard(card) {
      var t = templateOf(card);
      var rows = card.querySelector(".v-rows");
      var old = {};
      rows.querySelectorAll(".var-row").forEach(function (row) { old[row.dataset.key] = row; });
      var keys = t ? t.vars : [];
      rows.replaceChildren.apply(rows, keys.map(function (key) { return old[key] || variableRow(key); }));
      card.querySelector(".v-no-variables").hidden = !t || keys.length > 0;
      var media = card.querySelector(".v-media"), keep = media.value;
      var kind = t ? t.media : "";
      media.replaceChildren.apply(media, [option("", "Choose a file…")].concat(options.media.filter(function (m) { return m.kind === kind; }).map(function (m) {
        return option(m.id, m.label, m.id === keep);
      })));
      card.querySelector(".v-media-field").hidden = !kind;
      card.querySelector(".v-cta-field").hidden = !(t && t.cta);
      preview(card);
    }

    function cardValues(card) {
      var t = templateOf(card);
      return {
        name: card.querySelector(".v-name").value,
        share: card.querySelector(".v-share").value,
        templateID: card.querySelector(".v-template").value,
        hasMedia: !!(t && t.media), mediaID: card.querySelector(".v-media").value,
        hasCTA: !!(t && t.cta), ctaURL: card.querySelector(".v-cta").value,
        rows: Array.prototype.map.call(card.querySelectorAll(".var-row"), function (row) {
          return { key: row.dataset.key, source: row.querySelector(".var-source").value,
            text: row.querySelector(".var-text").value, fallback: row.querySelector(".var-fallback").value };
        })
      };
    }

    function preview(card) {
      var box = card.querySelector(".v-preview"), t = templateOf(card);
      if (!t) { box.replaceChildren(); return; }
      var values = cardValues(card);
      var mediaChoice = options.media.find(function (m) { return m.id === values.mediaID; });
      api("POST", "/api/templates/" + encodeURIComponent(t.id) + "/preview", { variables: M.variables(values.rows.map(function (r) {
        return r.source === "text" && !r.text.trim() ? { key: r.key, source: "text", text: label(r.key).replace("Header ", "") } : r;
      })) }).then(function (res) {
        if (res.ok) renderBubble(box, res.body, mediaChoice ? mediaChoice.url : null);
        else box.replaceChildren(el("p", "field-error", errorText(res)));
      }, function () {});
    }

    // Names, titles, data-field paths and the add/remove buttons follow the cards' order.
    function renumber() {
      var list = cardList();
      list.forEach(function (card, index) {
        var name = M.variationName(index);
        card.dataset.field = "variations[" + index + "]";
        card.querySelector(".variation-title").textContent = "Variation " + name + (index === 0 ? " (control)" : "");
        var nameInput = card.querySelector(".v-name");
        if (!nameInput.dataset.edited) nameInput.value = name;
        [["v-name-field", "name"], ["v-share-field", "share"], ["v-template-field", "template_id"], ["v-variables-field", "variables"],
          ["v-media-field", "media_id"], ["v-cta-field", "cta_url"]].forEach(function (f) {
          card.querySelector("." + f[0]).dataset.field = "variations[" + index + "]." + f[1];
        });
        card.querySelector(".remove-variation").hidden = !M.canRemove(list.length);
      });
      // The allocation choice exists only with 3+ cards; with fewer the request says "fixed".
      var allocationField = document.getElementById("allocation-field");
      if (allocationField) allocationField.hidden = !M.canUseBandit(list.length);
      if (!sharesEdited) {
        var split = M.equalShares(list.length);
        list.forEach(function (card, index) { card.querySelector(".v-share").value = split[index]; });
      }
      addButton.disabled = !M.canAdd(list.length);
      syncShares();
    }
    function syncShares() {
      var problem = M.shareProblem(cardList().map(function (c) { return c.querySelector(".v-share").value; }));
      shareTotal.textContent = problem || "Shares add up to 100%.";
      shareTotal.className = problem ? "field-error" : "hint";
    }

    function addCard() {
      if (!M.canAdd(cardList().length)) return;
      var card = cardTemplate.content.firstElementChild.cloneNode(true);
      cards.appendChild(card);
      var select = card.querySelector(".v-template");
      templateOptions(select);
      // A new card starts from the first template no other card uses: a different wording.
      var used = cardList().map(function (c) { return c.querySelector(".v-template").value; });
      var free = Array.prototype.find.call(select.options, function (o) { return o.value && used.indexOf(o.value) < 0; });
      if (free) select.value = free.value;
      card.querySelector(".remove-variation").addEventListener("click", function () { card.remove(); renumber(); plan(); });
      card.querySelector(".v-name").addEventListener("input", function (e) { e.target.dataset.edited = "1"; });
      card.querySelector(".v-share").addEventListener("input", function () { sharesEdited = true; syncShares(); plan(); });
      select.addEventListener("change", function () { syncCard(card); });
      card.querySelector(".v-media").addEventListener("change", function () { preview(card); });
      var later = debounce(function () { preview(card); }, 300);
      card.querySelector(".v-rows").addEventListener("change", function (e) {
        var row = e.target.closest(".var-row");
        if (row) syncRow(row);
        later();
      });
      card.querySelector(".v-rows").addEventListener("input", later);
      syncCard(card);
      renumber();
    }

    function formValues() {
      return {
        name: value("t-name"), accountID: account ? account.value : "", audience: checked("audience"), segmentID: segment ? segment.value : "",
        testPercentage: value("t-percentage"), durationHours: value("t-duration"), metric: value("t-metric"),
        windowMinutes: value("t-window"), autoSend: checked("auto_send") === "auto", policy: value("t-policy"),
        allocation: value("t-allocation"), variations: cardList().map(cardValues)
      };
    }

    // Counts before the planner answers: the chosen segment's last count, or nothing for everyone.
    function localCounts() {
      var size = null;
      if (checked("audience") === "segment" && segment) {
        var picked = segment.options[segment.selectedIndex];
        size = picked ? Number(picked.dataset.count) : null;
      }
      showCounts(size, M.testAudience(size, percentage.value));
    }
    function showCounts(audience, test) {
      document.getElementById("t-audience-count").textContent = audience === null || audience === undefined ? "—" : M.grouped(audience);
      document.getElementById("t-test-count").textContent = test === null || test === undefined ? "—" : M.grouped(test);
    }

    // One debounced planner request for the counts and the hint; a 404 (no planner on this server) says nothing.
    var plan = debounce(function () {
      localCounts();
      var mine = ++planSequence;
      api("POST", "/api/ab-tests/plan", M.planBody(formValues())).then(function (res) {
        if (mine !== planSequence) return;
        if (!res.ok) { lastPlan = null; hint.textContent = ""; return; }
        lastPlan = res.body;
        showCounts(res.body.audience_size, res.body.test_audience_size);
        hint.textContent = M.planHint(res.body);
        hint.className = res.body.warning ? "alert warning" : "hint";
      }, function () { if (mine === planSequence) hint.textContent = ""; });
    }, 300);

    function clearErrors() {
      formError.hidden = true;
      form.querySelectorAll(".field-error.from-server").forEach(function (n) { n.remove(); });
      form.querySelectorAll(".has-error").forEach(function (n) { n.classList.remove("has-error"); });
    }
    // The message goes beside the element whose data-field is the error's field, or its nearest parent path.
    function showError(error) {
      var target = M.placeError(error.field, function (f) { return !!form.querySelector('[data-field="' + CSS.escape(f) + '"]'); });
      if (!target) {
        formError.textContent = error.message + (error.field ? " (" + error.field + ")" : "");
        formError.hidden = false;
        return;
      }
      var box = form.querySelector('[data-field="' + CSS.escape(target) + '"]');
      var note = el("p", "field-error from-server", error.message);
      note.setAttribute("role", "alert");
      box.classList.add("has-error");
      box.appendChild(note);
      box.scrollIntoView({ block: "center" });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var submit = document.getElementById("create-ab-test");
      submit.disabled = true;
      api("POST", "/api/ab-tests/create", M.requestBody(formValues())).then(function (res) {
        submit.disabled = false;
        if (res.ok) { window.location.assign("/ab-tests/" + res.body.id + "?done=created"); return; }
        if (res.body && res.body.error) showError(res.body.error);
        else { formError.textContent = errorText(res); formError.hidden = false; }
      }, function (e) {
        submit.disabled = false;
        formError.textContent = "The server could not be reached: " + e;
        formError.hidden = false;
      });
    });

    addButton.addEventListener("click", function () { addCard(); plan(); });
    if (account) account.addEventListener("change", function () {
      cardList().forEach(function (card) { templateOptions(card.querySelector(".v-template")); syncCard(card); });
    });
    form.querySelectorAll('input[name="audience"]').forEach(function (r) { r.addEventListener("change", function () { syncAudience(); plan(); }); });
    function syncAudience() { if (segment) segment.disabled = checked("audience") !== "segment"; }
    if (segment) segment.addEventListener("change", plan);
    ["t-percentage", "t-window", "t-metric"].forEach(function (id) { document.getElementById(id).addEventListener("input", plan); });
    document.getElementById("t-metric").addEventListener("change", plan);
    addCard();
    addCard();
    syncAudience();
    plan();
    form.dataset.ready = "1";
  }

  // ---------------------------------------------------------------- monitoring page

  function setupMonitor() {
    var page = document.getElementById("ab-test");
    if (!page) return;
    var id = page.dataset.id, base = "/api/ab-tests/" + encodeURIComponent(id);
    var actionError = document.getElementById("action-error");
    var panel = document.getElementById("declare-panel");

    function fail(res) {
      actionError.textContent = errorText(res);
      actionError.hidden = false;
    }
    function reloadWith(done) { window.location.assign("/ab-tests/" + id + "?done=" + done); }

    // Warnings from the start answer survive the reload that shows the running test.
    var key = "herald-ab-start-warnings-" + id, stored = null;
    try { stored = window.sessionStorage.getItem(key); window.sessionStorage.removeItem(key); } catch (e) { stored = null; }
    if (stored) {
      var box = document.getElementById("start-warnings");
      box.textContent = JSON.parse(stored).join(" ");
      box.hidden = false;
    }

    var start = document.getElementById("start-test");
    if (start) start.addEventListener("click", function () {
      start.disabled = true;
      api("GET", base).then(function (res) {
        var test = res.ok ? res.body : null;
        var planBody = test ? {
          success_metric: test.success_metric, audience: test.audience, test_percentage: test.test_percentage,
          outcome_window_seconds: test.outcome_window_seconds, shares: test.variations.map(function (v) { return v.share; }),
          template_id: test.variations[0].template_id || undefined
        } : null;
        return planBody ? api("POST", "/api/ab-tests/plan", planBody) : { ok: false };
      }).then(function (plan) {
        var text = "Start this test? The test audience is fixed now and its messages go out at once.";
        if (plan && plan.ok && plan.body) {
          var words = M.planHint(plan.body);
          if (words) text += "\n\n" + words;
        }
        if (!window.confirm(text)) { start.disabled = false; return; }
        return api("POST", base + "/start").then(function (res) {
          start.disabled = false;
          if (!res.ok) return fail(res);
          var warnings = (res.body && res.body.warnings) || [];
          if (warnings.length) {
            try { window.sessionStorage.setItem(key, JSON.stringify(warnings.map(function (w) { return w.message || String(w); }))); } catch (e) {}
          }
          reloadWith("started");
        });
      }, function (res) { start.disabled = false; fail(res || { status: 0 }); });
    });

    var open = document.getElementById("declare-open");
    if (open && panel) {
      open.addEventListener("click", function () { panel.hidden = false; open.setAttribute("aria-expanded", "true"); });
      document.getElementById("let-complete").addEventListener("click", function () {
        panel.hidden = true;
        open.setAttribute("aria-expanded", "false");
      });
      document.getElementById("declare-winner").addEventListener("click", function () {
        var body = { variation_id: document.getElementById("winner-variation").value };
        var reason = document.getElementById("winner-reason").value.trim();
        if (reason) body.reason = reason;
        api("POST", base + "/declare-winner", body).then(function (res) {
          if (!res.ok) return fail(res);
          reloadWith("declared");
        }, fail);
      });
    }

    var stop = document.getElementById("stop-test");
    if (stop) stop.addEventListener("click", function () {
      if (!window.confirm("Stop this test? Messages not sent yet will not be sent, and no winner goes to the remaining audience.")) return;
      api("POST", base + "/stop").then(function (res) {
        if (!res.ok) return fail(res);
        reloadWith("stopped");
      }, fail);
    });

    if (page.dataset.live !== "1" || typeof EventSource === "undefined") return;
    // Live numbers: each `results` event carries the whole results document; the browser reconnects by itself.
    var source = new EventSource(base + "/results/events");
    source.addEventListener("results", function (event) {
      var results;
      try { results = JSON.parse(event.data); } catch (e) { return; }
      render(results);
      if (results.status === "completed" || results.status === "cancelled") source.close();
    });
  }

  function render(results) {
    function set(id, text) { var n = document.getElementById(id); if (n) n.textContent = text; }
    (results.variations || []).forEach(function (v) {
      var row = document.querySelector('#results-table tr[data-variation="' + String(v.id).toLowerCase() + '"]');
      if (!row) return;
      var cells = M.rowCells(v);
      Object.keys(cells).forEach(function (k) {
        var cell = row.querySelector('[data-cell="' + k + '"]');
        if (cell && cell.textContent !== cells[k]) cell.textContent = cells[k];
      });
    });
    set("status-words", M.statusWords(results.status));
    var status = document.getElementById("ab-status");
    if (status) { status.textContent = M.statusWords(results.status); status.className = "status " + results.status; }
    set("time-left", M.timeLeft(results.time_left_seconds));
    set("leader", M.leaderText(results));
    if (results.verdict) {
      set("verdict", results.verdict.explanation);
      var verdict = document.getElementById("verdict");
      if (verdict) verdict.className = "verdict " + results.verdict.state;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    M = window.ABTestModel;
    if (!M) return;
    setupForm();
    setupMonitor();
  });
})();
