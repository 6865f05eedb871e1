// Progressive enhancement: show each moment in the reader's own time zone and count down
// to the end of an open window. Without JavaScript the page shows the times in UTC.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  function localLabel(date) {
    try {
      return date.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return date.toLocaleString();
    }
  }
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var date = new Date(el.getAttribute("datetime"));
    if (isNaN(date)) { return; }
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = " (" + localLabel(date) + ")";
    el.title = el.textContent;
    el.after(local);
  });
  var countdowns = document.querySelectorAll("[data-countdown]");
  function tick() {
    var now = Date.now();
    countdowns.forEach(function (el) {
      var left = Math.max(0, new Date(el.getAttribute("data-countdown")).getTime() - now);
      var s = Math.floor(left / 1000);
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      el.textContent = (el.getAttribute("data-label") || "") + " " + h + ":" + String(m).padStart(2, "0") + ":" + String(sec).padStart(2, "0");
      el.hidden = false;
    });
  }
  if (countdowns.length) { tick(); setInterval(tick, 1000); }
})();
