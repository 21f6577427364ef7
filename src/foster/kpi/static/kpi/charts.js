// Draws every Plotly chart of the page from its JSON data block (no inline script: the chart's
// data is a <script type="application/json"> element, this file draws it).
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (target) {
      var source = document.getElementById(target.getAttribute("data-chart"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      var layout = Object.assign({ paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
        font: { family: "inherit" } }, figure.layout || {});
      window.Plotly.newPlot(target, figure.data, layout, { displaylogo: false, responsive: true });
      target.setAttribute("data-chart-drawn", "true");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
