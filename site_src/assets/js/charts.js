/* Interactive charts: each <div class="chart" data-spec="…"> gets its Vega spec (compiled from Vega-Lite
   at build time) rendered with the self-hosted Vega runtime. The static SVG fallback stays until the
   interactive chart is ready, so readers without JavaScript (or when rendering fails) still see the
   chart. Subscribed to material's document$ so charts render again after instant navigation. */
(function () {
  "use strict";

  // zh-CN number/time formats (vega-locale.js), set once: Vega's formatters are global.
  var locale = window.VEGA_LOCALE || {};
  if (locale.format) vega.formatLocale(locale.format);
  if (locale.time) vega.timeFormatLocale(locale.time);

  function renderChart(container) {
    if (container.dataset.chartState) return; // already handled on this page view
    container.dataset.chartState = "loading";
    // data-spec is a site-root URL written at build time; data URLs inside the spec are relative to it.
    var specUrl = new URL(container.dataset.spec, window.location.href);
    var view = document.createElement("div");
    view.className = "chart-view";
    container.appendChild(view); // attached before rendering so container-relative sizes work

    fetch(specUrl.href)
      .then(function (response) {
        if (!response.ok) throw new Error("图表规格加载失败：" + response.status + " " + specUrl.pathname);
        return response.json();
      })
      .then(function (spec) {
        var chart = new vega.View(vega.parse(spec), {
          renderer: "svg",
          container: view,
          hover: true, // native tooltips (title attribute) with the spec's Chinese labels and values
          loader: vega.loader({ baseURL: new URL(".", specUrl).href }),
        });
        return chart.runAsync();
      })
      .then(function () {
        var fallback = container.querySelector(".chart-fallback");
        if (fallback) {
          var holder = fallback.closest("p");
          (holder && container.contains(holder) ? holder : fallback).remove();
        }
        container.dataset.chartState = "ready";
      })
      .catch(function (error) {
        view.remove();
        container.dataset.chartState = "failed";
        console.error("图表渲染失败", specUrl.pathname, error);
      });
  }

  document$.subscribe(function () {
    document.querySelectorAll("div.chart[data-spec]").forEach(renderChart);
  });
})();
