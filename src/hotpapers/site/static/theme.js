// Apply the saved theme before the page is drawn (no flash). The toggle itself is in site.js.
(function () {
  try {
    var saved = localStorage.getItem("hotpapers-theme");
    if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
  } catch (e) { /* storage may be disabled: follow the system theme */ }
})();
