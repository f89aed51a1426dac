// Herald A/B tests: the pure part of the creation and monitoring pages (no DOM), so `node --test` checks it
// without a browser: shares and the default split, the request bodies, where a 422 goes, and the words and
// numbers of the results table. The page script (ab-tests.js) reads and writes the DOM around it.
// The server renders the monitoring page with the same formats (ABTestPageModel.swift): keep them in step.
(function (root, factory) {
  var model = factory();
  if (typeof module === "object" && module.exports) module.exports = model;
  else root.ABTestModel = model;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var MIN_VARIATIONS = 2, MAX_VARIATIONS = 5;

  // ---------------------------------------------------------------- creation

  // An equal split, the remainder to the first variations: 50/50, 34/33/33 (Experiments.Assignment.equalShares).
  function equalShares(count) {
    var out = [];
    for (var i = 0; i < count; i++) out.push(Math.floor(100 / count) + (i < 100 % count ? 1 : 0));
    return out;
  }
  function whole(text) {
    var s = String(text === undefined || text === null ? "" : text).trim();
    return /^-?\d+$/.test(s) ? parseInt(s, 10) : null;
  }
  function sharesTotal(shares) {
    return shares.reduce(function (sum, s) { var n = whole(s); return sum + (n === null ? 0 : n); }, 0);
  }
  // The words beside the shares: nothing when they add up to 100.
  function shareProblem(shares) {
    var total = sharesTotal(shares);
    return total === 100 ? null : "Shares add up to " + total + "%; they must add up to 100%.";
  }
  function variationName(index) { return String.fromCharCode(65 + index); }
  function canAdd(count) { return count < MAX_VARIATIONS; }
  function canRemove(count) { return count > MIN_VARIATIONS; }
  // The Thompson-sampling bandit needs 3 or more variations (the server's bandit_needs_three_variations).
  var BANDIT_MIN_VARIATIONS = 3;
  function canUseBandit(count) { return count >= BANDIT_MIN_VARIATIONS; }
  // "thompson" only when chosen and allowed; "fixed" otherwise, so a hidden select never sends the bandit.
  function allocation(form) {
    return form.allocation === "thompson" && canUseBandit((form.variations || []).length) ? "thompson" : "fixed";
  }
  // The test audience as the freeze cuts it: the percentage of the audience, rounded half up.
  function testAudience(audience, percentage) {
    var pct = whole(percentage);
    if (audience === null || audience === undefined || pct === null || pct < 1 || pct > 100) return null;
    return Math.floor(audience * pct / 100 + 0.5);
  }
  // A number field: the whole number typed, or the text as typed so the server names the field in its 422.
  function numberOrText(text) {
    var n = whole(text);
    return n === null ? String(text === undefined || text === null ? "" : text) : n;
  }
  // Variable rows [{key, source, text, fallback}] in the API's shape: {"text": …} or {"field": …, "fallback": …}.
  function variables(rows) {
    var out = {};
    (rows || []).forEach(function (row) {
      var text = (row.text || "").trim(), fallback = (row.fallback || "").trim();
      if (row.source === "text") out[row.key] = { text: text };
      else out[row.key] = fallback ? { field: row.source, fallback: fallback } : { field: row.source };
    });
    return out;
  }
  function audience(form) {
    return form.audience === "segment" ? { type: "segment", segment_id: form.segmentID || "" } : { type: "all" };
  }
  function windowSeconds(minutes) {
    var n = whole(minutes);
    return n === null ? String(minutes) : n * 60;
  }
  // The body of POST /api/ab-tests/create from the page's values.
  function requestBody(form) {
    var body = {
      name: (form.name || "").trim(),
      account_id: form.accountID || "",
      audience: audience(form),
      test_percentage: numberOrText(form.testPercentage),
      duration_hours: numberOrText(form.durationHours),
      success_metric: form.metric,
      outcome_window_seconds: windowSeconds(form.windowMinutes),
      auto_send_winner: !!form.autoSend,
      inconclusive_policy: form.policy,
      allocation: allocation(form),
      variations: (form.variations || []).map(function (v, index) {
        var item = {
          name: (v.name || "").trim() || variationName(index),
          share: numberOrText(v.share),
          template_id: v.templateID || "",
          variables: variables(v.rows)
        };
        if (v.hasMedia && v.mediaID) item.media_id = v.mediaID;
        if (v.hasCTA && (v.ctaURL || "").trim()) item.cta_url = v.ctaURL.trim();
        return item;
      })
    };
    return body;
  }
  // The body of POST /api/ab-tests/plan: counts and the smallest detectable lift for these settings.
  function planBody(form) {
    var shares = (form.variations || []).map(function (v) { return whole(v.share); });
    var body = {
      success_metric: form.metric,
      audience: audience(form),
      test_percentage: whole(form.testPercentage) || 0,
      outcome_window_seconds: whole(form.windowMinutes) === null ? 3600 : whole(form.windowMinutes) * 60
    };
    // The control's template decides the +1 rule for marketing, so the count matches the freeze's.
    var control = (form.variations || [])[0];
    if (control && control.templateID) body.template_id = control.templateID;
    if (shares.every(function (s) { return s !== null; }) && sharesTotal(shares) === 100) body.shares = shares;
    else body.variations = shares.length;
    return body;
  }
  // Where an error's field can be shown, most precise first: variations[1].variables.2, variations[1].variables,
  // variations[1], variations. The page shows the message beside the first element whose data-field matches.
  function fieldCandidates(field) {
    var out = [];
    var f = String(field || "");
    while (f) {
      out.push(f);
      var cut = Math.max(f.lastIndexOf("."), f.lastIndexOf("["));
      f = cut > 0 ? f.slice(0, cut) : "";
    }
    return out;
  }
  function placeError(field, hasField) {
    var candidates = fieldCandidates(field);
    for (var i = 0; i < candidates.length; i++) if (hasField(candidates[i])) return candidates[i];
    return null;
  }
  // The planner's answer in words; "" when there is nothing to say.
  function planHint(answer) {
    if (!answer) return "";
    var parts = [];
    if (answer.test_audience_size !== undefined && answer.test_audience_size !== null) {
      var text = "The test goes to " + contacts(answer.test_audience_size);
      if (answer.smallest_arm !== undefined && answer.smallest_arm !== null) text += " (at least " + grouped(answer.smallest_arm) + " per variation)";
      parts.push(text + ".");
    }
    var baseline = answer.baseline || {};
    var lift = answer.detectable_lift;
    if (lift && lift.relative !== undefined && lift.relative !== null) {
      var base = baseline.rate !== undefined && baseline.rate !== null ? " over a baseline of " + percent(baseline.rate) : "";
      parts.push("It can detect a lift of " + Math.round(lift.relative * 100) + "% or more" + base + ".");
    } else if (baseline.source === "none") {
      parts.push("There is not enough history to estimate the baseline rate.");
    }
    if (answer.warning) parts.push(answer.warning);
    return parts.join(" ");
  }

  // ---------------------------------------------------------------- monitoring

  var STATUS_WORDS = {
    draft: "Draft: not started", running: "Running", paused: "Paused", deciding: "Waiting for a decision",
    completed: "Completed", cancelled: "Stopped"
  };
  var METRIC_WORDS = { read: "Read rate", click: "Click rate", reply: "Reply rate" };
  function statusWords(status) { return STATUS_WORDS[status] || String(status || ""); }
  function metricWords(metric) { return METRIC_WORDS[metric] || String(metric || ""); }
  function grouped(n) {
    var digits = String(Math.abs(Math.round(n))), out = "";
    for (var i = 0; i < digits.length; i++) {
      if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
      out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
  }
  function contacts(n) { return n === 1 ? "1 contact" : grouped(n) + " contacts"; }
  function one(x) { return (Math.round(x * 1000) / 10).toFixed(1); }
  function percent(rate) { return rate === null || rate === undefined ? "—" : one(rate) + "%"; }
  // 12.3% (10.1–14.6): a rate with its 95 % interval.
  function rateText(rate, low, high) {
    if (rate === null || rate === undefined) return "—";
    if (low === null || low === undefined || high === null || high === undefined) return percent(rate);
    return percent(rate) + " (" + one(low) + "–" + one(high) + ")";
  }
  function signed(x, digits) {
    var v = (Math.round(x * Math.pow(10, digits + 2)) / Math.pow(10, digits)).toFixed(digits);
    if (Number(v) === 0) v = (0).toFixed(digits);
    return (Number(v) > 0 ? "+" : Number(v) < 0 ? "−" : "") + v.replace("-", "");
  }
  // Against the control: +12.3% relative, the absolute difference's interval in percentage points.
  function liftText(lift) {
    if (!lift) return "—";
    var head = lift.relative !== null && lift.relative !== undefined ? signed(lift.relative, 1) + "%" : signed(lift.absolute, 1) + " pts";
    if (!lift.interval) return head;
    return head + " (" + signed(lift.interval.low, 1) + " to " + signed(lift.interval.high, 1) + " pts)";
  }
  // 2 d 3 h, 3 h 12 min, 12 min, under a minute; "—" when there is no end (not started, or over).
  function timeLeft(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return seconds <= 0 ? "ending now" : "under a minute";
    var days = Math.floor(seconds / 86400), hours = Math.floor((seconds % 86400) / 3600), minutes = Math.floor((seconds % 3600) / 60);
    if (days > 0) return days + " d " + hours + " h";
    if (hours > 0) return hours + " h " + minutes + " min";
    return minutes + " min";
  }
  // The text of every cell of one variation's row, keyed by the cells' data-cell names.
  function rowCells(v) {
    var r = v.rates || {};
    function of(key) { var x = r[key] || {}; return rateText(x.rate, x.low, x.high); }
    return {
      sent: grouped(v.sent || 0), sent_rate: v.assigned ? "of " + grouped(v.assigned) + " assigned" : "",
      delivered: grouped(v.delivered || 0), delivered_rate: of("delivered"),
      read: grouped(v.read || 0), read_rate: of("read"),
      clicked: grouped(v.clicked || 0), clicked_rate: of("clicked"),
      replied: grouped(v.replied || 0), replied_rate: of("replied"),
      metric: v.interval ? rateText(v.rate, v.interval.low, v.interval.high) : percent(v.rate),
      metric_counts: grouped(v.successes || 0) + " of " + grouped(v.exposed || 0),
      lift: v.control ? "control" : liftText(v.lift),
      best: v.probability_best === null || v.probability_best === undefined ? "—" : percent(v.probability_best)
    };
  }
  function variationNamed(results, id) {
    return (results.variations || []).find(function (v) { return v.id && id && v.id.toLowerCase() === String(id).toLowerCase(); }) || null;
  }
  // "B leads: +12.3% against A" or "A (the control) leads"; "No leader yet" before any message had its window.
  function leaderText(results) {
    var leader = variationNamed(results, results.leader);
    if (!leader) return "No leader yet";
    if (leader.control) return leader.name + " (the control) leads";
    var control = (results.variations || []).find(function (v) { return v.control; });
    return leader.name + " leads" + (leader.lift ? ": " + liftText(leader.lift) + (control ? " against " + control.name : "") : "");
  }

  return {
    MIN_VARIATIONS: MIN_VARIATIONS, MAX_VARIATIONS: MAX_VARIATIONS,
    equalShares: equalShares, sharesTotal: sharesTotal, shareProblem: shareProblem, variationName: variationName,
    canAdd: canAdd, canRemove: canRemove, canUseBandit: canUseBandit, allocation: allocation, testAudience: testAudience, variables: variables, requestBody: requestBody,
    planBody: planBody, fieldCandidates: fieldCandidates, placeError: placeError, planHint: planHint,
    statusWords: statusWords, metricWords: metricWords, grouped: grouped, contacts: contacts, percent: percent,
    rateText: rateText, liftText: liftText, timeLeft: timeLeft, rowCells: rowCells, leaderText: leaderText
  };
});
