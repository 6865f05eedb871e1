// The moderators' desk by keyboard. Progressive enhancement: each key presses a button, sends a form or
// follows a link the page already has (each a normal POST with its CSRF token, or a GET), so without this
// script the same forms do the same work. Keys never act while the moderator types in a field.
(function () {
  "use strict";
  var desk = document.querySelector("[data-desk]");
  if (!desk) { return; }
  var kind = desk.getAttribute("data-desk");
  var dialog = document.getElementById("desk-keys");
  var opener = document.querySelector("[data-keys-open]");
  var help = dialog && typeof dialog.showModal === "function";
  if (help && opener) {
    opener.hidden = false;
    opener.addEventListener("click", function () { dialog.showModal(); });
  }

  // The bulk confirmation page is the confirmation: its button takes the focus, so Enter publishes the count shown.
  var confirmButton = kind === "confirm" && desk.querySelector("[data-confirm]");
  if (confirmButton) { confirmButton.focus(); }

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName;
    if (el.isContentEditable || tag === "TEXTAREA" || tag === "SELECT") { return true; }
    return tag === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/i.test(el.type);
  }
  function send(form) {
    if (!form) { return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  function key(scope, name) { return scope && scope.querySelector("[data-key='" + name + "']"); }
  function follow(link) { if (link) { link.click(); } }

  // --- the list: j and k move a marked item; a, r, x and o act on it ----------------------------------
  var items = kind === "queue" ? Array.prototype.slice.call(desk.querySelectorAll("article.card")) : [];
  var current = -1;
  function mark(index, focus) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, n) { item.classList.toggle("current", n === current); });
    if (focus) { items[current].focus(); }
  }
  if (items.length) {
    var target = location.hash ? items.findIndex(function (item) { return "#" + item.id === location.hash; }) : -1;
    mark(target >= 0 ? target : 0, target >= 0);
    desk.addEventListener("focusin", function (event) {
      var item = event.target.closest && event.target.closest("article.card");
      if (item && items.indexOf(item) !== current) { mark(items.indexOf(item), false); }
    });
  }
  function openLink(item) { return item.querySelector("a[data-key='o']"); }
  function onList(name) {
    var item = items[current];
    switch (name) {
      case "j": mark(current + 1, true); return true;
      case "k": mark(current - 1, true); return true;
      case "o": follow(item && openLink(item)); return true;
      case "n": send(key(desk, "n")); return true;
      case "b": send(key(desk, "b")); return true;  // the server's confirmation page shows the count first
      case "*":
        desk.querySelectorAll("input[form='bulk-approve']").forEach(function (box) { box.checked = true; });
        return true;
      case "a":
      case "r":
        var form = item && key(item, name);
        // Flagged, reported or unchecked: nothing to decide from the list; the link to its page is the way on.
        if (!form) { if (item) { openLink(item).focus(); } return true; }
        if (name === "a") { send(form); } else { form.querySelector("select").focus(); }
        return true;
      case "x":
        var box = item && item.querySelector("input[form='bulk-approve']");
        if (box) { box.checked = !box.checked; } else if (item) { openLink(item).focus(); }
        return true;
    }
    return false;
  }

  // --- one response: its decisions -----------------------------------------------------------------
  function choose(version) {
    var form = document.getElementById("decide-approve");
    var option = form && form.querySelector("input[name='version'][value='" + version + "']");
    if (!option) { return; }
    option.checked = true;
    var flagged = form.getAttribute("data-flagged");
    // A flag means read, then choose: on a flagged answer the key only prepares the choice, Enter sends it.
    var safe = version === "suggested" ? flagged !== "safeguarding" : flagged === "";
    if (safe) { send(form); } else { form.querySelector("button[type='submit']").focus(); }
  }
  function reveal(id) {
    var field = document.getElementById(id);
    if (!field) { return; }
    var folded = field.closest("details");
    if (folded) { folded.open = true; }
    field.focus();
  }
  function onItem(name) {
    switch (name) {
      case "j": case "k": case "q": follow(key(desk, name)); return true;
      case "c": send(key(desk, "c")); return true;
      case "a": choose("as_written"); return true;
      case "s": choose("suggested"); return true;
      case "r": reveal("reject-reason"); return true;
      case "e": reveal("escalate-note"); return true;
    }
    return false;
  }
  var approve = document.getElementById("decide-approve");
  if (approve) {
    approve.addEventListener("change", function (event) {
      if (event.target.name === "version" && event.target.value === "edited") { reveal("approve-text"); }
    });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.defaultPrevented || (dialog && dialog.open)) { return; }
    // Ctrl+Enter sends the form being typed in; Enter on a reason sends that rejection.
    if (event.key === "Enter" && target.form && desk.contains(target) &&
        ((event.ctrlKey || event.metaKey) || (target.tagName === "SELECT" && target.name === "reason"))) {
      event.preventDefault();
      send(target.form);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) { return; }
    if (event.key === "?" && help) { event.preventDefault(); dialog.showModal(); return; }
    var handled = kind === "queue" ? onList(event.key) : kind === "item" ? onItem(event.key) : false;
    if (handled) { event.preventDefault(); }
  });
})();
