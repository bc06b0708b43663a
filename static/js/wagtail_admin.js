// Wagtail's date, time and date-time pickers, started without inline scripts (the CSP refuses those): each widget
// leaves a hidden marker (templates/wagtailadmin/widgets/*_input.html) naming Wagtail's own start function, its
// input and its options. Markers in content added later (dialogs, panels) are started as they appear.
(() => {
  const started = new WeakSet();

  function start(marker) {
    if (started.has(marker)) return;
    const init = window[marker.dataset.picker];
    const input = document.getElementById(marker.dataset.pickerFor);
    if (typeof init !== "function" || !input) return;
    started.add(marker);
    init(marker.dataset.pickerFor, JSON.parse(marker.dataset.pickerConfig || "{}"));
  }

  function startAll(root) {
    if (root.matches && root.matches("[data-picker]")) start(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-picker]").forEach(start);
  }

  function watch() {
    startAll(document);
    new MutationObserver((changes) => {
      changes.forEach((change) => change.addedNodes.forEach(startAll));
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
