/* The form builder's conveniences; the builder works without them.
   - Settings that do not apply to a question's type are hidden (choices, number limits, text length).
   - While a question's key is empty (or still the suggestion), it follows the English label. */
(function () {
  "use strict";

  function keyFrom(label) {
    var key = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 56);
    if (key && !/^[a-z]/.test(key)) {
      key = "field_" + key;
    }
    return key;
  }

  function showOptions(row) {
    var type = row.querySelector("[data-builder-type]");
    if (!type) {
      return;
    }
    row.querySelectorAll("[data-builder-options]").forEach(function (options) {
      options.hidden = options.getAttribute("data-builder-options").split(" ").indexOf(type.value) < 0;
    });
  }

  function prepare(root) {
    root.querySelectorAll("[data-builder-field]").forEach(function (row) {
      showOptions(row);
      var key = row.querySelector("[data-builder-key]");
      if (key && key.value === "") {
        key.setAttribute("data-suggested", "");
      }
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-builder-type]")) {
      showOptions(event.target.closest("[data-builder-field]"));
    }
  });
  document.addEventListener("input", function (event) {
    var label = event.target;
    if (!label.matches("[data-builder-label]")) {
      return;
    }
    var key = label.closest("[data-builder-field]").querySelector("[data-builder-key]");
    if (key && key.hasAttribute("data-suggested") && key.value === key.getAttribute("data-suggested")) {
      key.value = keyFrom(label.value);
      key.setAttribute("data-suggested", key.value);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    prepare(document);
  });
  document.addEventListener("htmx:load", function (event) {
    prepare(event.target);
  });
})();
