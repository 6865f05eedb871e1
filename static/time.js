// Progressive enhancement: show each moment in the reader's own time first, labelled as theirs, then in
// UTC, both without seconds; and count down to the end of an open window. Without JavaScript the page shows
// the times in UTC.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  function format(date, options) {
    try {
      return date.toLocaleString(lang, options);
    } catch (e) {
      return date.toLocaleString();
    }
  }
  function sameDay(date) {
    var day = { year: "numeric", month: "numeric", day: "numeric" };
    return format(date, day) === format(date, Object.assign({ timeZone: "UTC" }, day));
  }
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var date = new Date(el.getAttribute("datetime"));
    if (isNaN(date)) { return; }
    var local = document.createElement("span");
    local.className = "local-time";
    var label = el.getAttribute("data-local");
    local.textContent = format(date, { dateStyle: "medium", timeStyle: "short" }) + (label ? " (" + label + ")" : "") + " · ";
    // The date once, when UTC falls on the reader's day too.
    if (sameDay(date)) { el.textContent = format(date, { timeStyle: "short", timeZone: "UTC" }) + " UTC"; }
    el.classList.add("utc-time");
    el.before(local);
  });
  var countdowns = document.querySelectorAll("[data-countdown]");
  // Counted on the server's clock where the page gives it (static/answer.js closes the form by the same).
  var server = document.querySelector("[data-server-now]");
  var skew = server ? (Date.parse(server.getAttribute("data-server-now")) - Date.now()) || 0 : 0;
  function tick() {
    var now = Date.now() + skew;
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
