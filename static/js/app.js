// Small progressive enhancements. No inline handlers: behaviour hangs off data attributes.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.textContent.trim()).then(() => {
      button.textContent = "Copied";
    });
  }
});

// The main menu folds behind one button on a phone (the CSS hides it at wider screens); the button says whether
// the menu is open with aria-expanded. Without this script the button stays hidden and the menu simply wraps.
const menuToggle = document.querySelector(".menu-toggle");
if (menuToggle) {
  menuToggle.hidden = false;
  menuToggle.closest("nav").classList.add("has-menu-toggle");
  menuToggle.addEventListener("click", () => {
    menuToggle.setAttribute("aria-expanded", String(menuToggle.getAttribute("aria-expanded") !== "true"));
  });
}

// A question before a consequential action: data-confirm on the form, or on the one button that needs it.
function confirmationFor(form, submitter) {
  return (submitter && submitter.dataset.confirm) || form.dataset.confirm || "";
}

// While a form is on its way the pressed button says so (Pico draws a spinner for aria-busy) and a second
// press is ignored, so a slow action is visibly under way and never runs twice by accident.
function submitterOf(form, submitter) {
  return submitter || form.querySelector("button[type=submit], button:not([type]), input[type=submit]");
}

function markBusy(form, submitter) {
  const button = submitterOf(form, submitter);
  form.dataset.busy = "true";
  form.setAttribute("aria-busy", "true");
  if (button) button.setAttribute("aria-busy", "true");
}

function clearBusy(form) {
  delete form.dataset.busy;
  form.removeAttribute("aria-busy");
  form.querySelectorAll("[aria-busy]").forEach((el) => el.removeAttribute("aria-busy"));
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return; // htmx handles these (below)
  if (form.dataset.busy) {
    event.preventDefault();
    return;
  }
  const message = confirmationFor(form, event.submitter);
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  if (form.method.toLowerCase() === "post") markBusy(form, event.submitter);
});

// Coming back with the browser's back button shows the page as it was left: not busy any more.
window.addEventListener("pageshow", () => document.querySelectorAll("form[data-busy]").forEach(clearBusy));

document.addEventListener("htmx:confirm", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement)) return;
  const trigger = event.detail.triggeringEvent;
  const message = confirmationFor(form, trigger && trigger.submitter);
  if (!message) return;
  event.preventDefault();
  if (window.confirm(message)) event.detail.issueRequest(true);
});

document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement)) return;
  const trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
  markBusy(form, trigger && trigger.submitter);
});

document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.elt instanceof HTMLFormElement) clearBusy(event.detail.elt);
});

// A refused form comes back as 200 with X-Form-Refused (config/refused_forms.py), so the browser logs no error.
// Once it is swapped in, the part it landed in is marked refused and the focus goes to the first field to correct.
document.addEventListener("htmx:afterSettle", (event) => {
  const { xhr, target } = event.detail;
  if (!xhr || !target || !target.isConnected) return;
  if (!xhr.getResponseHeader("X-Form-Refused")) {
    delete target.dataset.refused;
    return;
  }
  target.dataset.refused = "true";
  const invalid = target.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});

// Upload progress: a form with data-upload-progress="#id" fills that <progress> as the file goes up.
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.dataset.uploadProgress || !event.detail.lengthComputable) return;
  const bar = document.querySelector(form.dataset.uploadProgress);
  if (!bar) return;
  const percent = Math.round((event.detail.loaded / event.detail.total) * 100);
  bar.hidden = false;
  bar.value = percent;
  bar.textContent = `${percent} %`;
  const label = document.querySelector(`[data-progress-label="${form.dataset.uploadProgress}"]`);
  if (label) label.textContent = percent < 100 ? `Uploading… ${percent} %` : "Uploaded; checking the file…";
});
