// Open every expander before printing so the paper copy shows all the evidence.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) {
    if (!d.open) { d.setAttribute("data-print-opened", ""); d.open = true; }
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details[data-print-opened]").forEach(function (d) {
    d.open = false; d.removeAttribute("data-print-opened");
  });
});
