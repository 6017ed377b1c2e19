// The review panel's numbers (render/review_panel.py, templates/review.js), exactly as the
// Python computes them, operation for operation: evidence/review.py estimate (Agresti-Coull
// per stratum, finite-population corrected), checks/answers/acting.py precision_of and
// checks/label_noise/flags.py precision_of (evidence/stats.py wilson), Python's number
// formats (ties to even on the exact binary value) and io/csvsafe.py's cells. The browser
// tests compare them with the Python for many partial answer sets.
window.tunereadyReview = (function () {
  "use strict";
  // --- the numbers: exactly as the Python computes them -----------------------------------
  var Z = 1.96;           // evidence/review.py Z (Agresti-Coull, label noise)
  var MIN_ANSWERS = 10;   // evidence/review.py MIN_ANSWERS

  function acVariance(wrong, n) {
    var nAdj = n + Z * Z;
    var pAdj = (wrong + Z * Z / 2) / nAdj;
    return pAdj * (1 - pAdj) / nAdj;
  }
  function fpc(s) { return s.size ? Math.max(0.0, 1 - s.reviewed / s.size) : 0.0; }
  function stratumInterval(s) {   // Stratum.interval
    if (!s.reviewed) return [0.0, 0.0, 1.0];
    var p = s.wrong / s.reviewed;
    var nAdj = s.reviewed + Z * Z;
    var pAdj = (s.wrong + Z * Z / 2) / nAdj;
    var half = Z * Math.sqrt(pAdj * (1 - pAdj) / nAdj * fpc(s));
    return [p, Math.max(0.0, Math.min(p, pAdj - half)), Math.min(1.0, Math.max(p, pAdj + half))];
  }
  function estimate(flagged, unflagged) {   // evidence.review.estimate
    var total = flagged.size + unflagged.size;
    if (!total) return {rate: 0, lower: 0, upper: 0, usable: false};
    var rate = 0.0, variance = 0.0;
    [flagged, unflagged].forEach(function (s) {
      if (!s.size) return;
      var weight = s.size / total;
      rate += weight * stratumInterval(s)[0];
      if (s.reviewed) variance += weight * weight * acVariance(s.wrong, s.reviewed) * fpc(s);
      else variance += weight * weight * 0.25;
    });
    var half = Z * Math.sqrt(variance);
    var usable = [flagged, unflagged].every(function (s) {
      return s.reviewed >= Math.min(s.size, MIN_ANSWERS);
    });
    return {rate: rate, lower: Math.max(0.0, rate - half), upper: Math.min(1.0, rate + half),
            usable: usable};
  }
  function inForce(est, counts) {   // LabelIssues.bounds once the review is usable
    var n = counts.labelled_n;
    var lower = Math.max(est.lower, Math.min(counts.flagged_n / n, counts.certain_n / n));
    return {point: Math.max(est.rate, lower), lower: lower, upper: Math.max(est.upper, lower)};
  }
  function wilson(k, n, z) {   // evidence.stats.wilson
    if (!(n > 0)) return [0.0, 1.0];
    var p = k / n;
    var denom = 1 + z * z / n;
    var centre = (p + z * z / (2 * n)) / denom;
    var half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom;
    return [Math.min(1, Math.max(0, centre - half)), Math.min(1, Math.max(0, centre + half))];
  }
  // Python's format(x, ".Nf") and round(x, N): the exact binary value, ties to even
  function pyFixed(x, digits) {
    var out = x.toFixed(digits);
    var exact = Math.abs(x).toFixed(100);
    var dot = exact.indexOf(".");
    if (/^50*$/.test(exact.slice(dot + 1 + digits))) {
      var kept = exact.slice(0, digits ? dot + 1 + digits : dot);
      if (parseInt(kept.charAt(kept.length - 1), 10) % 2 === 0) out = (x < 0 ? "-" : "") + kept;
    }
    return out;
  }
  function pyRound(x, digits) { return Number(pyFixed(x, digits)); }
  function pct(x) { return pyFixed(x * 100, 1) + "%"; }          // f"{x:.1%}"
  function commas(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function precisionOf(verdicts, z) {   // acting.precision_of, measured
    var n = verdicts.length, k = verdicts.filter(function (v) { return v === "defect"; }).length;
    if (!n) return null;
    var ci = wilson(k, n, z), value = k / n;
    var lo = Math.min(value, pyRound(ci[0], 6)), hi = Math.max(value, pyRound(ci[1], 6));
    return {value: value, lo: lo, hi: hi, reviewed: n, confirmed: k,
            text: "precision on your data " + pyFixed(value, 2) + " (" + pyFixed(lo, 2) + "-" +
                  pyFixed(hi, 2) + "), " + commas(n) + " reviewed"};
  }
  function csvCell(v) {   // io/csvsafe.py safe_cell, then Python's csv.writer (minimal quoting)
    var s;
    if (typeof v === "string") s = /^[=+\-@\t\r]/.test(v) ? "'" + v : v;
    else s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  return {Z: Z, MIN_ANSWERS: MIN_ANSWERS, acVariance: acVariance, stratumInterval: stratumInterval,
          estimate: estimate, inForce: inForce, wilson: wilson, precisionOf: precisionOf,
          pyFixed: pyFixed, pyRound: pyRound, pct: pct, commas: commas, csvCell: csvCell};
})();
