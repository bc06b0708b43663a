// Calibration grading: the question before Submit says how many criteria are still ungraded right now.
function updateCalibrationQuestion(form) {
  const button = form.querySelector('button[name="action"][value="submit"]');
  if (!button) return;
  const groups = form.querySelectorAll("[data-criterion-grade]");
  const ungraded = Array.from(groups).filter((group) => !group.querySelector("input[type=radio]:checked")).length;
  button.dataset.confirm = ungraded
    ? `Submit your grades? They are final. ${ungraded} ${ungraded === 1 ? "criterion is" : "criteria are"} still ungraded, so the submission will be refused until every criterion has a grade.`
    : "Submit your grades? They are final: you cannot change them afterwards.";
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-calibration-form]").forEach((form) => {
    updateCalibrationQuestion(form);
    form.addEventListener("change", () => updateCalibrationQuestion(form));
  });
});
