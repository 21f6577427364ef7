/* Foster's few lines of page behaviour; every page works without them. */
document.addEventListener("DOMContentLoaded", function () {
  // After a form comes back with errors, move focus to the summary so it is read first.
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  // A link of the summary puts the focus in its field (browsers only scroll to it) and shows the label too.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
});
