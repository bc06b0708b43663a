// Copy buttons on canned replies: <button class="sop-copy" data-copy-text="…">. No inline script (strict CSP).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.sop-copy");
  if (!button) return;
  const status = button.parentElement.querySelector(".sop-copy-status");
  const text = button.dataset.copyText || "";
  const done = (message) => { if (status) status.textContent = message; };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(() => done("Copied."), () => done("Copy failed: select the text instead."));
  } else {
    done("Copy is not available here: select the text instead.");
  }
});
