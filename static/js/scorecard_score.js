// The scorecard's running score, computed as qa_scoring/scoring.py computes the stored one:
//   criterion score = (value − min) / (max − min)
//   score = Σ(weight × criterion score) / Σ(weight of rated criteria) × 100, N/A and ungraded left out
//   a critical criterion with a criterion score below 1/2 → 0.00 (critical fail)
// The sums are exact fractions (BigInt), rounded once, half up, to 0.01 — the digits the server stores.
(function () {
  "use strict";

  function formatCents(cents) {
    const rest = (cents % 100n).toString().padStart(2, "0");
    return `${cents / 100n}.${rest}`;
  }

  // items: [{min, max, weight, critical, value}] with integer fields; value null = N/A or not graded yet.
  // Returns {score: "93.50" | null, criticalFail: bool}.
  function scoreItems(items) {
    let num = 0n; // Σ weight × (value − min) / (max − min), as num / den
    let den = 1n;
    let rated = 0n; // Σ weight of the rated criteria
    let criticalFail = false;
    items.forEach((item) => {
      if (item.value === null || item.value === undefined) return;
      const lo = BigInt(item.min);
      const span = BigInt(item.max) - lo;
      const weight = BigInt(item.weight);
      const got = BigInt(item.value) - lo;
      if (item.critical && 2n * got < span) criticalFail = true;
      num = num * span + weight * got * den;
      den *= span;
      rated += weight;
    });
    if (criticalFail) return { score: "0.00", criticalFail: true };
    if (rated === 0n) return { score: null, criticalFail: false };
    // cents = floor(num / den / rated × 10000 + 1/2)
    return { score: formatCents((2n * num * 10000n + den * rated) / (2n * den * rated)), criticalFail: false };
  }

  function itemOf(box) {
    const checked = box.querySelector('input[type="radio"]:checked');
    const value = checked && /^\d+$/.test(checked.value) ? Number(checked.value) : null; // "na": left out
    return {
      min: Number(box.dataset.min),
      max: Number(box.dataset.max),
      weight: Number(box.dataset.weight),
      critical: box.dataset.critical === "true",
      value,
    };
  }

  function update() {
    const scorecard = document.getElementById("scorecard");
    const output = scorecard && scorecard.querySelector("#running-score");
    if (!output) return;
    const result = scoreItems(Array.from(scorecard.querySelectorAll(".criterion[data-weight]"), itemOf));
    output.textContent = result.score === null ? "—" : result.score;
    const flag = scorecard.querySelector("#running-critical");
    if (flag) flag.hidden = !result.criticalFail;
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { scoreItems }; // the tests compare it with the server's formula
    return;
  }
  document.addEventListener("change", (event) => {
    if (event.target.closest && event.target.closest("#scorecard")) update();
  });
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:afterSwap", update);
})();
