// node --test tests/js: the A/B test pages' pure model (Sources/HeraldApp/Resources/static/ab-tests-model.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const model = require(path.join(__dirname, "../../Sources/HeraldApp/Resources/static/ab-tests-model.js"));

test("the default split gives the remainder to the first variations, as the server does", () => {
  assert.deepEqual(model.equalShares(2), [50, 50]);
  assert.deepEqual(model.equalShares(3), [34, 33, 33]);
  assert.deepEqual(model.equalShares(4), [25, 25, 25, 25]);
  assert.deepEqual(model.equalShares(5), [20, 20, 20, 20, 20]);
  for (let n = 2; n <= 5; n++) assert.equal(model.sharesTotal(model.equalShares(n)), 100);
});

test("shares that do not add up to 100 are named with their total", () => {
  assert.equal(model.shareProblem([50, 50]), null);
  assert.equal(model.shareProblem(["60", "30"]), "Shares add up to 90%; they must add up to 100%.");
  assert.equal(model.shareProblem(["60", "", "x"]), "Shares add up to 60%; they must add up to 100%.");
});

test("2 to 5 variations, named A to E", () => {
  assert.equal(model.canAdd(4), true);
  assert.equal(model.canAdd(5), false);
  assert.equal(model.canRemove(3), true);
  assert.equal(model.canRemove(2), false);
  assert.deepEqual([0, 1, 4].map(model.variationName), ["A", "B", "E"]);
});

test("the test audience is the percentage rounded half up, as the freeze cuts it", () => {
  assert.equal(model.testAudience(1000, 20), 200);
  assert.equal(model.testAudience(5, 50), 3);
  assert.equal(model.testAudience(3, 10), 0);
  assert.equal(model.testAudience(null, 20), null);
  assert.equal(model.testAudience(100, "abc"), null);
});

const form = {
  name: " Spring wording ", accountID: "acc", audience: "segment", segmentID: "seg", testPercentage: "20",
  durationHours: "24", metric: "click", windowMinutes: "60", autoSend: false, policy: "manual",
  variations: [
    { name: "A", share: "50", templateID: "t1", hasCTA: true, ctaURL: " https://shop.example/a ", hasMedia: false, mediaID: "m",
      rows: [{ key: "1", source: "first_name", text: "", fallback: "there" }, { key: "2", source: "text", text: "20%", fallback: "" }] },
    { name: "", share: "50", templateID: "t2", hasCTA: false, ctaURL: "https://ignored", hasMedia: true, mediaID: "m2",
      rows: [{ key: "1", source: "city", text: "", fallback: "" }] }
  ]
};

test("the create request carries every setting and each card in the API's shape", () => {
  assert.deepEqual(model.requestBody(form), {
    name: "Spring wording", account_id: "acc", audience: { type: "segment", segment_id: "seg" }, test_percentage: 20,
    duration_hours: 24, success_metric: "click", outcome_window_seconds: 3600, auto_send_winner: false, inconclusive_policy: "manual",
    allocation: "fixed",
    variations: [
      { name: "A", share: 50, template_id: "t1", cta_url: "https://shop.example/a",
        variables: { 1: { field: "first_name", fallback: "there" }, 2: { text: "20%" } } },
      { name: "B", share: 50, template_id: "t2", media_id: "m2", variables: { 1: { field: "city" } } }
    ]
  });
  const everyone = model.requestBody({ ...form, audience: "all", testPercentage: "lots" });
  assert.deepEqual(everyone.audience, { type: "all" });
  assert.equal(everyone.test_percentage, "lots", "left as typed so the server's 422 names test_percentage");
});

test("the allocation select is offered from 3 cards, and thompson is sent only with 3 or more", () => {
  assert.deepEqual([2, 3, 5].map(model.canUseBandit), [false, true, true]);
  assert.equal(model.requestBody({ ...form, allocation: "thompson" }).allocation, "fixed", "two cards: the hidden select is ignored");
  const three = { ...form, allocation: "thompson", variations: [...form.variations, { ...form.variations[1], name: "C" }] };
  assert.equal(model.requestBody(three).allocation, "thompson");
  assert.equal(model.requestBody({ ...three, allocation: "fixed" }).allocation, "fixed");
});

test("the planner request sends the shares when they add up, else the number of variations", () => {
  assert.deepEqual(model.planBody(form), {
    success_metric: "click", audience: { type: "segment", segment_id: "seg" }, test_percentage: 20, outcome_window_seconds: 3600,
    template_id: "t1", shares: [50, 50]
  });
  const uneven = model.planBody({ ...form, variations: [{ share: "70" }, { share: "20" }] });
  assert.equal(uneven.variations, 2);
  assert.equal(uneven.shares, undefined);
});

