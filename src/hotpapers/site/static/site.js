// hotpapers: theme toggle and client-side search. No framework; results are built with textContent only.
(function () {
  "use strict";
  var root = document.documentElement;

  function currentTheme() {
    if (root.dataset.theme) return root.dataset.theme;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("hotpapers-theme", next); } catch (e) { /* not saved */ }
    });
  }

  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) return;

  function text(entry) {
    return (entry.title + " " + entry.authors.join(" ") + " " + entry.abstract).toLowerCase();
  }
  function matches(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    return (window.HOTPAPERS_INDEX || []).filter(function (e) {
      var hay = text(e);
      return words.every(function (w) { return hay.indexOf(w) !== -1; });
    }).map(function (e) {
      var title = e.title.toLowerCase();
      var score = words.filter(function (w) { return title.indexOf(w) !== -1; }).length;
      return { entry: e, score: score };
    }).sort(function (a, b) {
      return b.score - a.score || (a.entry.date < b.entry.date ? 1 : a.entry.date > b.entry.date ? -1 : 0) ||
        a.entry.rank - b.entry.rank;
    });
  }
  function show(query) {
    var found = matches(query);
    list.replaceChildren();
    found.slice(0, 100).forEach(function (hit) {
      var e = hit.entry, li = document.createElement("li"), a = document.createElement("a");
      var meta = document.createElement("span");
      a.href = e.url;
      a.textContent = e.title;
      meta.className = "small";
      meta.textContent = e.authors.slice(0, 6).join(", ") + (e.authors.length > 6 ? ", …" : "") +
        " · #" + e.rank + " on " + e.date + " · arXiv:" + e.id;
      li.append(a, meta);
      list.append(li);
    });
    status.textContent = query.trim() ? found.length + " paper" + (found.length === 1 ? "" : "s") + " found" : "";
  }

  input.value = new URLSearchParams(window.location.search).get("q") || "";
  input.addEventListener("input", function () { show(input.value); });
  show(input.value);
})();
