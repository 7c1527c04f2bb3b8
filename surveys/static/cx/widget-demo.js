/*
 * The demo host page (/demo/widget/): show what the widget's "cx-survey" events say, so that a
 * widget that did not show explains itself (cooldown, not sampled…) instead of leaving an empty page.
 */
(function () {
  "use strict";
  document.addEventListener("cx-survey", function (event) {
    var detail = event.detail || {};
    var box = document.getElementById("widget-state");
    if (!box) return;
    var lines = box.querySelectorAll("p");
    var shown = null;
    if (detail.state === "skipped") {
      shown = box.querySelector('p[data-reason="' + detail.reason + '"]') || box.querySelector('p[data-reason="other"]');
    } else {
      shown = box.querySelector('p[data-state="' + detail.state + '"]');
    }
    if (!shown) return;
    Array.prototype.forEach.call(lines, function (line) { line.hidden = line !== shown; });
    Array.prototype.forEach.call(shown.querySelectorAll("[data-status]"), function (node) {
      node.textContent = String(detail.status || "");
    });
    Array.prototype.forEach.call(shown.querySelectorAll("[data-code]"), function (node) {
      node.textContent = String(detail.reason || "");
    });
  });
})();
