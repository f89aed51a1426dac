// Herald campaigns: the New campaign form's variable rows, live preview, audience and pre-flight,
// and live numbers on a sending campaign's page. The forms also work without it.
(function () {
  "use strict";
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
  function label(key) {
    return key.indexOf("header.") === 0 ? "Header {{" + key.slice(7) + "}}" : "{{" + key + "}}";
  }
  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  // The same markup as the bubble partial, built with textContent only.
  function renderBubble(box, r, mediaSelect) {
    var chat = el("div", "wa-chat"), bubble = el("div", "wa-bubble");
    var format = (r.header_format || "").toLowerCase();
    if (format === "image" || format === "video" || format === "document") {
      var media = el("div", "wa-media wa-" + format);
      var file = mediaSelect.options[mediaSelect.selectedIndex];
      if (format === "image" && file && file.value) {
        var img = el("img");
        img.src = file.dataset.url;
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

  function setupForm() {
    var form = document.getElementById("campaign-form");
    if (!form) return;
    var template = document.getElementById("c-template");
    var rows = document.getElementById("var-rows");
    var rowTemplate = document.getElementById("var-row-template");
    var mediaField = document.getElementById("media-field");
    var mediaSelect = document.getElementById("c-media");
    var ctaField = document.getElementById("cta-field");
    var preview = document.getElementById("campaign-preview");
    var preflight = document.getElementById("preflight");
    var scheduled = document.getElementById("c-scheduled");
    var submit = document.getElementById("create-campaign");
    var segment = document.getElementById("c-segment");

    function chosen() { return template.options[template.selectedIndex] || null; }

    function syncRow(row) {
      var isText = row.querySelector(".var-source").value === "text";
      row.querySelector(".var-text").hidden = !isText;
      row.querySelector(".var-fallback").hidden = isText;
    }

    function buildRows() {
      var option = chosen();
      var keys = option && option.dataset.vars ? option.dataset.vars.split(" ") : [];
      var old = {};
      rows.querySelectorAll(".var-row").forEach(function (row) { old[row.dataset.key] = row; });
      var fresh = keys.map(function (key) {
        if (old[key]) return old[key];
        var row = rowTemplate.content.firstElementChild.cloneNode(true);
        row.dataset.key = key;
        row.querySelector(".var-label").textContent = label(key);
        [["var-source", "source", "Value of "], ["var-text", "text", "Fixed text for "], ["var-fallback", "fallback", "Fallback for "]].forEach(function (f) {
          var input = row.querySelector("." + f[0]);
          input.name = "var." + key + "." + f[1];
          input.setAttribute("aria-label", f[2] + label(key));
        });
        return row;
      });
      rows.replaceChildren.apply(rows, fresh);
      fresh.forEach(syncRow);
      document.getElementById("no-variables").hidden = keys.length > 0;
      var kind = option ? option.dataset.media : "";
      mediaField.hidden = !kind;
      Array.prototype.forEach.call(mediaSelect.options, function (o) {
        if (o.value) o.hidden = o.dataset.kind !== kind;
        if (o.hidden && o.selected) mediaSelect.value = "";
      });
      ctaField.hidden = !(option && option.dataset.cta);
    }

    function variables() {
      var result = {};
      rows.querySelectorAll(".var-row").forEach(function (row) {
        var key = row.dataset.key, source = row.querySelector(".var-source").value;
        var text = row.querySelector(".var-text").value.trim(), fallback = row.querySelector(".var-fallback").value.trim();
        if (source === "text") result[key] = { text: text || label(key).replace("Header ", "") };
        else result[key] = fallback ? { field: source, fallback: fallback } : { field: source };
      });
      return result;
    }

    function refreshPreview() {
      var option = chosen();
      if (!option) return;
      fetch("/api/templates/" + encodeURIComponent(option.value) + "/preview", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify({ variables: variables() })
      })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (res) {
          if (res.ok) renderBubble(preview, res.body, mediaSelect);
          else preview.replaceChildren(el("p", "field-error", res.body.error ? res.body.error.message : "The preview failed."));
        })
        .catch(function () {});
    }

    // The audience's pre-flight: everyone, or the chosen saved segment.
    function audienceQuery() {
      var picked = form.querySelector('input[name="audience"]:checked');
      if (!picked || picked.value !== "segment" || !segment) return "";
      return "&audience=segment&segment_id=" + encodeURIComponent(segment.value);
    }

    function syncAudience() {
      var picked = form.querySelector('input[name="audience"]:checked');
      if (segment) segment.disabled = !picked || picked.value !== "segment";
    }

    function refreshPreflight() {
      var option = chosen();
      if (!option) return;
      fetch("/campaigns/new?fragment=preflight&template_id=" + encodeURIComponent(option.value) + audienceQuery(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { preflight.innerHTML = html; })
        .catch(function () {});
    }

    function syncWhen() {
      var when = form.querySelector('input[name="when"]:checked');
      var value = when ? when.value : "draft";
      scheduled.disabled = value !== "at";
      scheduled.required = value === "at";
      submit.textContent = value === "now" ? "Create and send now" : value === "at" ? "Schedule campaign" : "Save draft";
    }

    var later = debounce(refreshPreview, 300);
    rows.addEventListener("change", function (e) {
      var row = e.target.closest(".var-row");
      if (row) syncRow(row);
      later();
    });
    rows.addEventListener("input", later);
    template.addEventListener("change", function () { buildRows(); refreshPreview(); refreshPreflight(); });
    mediaSelect.addEventListener("change", refreshPreview);
    form.querySelectorAll('input[name="when"]').forEach(function (r) { r.addEventListener("change", syncWhen); });
    form.querySelectorAll('input[name="audience"]').forEach(function (r) {
      r.addEventListener("change", function () { syncAudience(); refreshPreflight(); });
    });
    if (segment) segment.addEventListener("change", refreshPreflight);
    syncAudience();
    rows.querySelectorAll(".var-row").forEach(syncRow);
    buildRows();
    syncWhen();
    refreshPreview();
  }

  function setupLive() {
    var page = document.getElementById("campaign");
    if (!page || page.dataset.live !== "1") return;
    function pct(part, whole) { return whole > 0 ? (part * 100 / whole).toFixed(1) + "%" : "—"; }
    function set(selector, text) {
      document.querySelectorAll(selector).forEach(function (n) { n.textContent = text; });
    }
    function poll() {
      fetch("/api/campaigns/" + encodeURIComponent(page.dataset.id), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (c) {
          if (c.status !== page.dataset.status) { window.location.reload(); return; }
          var s = c.stats, audience = c.audience_size || s.messages;
          var values = { audience: audience, sent: s.sent, delivered: s.delivered, read: s.read, clicked: s.clicked, replied: s.replied,
            failed: s.failed, waiting: s.waiting, suppressed: s.suppressed, clicks: s.clicks };
          Object.keys(values).forEach(function (k) { set('[data-stat="' + k + '"]', String(values[k])); });
          set('[data-stat="cost"]', s.cost.toFixed(s.cost >= 100 ? 2 : 4) + " " + page.dataset.currency);
          set('[data-rate="sent"]', pct(s.sent, audience));
          set('[data-rate="delivered"]', pct(s.delivered, s.sent));
          ["read", "clicked", "replied"].forEach(function (k) { set('[data-rate="' + k + '"]', pct(s[k], s.delivered)); });
          set('[data-rate="failed"]', pct(s.failed, audience));
          setTimeout(poll, 3000);
        })
        .catch(function () { setTimeout(poll, 6000); });
    }
    setTimeout(poll, 3000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupForm();
    setupLive();
  });
})();
