// Running timer on the "today" page. The server renders the start time; this only counts up from it.
(function () {
  function pad(n) {
    return String(n).padStart(2, "0");
  }
  function tick() {
    document.querySelectorAll("[data-timer-start]").forEach((el) => {
      const start = Date.parse(el.dataset.timerStart);
      if (Number.isNaN(start)) return;
      const seconds = Math.max(0, Math.floor((Date.now() - start) / 1000));
      const h = Math.floor(seconds / 3600);
      el.textContent = `${h}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
