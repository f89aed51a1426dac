// Herald console: small progressive enhancements; every page works without them except the import progress.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setupMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("main-nav");
    if (!toggle || !nav) return;
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function describeError(body, status) {
    if (body && body.error) {
      return body.error.message + (body.error.field ? " (" + body.error.field + ")" : "");
    }
    return "The server answered " + status + ".";
  }

  function refreshRows() {
    var params = new URLSearchParams(window.location.search);
    params.set("fragment", "rows");
    params.delete("cursor");
    return fetch("/contacts?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var body = document.querySelector("#contacts-table tbody");
        if (body) body.innerHTML = html;
      });
  }

  function setupImport() {
    var form = document.getElementById("import-form");
    if (!form) return;
    var file = document.getElementById("import-file");
    var submit = document.getElementById("import-submit");
    var panel = document.getElementById("import-panel");
    var progress = document.getElementById("import-progress");
    var status = document.getElementById("import-status");
    var summary = document.getElementById("import-summary");
    var errors = document.getElementById("import-errors");

    function show(text) { status.textContent = text; }

    function poll(url) {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; }); })
        .then(function (res) {
          if (!res.ok) { show("Could not read the import's progress: " + describeError(res.body, res.status)); submit.disabled = false; return; }
          var job = res.body;
          progress.value = Math.min(100, job.progress.percent);
          var rows = job.rows;
          if (job.status === "completed") {
            progress.value = 100;
            var r = job.result || {};
            var imported = (r.created || 0) + (r.updated || 0);
            show("Completed");
            summary.textContent = imported + " imported (" + (r.created || 0) + " new, " + (r.updated || 0) + " updated), " + (r.failed || 0) + " failed";
            if ((r.failed || 0) > 0) {
              errors.href = job.errors_url + "?format=csv";
              errors.hidden = false;
            }
            submit.disabled = false;
            refreshRows();
          } else if (job.status === "failed") {
            show("Failed: " + (job.error || "unknown error"));
            submit.disabled = false;
          } else {
            show((job.status === "queued" ? "Waiting to start" : "Importing") + "… " + rows.processed + " rows read");
            setTimeout(function () { poll(url); }, 400);
          }
        })
        .catch(function () { setTimeout(function () { poll(url); }, 1000); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!file.files.length) return;
      panel.hidden = false;
      progress.value = 0;
      summary.textContent = "";
      errors.hidden = true;
      submit.disabled = true;
      show("Uploading…");
      fetch("/api/contacts/import", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "text/csv", "X-CSRF-Token": csrf(), Accept: "application/json" },
        body: file.files[0]
      })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; }); })
        .then(function (res) {
          if (!res.ok) { show("Import refused: " + describeError(res.body, res.status)); submit.disabled = false; return; }
          show("Queued");
          poll(res.body.status_url);
        })
        .catch(function (e) { show("Upload failed: " + e); submit.disabled = false; });
    });
  }

  function setupMediaUpload() {
    var form = document.getElementById("media-form");
    if (!form) return;
    var file = document.getElementById("media-file");
    var submit = document.getElementById("media-submit");
    var status = document.getElementById("media-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!file.files.length) return;
      var chosen = file.files[0];
      submit.disabled = true;
      status.className = "hint";
      status.textContent = "Uploading " + chosen.name + "…";
      fetch("/api/media?filename=" + encodeURIComponent(chosen.name), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": chosen.type || "application/octet-stream", "X-CSRF-Token": csrf(), Accept: "application/json" },
        body: chosen
      })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; }); })
        .then(function (res) {
          submit.disabled = false;
          if (!res.ok) {
            status.className = "alert error";
            status.textContent = "Upload refused: " + describeError(res.body, res.status);
            return;
          }
          status.className = "alert ok";
          status.textContent = "Uploaded " + res.body.filename + ".";
          window.location.reload();
        })
        .catch(function (e) { submit.disabled = false; status.className = "alert error"; status.textContent = "Upload failed: " + e; });
    });
  }

  // Forms that undo something ask first.
  function setupConfirm() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupMenu();
    setupImport();
    setupMediaUpload();
    setupConfirm();
  });
})();
