// The review panel (render/review_panel.py): the audit's review sample, one row at a time or
// as a list, answered by keyboard; answers kept in this browser's localStorage under the
// audit's identity; a filled review.csv built in the page (no request of any kind). The
// numbers come from templates/review_math.js (the Python formulas), so that the file applied
// with --review gives the numbers shown. Data only ever reaches the page as text.
(function () {
  "use strict";
  var holder = document.getElementById("review-panel");
  var source = document.getElementById("review-data");
  var R = window.tunereadyReview;
  var MIN_ANSWERS = R.MIN_ANSWERS, estimate = R.estimate, inForce = R.inForce,
      stratumInterval = R.stratumInterval, wilson = R.wilson, precisionOf = R.precisionOf,
      pyFixed = R.pyFixed, pct = R.pct, commas = R.commas, csvCell = R.csvCell;
  if (!holder || !source) return;

  var D = JSON.parse(source.textContent);
  var rows = D.rows, labels = D.labels || [], keyed = labels.slice(0, D.keyed_labels || 9);
  var store = {answers: {}, at: 0}, persisted = true;
  try {
    var saved = JSON.parse(window.localStorage.getItem(D.key) || "null");
    if (saved && typeof saved === "object" && saved.answers && typeof saved.answers === "object") {
      store = {answers: {}, at: saved.at | 0};
      rows.forEach(function (r) {   // only answers this page could have given
        var a = Object.prototype.hasOwnProperty.call(saved.answers, r.key) ? saved.answers[r.key] : null;
        if (a && valid(r, a)) store.answers[r.key] = a;
      });
    }
  } catch (e) { persisted = false; }
  rows.forEach(function (r) {   // an earlier review's answers, as review.csv carries them
    if (Object.prototype.hasOwnProperty.call(store.answers, r.key) || !r.answer) return;
    var a = r.kind === "label" ? {a: "label", l: r.answer} : {a: r.answer};
    if (valid(r, a)) store.answers[r.key] = a;
  });
  function valid(r, a) {   // "" is an answer cleared on purpose (an earlier one stays cleared)
    if (r.kind === "label") return a.a === "" || a.a === "skip" || (a.a === "label" && labels.indexOf(a.l) >= 0);
    return ["", "defect", "ok", "skip"].indexOf(a.a) >= 0;
  }
  var at = Math.min(Math.max(0, store.at | 0), rows.length - 1), listView = false;

  function save() {
    store.at = at;
    if (!persisted) return;
    try { window.localStorage.setItem(D.key, JSON.stringify(store)); } catch (e) { persisted = false; }
  }
  function answerOf(r) {
    var a = Object.prototype.hasOwnProperty.call(store.answers, r.key) ? store.answers[r.key] : null;
    return a && a.a ? a : null;
  }
  function rawLabel(shown) {
    var codes = (D.raw_labels || {})[shown];
    return codes ? String.fromCodePoint.apply(null, codes) : shown;
  }

  // --- what the answers measure -------------------------------------------------------------
  function measure() {
    var m = {answered: 0, skipped: 0, total: rows.length, strata: {}, order: []};
    rows.forEach(function (r) {
      var s = r.cells.stratum, a = answerOf(r);
      if (!m.strata[s]) {
        m.strata[s] = {size: r.cells.stratum_size, sampled: 0, reviewed: 0, wrong: 0,
                       skipped: 0, verdicts: [], kind: r.kind};
        m.order.push(s);
      }
      var st = m.strata[s];
      st.sampled += 1;
      if (!a) return;
      m.answered += 1;
      if (a.a === "skip") { st.skipped += 1; m.skipped += 1; return; }
      st.reviewed += 1;
      if (r.kind === "label") st.wrong += a.l !== r.cells.given_label ? 1 : 0;
      else st.verdicts.push(a.a);
    });
    return m;
  }
  function labelTypes(usable) {   // checks/label_noise/flags.py precision_of, per candidate type
    var N = D.noise, out = [];
    N.types.forEach(function (t) {
      var sampled = 0, reviewed = 0, wrong = 0;
      rows.forEach(function (r) {
        if (r.kind !== "label" || !r.flagged || r.cells.type !== t.type) return;
        sampled += 1;
        var a = answerOf(r);
        if (!a || a.a === "skip") return;
        reviewed += 1;
        wrong += a.l !== r.cells.given_label ? 1 : 0;
      });
      if (!sampled) return;
      var p = null;
      if (usable && reviewed >= N.min_reviewed) {
        var ci = wilson(wrong, reviewed, N.z), value = wrong / reviewed;
        p = {value: value, lo: ci[0], hi: ci[1], reviewed: reviewed, confirmed: wrong,
             text: "precision on your data " + pyFixed(value, 2) + " (" + pyFixed(ci[0], 2) +
                   "-" + pyFixed(ci[1], 2) + "), " + commas(reviewed) + " reviewed"};
      }
      var acts = !!p && N.min_precision !== null && p.value >= N.min_precision;
      out.push({type: t.type, precision: p, acts: acts, line: t.name + " (" + reviewed + " of " +
        sampled + " sampled reviewed): " + (p ? p.text : t.unmeasured) + "; " + (acts ?
        "acts: its unreviewed rows leave the effective size" : p ? "stays a candidate " +
        "(acts when measured at " + pyFixed(N.min_precision || 0, 2) + " or better)" :
        "measured once the review is usable and " + N.min_reviewed + " of its rows are answered") +
        "."});
    });
    return out;
  }
  function labelSummary(m) {
    var f = m.strata["label_noise.flagged"] || {size: 0, reviewed: 0, wrong: 0, sampled: 0};
    var u = m.strata["label_noise.unflagged"] || {size: 0, reviewed: 0, wrong: 0, sampled: 0};
    var est = estimate(f, u), flags = stratumInterval(f), lines = [];
    var force = est.usable && D.noise ? inForce(est, D.noise) : null;
    lines.push((f.reviewed + u.reviewed ? "Noise rate so far " + pct(est.rate) + " (" +
               pct(est.lower) + "-" + pct(est.upper) + ")" : "No estimate yet") +
               " · precision of flags so far " + (f.reviewed ? pyFixed(flags[0], 2) + " (" +
               pyFixed(flags[1], 2) + "-" + pyFixed(flags[2], 2) + ")" : "not measured") +
               " · " + (f.wrong + u.wrong) + " relabelled (they leave the effective size)");
    lines.push("Labels reviewed: " + f.reviewed + " of " + f.sampled + " flagged rows, " +
               u.reviewed + " of " + u.sampled + " unflagged rows (95% intervals in brackets).");
    if (force) {
      lines.push("Applied with --review, this review sets the audit's noise rate to " +
                 pct(force.point) + " (range " + pct(force.lower) + "-" + pct(force.upper) + ").");
    } else {
      lines.push("Applied with --review, this review does not yet replace the proxy's range: " +
                 "that takes " + Math.min(f.size, MIN_ANSWERS) + " answered flagged rows (" +
                 f.reviewed + " so far) and " + Math.min(u.size, MIN_ANSWERS) +
                 " unflagged ones (" + u.reviewed + " so far).");
    }
    var types = D.noise ? labelTypes(est.usable) : [];
    types.forEach(function (t) { lines.push(t.line); });
    return {lines: lines, estimate: est, flags: flags, inForce: force, types: types,
            flagged: f, unflagged: u, relabelled: f.wrong + u.wrong};
  }
  function answerSummary(m) {
    var A = D.answers || {}, out = {lines: [], types: {}}, defects = 0, oks = 0;
    m.order.forEach(function (s) {
      var st = m.strata[s];
      if (st.kind !== "answer") return;
      var p = precisionOf(st.verdicts, A.z);
      defects += p ? p.confirmed : 0;
      oks += p ? p.reviewed - p.confirmed : 0;
      var kind = s.split(".")[1], never = (A.never_removed || []).indexOf(kind) >= 0;
      var acts = !!p && p.reviewed >= A.min_reviewed && A.min_precision !== null &&
        p.value >= A.min_precision;
      var fate = never ? "never leaves the effective size unless marked defect" :
        acts ? "acts: its unreviewed rows leave the effective size" :
        "stays a candidate (acts when measured at " + pyFixed(A.min_precision || 0, 2) +
        " or better with at least " + A.min_reviewed + " reviewed)";
      out.types[s] = p;
      out.lines.push(s.slice(8).replace(/_/g, " ") + " (" + st.reviewed + " of " + st.sampled +
                     " sampled reviewed, " + commas(st.size) + " flagged): " +
                     (p ? p.text : "not yet measured") + "; " + fate + ".");
    });
    out.lines.unshift(defects + " confirmed defects (they leave the effective size) · " + oks +
                      " not defects (95% intervals in brackets)");
    return out;
  }
  function summary() {
    var m = measure(), out = {m: m, label: null, answer: null};
    if (m.strata["label_noise.flagged"] || m.strata["label_noise.unflagged"]) out.label = labelSummary(m);
    if (m.order.some(function (s) { return m.strata[s].kind === "answer"; })) out.answer = answerSummary(m);
    return out;
  }

  // --- review.csv, built here -----------------------------------------------------------------
  function csv() {
    var lines = [D.columns.map(csvCell).join(",")];
    rows.forEach(function (r) {
      var a = answerOf(r), cells = {};
      Object.keys(r.cells).forEach(function (k) { cells[k] = r.cells[k]; });
      if (r.kind === "label") {
        cells.correct_label = a && a.a === "label" ? rawLabel(a.l) : "";
      } else {
        cells.verdict = a ? a.a : "";
      }
      lines.push(D.columns.map(function (c) { return csvCell(cells[c]); }).join(","));
    });
    return lines.join("\n") + "\n";
  }
  function download() {
    var blob = new Blob([csv()], {type: "text/csv;charset=utf-8"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "review.csv";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    say("review.csv downloaded: run tuneready audit DATA --review review.csv");
  }
  window.tunereadyReview.csv = csv;
  window.tunereadyReview.summary = summary;

  // --- the page ------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function button(label, key, handler, pressed) {
    var b = el("button", {type: "button"});
    if (key) {
      b.appendChild(el("kbd", {}, key));
      b.setAttribute("aria-keyshortcuts", key === "←" ? "ArrowLeft" : key === "→" ? "ArrowRight" : key);
    }
    b.appendChild(document.createTextNode(" " + label));
    if (pressed !== undefined) b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", function () { handler(); });
    return b;
  }
  holder.textContent = "";
  var head = el("div", {"class": "rv-head"});
  var progressText = el("p", {"class": "rv-count", id: "rv-count"});
  var bar = el("progress", {"class": "rv-bar", max: String(rows.length), value: "0",
                            "aria-labelledby": "rv-count"});
  var numbers = el("div", {"class": "rv-numbers", "aria-live": "polite"});
  head.appendChild(progressText); head.appendChild(bar); head.appendChild(numbers);
  var tools = el("div", {"class": "rv-tools"});
  var toggle = button("List of all rows", "l", function () { setList(!listView); }, false);
  tools.appendChild(toggle);
  tools.appendChild(button("Download review.csv", "", download));
  tools.appendChild(button("Next unanswered", "n", nextOpen));
  var storageNote = el("p", {"class": "rv-note small muted"});
  var card = el("div", {"class": "rv-card", tabindex: "0", role: "group",
                        "aria-labelledby": "rv-row-h"});
  var list = el("div", {"class": "rv-list", hidden: ""});
  var status = el("p", {"class": "rv-status small", role: "status", "aria-live": "polite"});
  var keys = el("p", {"class": "rv-keys small muted"});
  [head, tools, keys, card, list, status, storageNote].forEach(function (n) { holder.appendChild(n); });
  storageNote.textContent = persisted ? "Answers are kept in this browser's local storage for " +
    "this data set (a reload keeps them; another browser or a private window does not share " +
    "them). Download review.csv to keep them elsewhere." :
    "This browser does not let the page store anything: answers last only while the page " +
    "is open; download review.csv before closing it.";
  keys.textContent = "Keys (while the panel is on screen): → or j next, ← or k previous, n next " +
    "unanswered, l list, x clear the answer; labels: c label correct, 1-" + keyed.length +
    " a label" + (labels.length > keyed.length ? ", 0 the full list" : "") +
    "; answers: d defect, o not a defect; s skip.";

  function say(text) { status.textContent = text; }
  function answerText(r, a) {
    if (!a) return "not answered";
    if (a.a === "skip") return "skipped";
    if (r.kind === "label") return a.l === r.cells.given_label ? "label correct" : "label: " + a.l;
    return a.a === "defect" ? "defect" : "not a defect";
  }
  function field(dl, name, value, cls) {
    dl.appendChild(el("dt", {}, name));
    var dd = el("dd", cls ? {"class": cls} : {});
    dd.textContent = value;
    dl.appendChild(dd);
  }
  function drawCard() {
    var r = rows[at], a = answerOf(r), c = r.cells;
    card.textContent = "";
    var h = el("h3", {id: "rv-row-h"});
    h.textContent = "Row " + c.row_id + " ";
    h.appendChild(el("span", {"class": "muted small"}, (at + 1) + " of " + rows.length + " · " +
      (r.kind === "label" ? (r.flagged ? "flagged" : "not flagged") :
       String(c.stratum).slice(8).replace(/_/g, " "))));
    card.appendChild(h);
    var dl = el("dl", {"class": "rv-fields"});
    field(dl, r.kind === "label" ? "Input" : "Prompt", c.input, "rv-text");
    if (r.kind === "label") {
      field(dl, "Given label", c.given_label, "rv-label");
      field(dl, "Suspected", r.why);
    } else {
      field(dl, "Answer", c.target, "rv-text");
      field(dl, "Suspected", r.why);
    }
    if (r.precision) field(dl, "How sure the tool is", r.precision);
    field(dl, "Your answer", answerText(r, a), "rv-answer");
    card.appendChild(dl);
    var controls = el("div", {"class": "rv-controls", role: "group", "aria-label": "Answer"});
    if (r.kind === "label") {
      controls.appendChild(button("Label correct", "c", function () { answer({a: "label", l: c.given_label}); },
        !!a && a.a === "label" && a.l === c.given_label));
      keyed.forEach(function (label, i) {
        var b = button(label, String(i + 1), function () { answer({a: "label", l: label}); },
          !!a && a.a === "label" && a.l === label);
        var tag = label === c.given_label ? "given" : label === c.likely_label ? "likely" : "";
        if (tag) b.appendChild(el("span", {"class": "rv-tag"}, tag));
        controls.appendChild(b);
      });
      if (labels.length > keyed.length) {
        var pick = el("select", {"aria-label": "Another label", id: "rv-pick"});
        pick.appendChild(el("option", {value: ""}, "another label…"));
        labels.forEach(function (label) {
          var o = el("option", {}, label);
          o.value = label;
          if (a && a.a === "label" && a.l === label) o.selected = true;
          pick.appendChild(o);
        });
        pick.addEventListener("change", function () { if (pick.value) answer({a: "label", l: pick.value}); });
        controls.appendChild(pick);
      }
    } else {
      controls.appendChild(button("Defect", "d", function () { answer({a: "defect"}); }, !!a && a.a === "defect"));
      controls.appendChild(button("Not a defect", "o", function () { answer({a: "ok"}); }, !!a && a.a === "ok"));
    }
    controls.appendChild(button("Skip", "s", function () { answer({a: "skip"}); }, !!a && a.a === "skip"));
    card.appendChild(controls);
    var nav = el("div", {"class": "rv-nav"});
    nav.appendChild(button("Previous", "←", function () { go(at - 1); }));
    nav.appendChild(button("Next", "→", function () { go(at + 1); }));
    nav.appendChild(button("Clear answer", "x", function () { clear(); }));
    card.appendChild(nav);
  }
  function drawList() {
    list.textContent = "";
    var wrap = el("div", {"class": "scroll"}), table = el("table", {"class": "rv-table"});
    var thead = el("thead"), tr = el("tr");
    ["#", "row", "stratum", "input", "given / suspected", "your answer", ""].forEach(function (t) {
      tr.appendChild(el("th", {scope: "col"}, t));
    });
    thead.appendChild(tr); table.appendChild(thead);
    var body = el("tbody");
    rows.forEach(function (r, i) {
      var c = r.cells, row = el("tr", i === at ? {"class": "rv-current"} : {});
      row.appendChild(el("td", {"class": "num"}, i + 1));
      row.appendChild(el("td", {"class": "num"}, c.row_id));
      row.appendChild(el("td", {}, r.kind === "label" ? (r.flagged ? "flagged" : "not flagged") :
                                   String(c.stratum).slice(8)));
      var text = String(c.input || "");
      row.appendChild(el("td", {}, text.length > 90 ? text.slice(0, 90) + " …" : text));
      row.appendChild(el("td", {}, r.kind === "label" ? c.given_label : r.why));
      row.appendChild(el("td", {}, answerText(r, answerOf(r))));
      var cell = el("td");
      var open = button("Open", "", function () { at = i; setList(false); });
      open.setAttribute("aria-label", "Open row " + c.row_id);
      cell.appendChild(open);
      row.appendChild(cell);
      body.appendChild(row);
    });
    table.appendChild(body); wrap.appendChild(table); list.appendChild(wrap);
  }
  function drawNumbers() {
    var s = summary(), m = s.m;
    progressText.textContent = m.answered + " of " + m.total + " answered" +
      (m.skipped ? " (" + m.skipped + " skipped)" : "");
    bar.value = m.answered;
    numbers.textContent = "";
    [s.label, s.answer].forEach(function (part) {
      if (!part) return;
      part.lines.forEach(function (line, i) {
        numbers.appendChild(el("p", i ? {} : {"class": "rv-key"}, line));
      });
    });
  }
  function draw() {
    drawNumbers();
    card.hidden = listView;
    list.hidden = !listView;
    toggle.setAttribute("aria-pressed", listView ? "true" : "false");
    if (listView) drawList(); else drawCard();
  }
  function focusPanel() { (listView ? list : card).focus({preventScroll: false}); }
  function go(i) {
    at = Math.min(Math.max(0, i), rows.length - 1);
    save(); draw(); focusPanel();
  }
  function answer(a) {
    var r = rows[at];
    store.answers[r.key] = a;
    save();
    say("Row " + r.cells.row_id + ": " + answerText(r, a) + ".");
    if (at < rows.length - 1) at += 1;
    save(); draw(); card.focus();
  }
  function clear() {
    var r = rows[at];
    store.answers[r.key] = {a: ""};
    save(); draw(); card.focus();
    say("Row " + r.cells.row_id + ": answer cleared.");
  }
  function nextOpen() {
    for (var step = 1; step <= rows.length; step++) {
      var i = (at + step) % rows.length;
      if (!answerOf(rows[i])) { go(i); return; }
    }
    say("Every row is answered: download review.csv.");
  }
  function setList(on) { listView = on; draw(); focusPanel(); }
  list.setAttribute("tabindex", "-1");

  function inView() {
    var box = holder.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }
  // keys act when the focus is in the panel, or nowhere in particular while it is on screen
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var target = ev.target, tag = target && target.tagName;
    var inside = holder.contains(target);
    if (!inside && !((target === document.body || target === document.documentElement) && inView())) return;
    if (tag === "SELECT" || tag === "INPUT" || tag === "TEXTAREA") return;
    var r = rows[at], key = ev.key, done = true;
    if (key === "ArrowRight" || key === "j") go(at + 1);
    else if (key === "ArrowLeft" || key === "k") go(at - 1);
    else if (key === "n") nextOpen();
    else if (key === "l") setList(!listView);
    else if (listView) done = false;
    else if (key === "x") clear();
    else if (key === "s") answer({a: "skip"});
    else if (r.kind === "label" && key === "c") answer({a: "label", l: r.cells.given_label});
    else if (r.kind === "label" && /^[1-9]$/.test(key) && +key <= keyed.length) answer({a: "label", l: keyed[+key - 1]});
    else if (r.kind === "label" && key === "0" && document.getElementById("rv-pick")) document.getElementById("rv-pick").focus();
    else if (r.kind === "answer" && key === "d") answer({a: "defect"});
    else if (r.kind === "answer" && key === "o") answer({a: "ok"});
    else done = false;
    if (done) ev.preventDefault();
  });
  draw();
})();
