// Progressive enhancement of the answer forms; without it the server still counts, refuses and closes.
// 1. A live character counter that counts as the server does (consult/text.py: character_count).
// 2. The closing banners 10 minutes and 1 minute before the end, and the forms closed at the end.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var PER_CHARACTER = 16; // consult/text.py: CODE_POINTS_PER_CHARACTER
  var segmenter = null;
  try { segmenter = new Intl.Segmenter(lang, { granularity: "grapheme" }); } catch (e) { segmenter = null; }
  var numbers;
  try { numbers = new Intl.NumberFormat(lang); } catch (e) { numbers = { format: String }; }

  function characters(text) {
    if (segmenter) {
      var n = 0;
      for (var part of segmenter.segment(text)) { n += Math.ceil(Array.from(part.segment).length / PER_CHARACTER); }
      return n;
    }
    // Without Intl.Segmenter: code points, less the marks and joined parts that belong to the one before.
    return Array.from(text.replace(/\r\n/g, "\n").replace(/[\u{1f1e6}-\u{1f1ff}]{2}/gu, "F")
      .replace(/\u200d.|[\p{M}\ufe0f\u{1f3fb}-\u{1f3ff}]/gu, "")).length;
  }

  document.querySelectorAll("textarea[data-max-characters]").forEach(function (box) {
    var max = parseInt(box.getAttribute("data-max-characters"), 10);
    var shown = document.getElementById(box.id + "-count");
    var spoken = document.getElementById(box.id + "-count-live");
    if (!shown || !spoken || !max) { return; }
    var pause = null;
    function update(typing) {
      var count = characters(box.value);
      var text = shown.getAttribute("data-template")
        .replace("%(count)s", numbers.format(count)).replace("%(max)s", numbers.format(max));
      if (count > max) { text += " " + shown.getAttribute("data-too-long"); }
      shown.textContent = text;
      shown.hidden = false;
      shown.classList.toggle("over", count > max);
      // Said aloud only once typing pauses, and only near or over the limit: not at every keystroke.
      clearTimeout(pause);
      if (typing) {
        pause = setTimeout(function () { spoken.textContent = count >= max * 0.9 ? text : ""; }, 1200);
      }
    }
    box.addEventListener("input", function () { update(true); });
    update(false);
  });

  var closing = document.querySelector("[data-closes-at]");
  if (!closing) { return; }
  var closesAt = Date.parse(closing.getAttribute("data-closes-at"));
  // The server's clock, not the phone's: how far the phone's is off, as the page was made.
  var skew = (Date.parse(closing.getAttribute("data-server-now")) - Date.now()) || 0;
  var banner = closing.querySelector(".closing-banner");
  var level = closing.getAttribute("data-level") || "";
  var timer = null;

  function closeForms() {
    document.querySelectorAll("form.response-form").forEach(function (form) {
      // Read-only rather than disabled: the text stays there to copy, and the page says why it cannot be sent.
      form.querySelectorAll("textarea").forEach(function (box) { box.readOnly = true; });
      form.querySelectorAll("button, select").forEach(function (control) { control.disabled = true; });
    });
    document.querySelectorAll(".status-open").forEach(function (status) {
      status.textContent = closing.getAttribute("data-closed-status");
      status.classList.replace("status-open", "status-closed");
    });
    document.querySelectorAll("[data-countdown]").forEach(function (countdown) { countdown.remove(); });
  }

  function check() {
    var left = closesAt - (Date.now() + skew);
    var now = left <= 0 ? "closed" : left <= 60000 ? "minute" : left <= 600000 ? "minutes" : "";
    if (now === level) { return; }
    level = now;
    if (!level) { return; }
    banner.textContent = closing.getAttribute("data-" + level);
    banner.hidden = false;
    if (level === "closed") {
      closeForms();
      clearInterval(timer);
    }
  }
  if (!isNaN(closesAt)) {
    check();
    timer = setInterval(check, 1000);
  }
})();
