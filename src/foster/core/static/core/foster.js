/* Foster's few lines of page behaviour; every page works without them. */
document.addEventListener("DOMContentLoaded", function () {
  // Sections shown only when another answer has a given value (data-show-if-field/-equals):
  // hide them while the condition does not hold. Without this script they stay visible with a
  // note, and the server discards their answers either way.
  document.querySelectorAll("[data-show-if-field]").forEach(function (section) {
    var form = section.closest("form");
    var name = section.getAttribute("data-show-if-field");
    var expected = section.getAttribute("data-show-if-equals");
    function update() {
      var values = [];
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          if (input.checked) values.push(input.value);
        } else if (input.tagName === "SELECT") {
          Array.prototype.forEach.call(input.selectedOptions, function (option) { values.push(option.value); });
        } else {
          values.push(input.value);
        }
      });
      section.hidden = values.indexOf(expected) === -1;
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  });

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
