// Pre-fill empty scorecard criteria from AutoQA suggestions and mark them, so the reviewer accepts or overrides.
// Each suggestion sits in its criterion's box (data-criterion, data-value); a pre-filled value announces itself
// with a change event, so the running score counts it.
function prefillFromSuggestions() {
  const scorecard = document.getElementById("scorecard");
  if (!scorecard) return;
  scorecard.querySelectorAll(".autoqa-evidence[data-criterion][data-value]").forEach((item) => {
    const name = `value_${item.dataset.criterion}`;
    const group = scorecard.querySelectorAll(`input[type="radio"][name="${CSS.escape(name)}"]`);
    if (!group.length || Array.from(group).some((input) => input.checked)) return;
    const match = Array.from(group).find((input) => input.value === item.dataset.value);
    if (!match) return;
    match.checked = true;
    match.dispatchEvent(new Event("change", { bubbles: true }));
    const box = match.closest(".field") || match.parentElement;
    box.classList.add("autoqa-prefilled");
    const legend = box.querySelector("legend");
    if (legend && !legend.querySelector(".autoqa-mark")) {
      const mark = document.createElement("mark");
      mark.className = "autoqa-mark";
      mark.textContent = "AutoQA";
      legend.append(" ", mark);
    }
  });
}
document.addEventListener("DOMContentLoaded", prefillFromSuggestions);
document.addEventListener("htmx:afterSwap", prefillFromSuggestions);
