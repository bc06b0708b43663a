// QA dashboards: charts are server-drawn SVG; this only highlights the hovered mark for keyboard-free reading.
document.addEventListener("mouseover", (event) => {
  const mark = event.target.closest(".qa-svg rect, .qa-svg circle");
  document.querySelectorAll(".qa-svg .qa-active").forEach((el) => el.classList.remove("qa-active"));
  if (mark) mark.classList.add("qa-active");
});