test("an error goes beside the most precise element its field names", () => {
  assert.deepEqual(model.fieldCandidates("variations[1].variables.2"),
    ["variations[1].variables.2", "variations[1].variables", "variations[1]", "variations"]);
  assert.deepEqual(model.fieldCandidates("audience.segment_id"), ["audience.segment_id", "audience"]);
  assert.deepEqual(model.fieldCandidates(""), []);
  const present = new Set(["variations[1].template_id", "variations[1]", "variations", "duration_hours"]);
  const has = (f) => present.has(f);
  assert.equal(model.placeError("variations[1].template_id", has), "variations[1].template_id");
  assert.equal(model.placeError("variations[1].variables.2", has), "variations[1]");
  assert.equal(model.placeError("duration_hours", has), "duration_hours");
  assert.equal(model.placeError("campaign_id", has), null);
});

test("the planner's hint in words, and nothing without an answer", () => {
  assert.equal(model.planHint(null), "");
  assert.equal(
    model.planHint({ test_audience_size: 1234, smallest_arm: 617, baseline: { rate: 0.12, source: "history" },
      detectable_lift: { absolute: 0.037, relative: 0.31 }, warning: "this test can only detect a lift of 31 % or more" }),
    "The test goes to 1,234 contacts (at least 617 per variation). It can detect a lift of 31% or more over a baseline of 12.0%. " +
      "this test can only detect a lift of 31 % or more");
  assert.equal(model.planHint({ test_audience_size: 1, baseline: { source: "none" } }),
    "The test goes to 1 contact. There is not enough history to estimate the baseline rate.");
});

test("numbers, rates, intervals, lifts and time left read as on the server-rendered page", () => {
  assert.equal(model.grouped(1234567), "1,234,567");
  assert.equal(model.percent(0.1234), "12.3%");
  assert.equal(model.percent(null), "—");
  assert.equal(model.rateText(0.1234, 0.101, 0.146), "12.3% (10.1–14.6)");
  assert.equal(model.liftText({ absolute: 0.021, relative: 0.123, interval: { low: -0.012, high: 0.054 } }), "+12.3% (−1.2 to +5.4 pts)");
  assert.equal(model.liftText({ absolute: -0.02, relative: null, interval: null }), "−2.0 pts");
  assert.equal(model.liftText(null), "—");
  assert.equal(model.timeLeft(null), "—");
  assert.equal(model.timeLeft(30), "under a minute");
  assert.equal(model.timeLeft(3 * 3600 + 12 * 60 + 5), "3 h 12 min");
  assert.equal(model.timeLeft(2 * 86400 + 3 * 3600), "2 d 3 h");
  assert.equal(model.statusWords("deciding"), "Waiting for a decision");
  assert.equal(model.metricWords("click"), "Click rate");
});

test("a results document becomes the table's cells and the leader's line", () => {
  const results = {
    leader: "ID-B",
    variations: [
      { id: "id-a", name: "A", control: true, assigned: 100, sent: 90, delivered: 80, read: 40, clicked: 10, replied: 1,
        rates: { delivered: { rate: 0.8889, low: 0.8, high: 0.94 }, read: { rate: null }, clicked: { rate: 0.1111, low: 0.06, high: 0.19 }, replied: {} },
        exposed: 50, successes: 5, rate: 0.1, interval: { low: 0.04, high: 0.21 }, lift: null, probability_best: 0.05 },
      { id: "id-b", name: "B", control: false, assigned: 100, sent: 1200, delivered: 0, read: 0, clicked: 0, replied: 0, rates: {},
        exposed: 50, successes: 10, rate: 0.2, interval: { low: 0.11, high: 0.33 },
        lift: { absolute: 0.1, relative: 1.0, interval: { low: -0.05, high: 0.25 } }, probability_best: 0.95 }
    ]
  };
  const a = model.rowCells(results.variations[0]);
  assert.equal(a.sent, "90");
  assert.equal(a.sent_rate, "of 100 assigned");
  assert.equal(a.delivered_rate, "88.9% (80.0–94.0)");
  assert.equal(a.read_rate, "—");
  assert.equal(a.metric, "10.0% (4.0–21.0)");
  assert.equal(a.metric_counts, "5 of 50");
  assert.equal(a.lift, "control");
  assert.equal(a.best, "5.0%");
  const b = model.rowCells(results.variations[1]);
  assert.equal(b.sent, "1,200");
  assert.equal(b.lift, "+100.0% (−5.0 to +25.0 pts)");
  assert.equal(model.leaderText(results), "B leads: +100.0% (−5.0 to +25.0 pts) against A");
  assert.equal(model.leaderText({ leader: null, variations: [] }), "No leader yet");
});
