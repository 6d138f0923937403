/* Draws the report charts from the JSON the page embeds (#chart-data) with the vendored ECharts: the trends of
   the stocks and of the rates over the periods, and the subordinate units compared on one indicator. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#0b6e4f", "#2f6fba", "#d97706", "#7c3aed", "#b42318"];
  var axisLabel = { color: "#3e4c59" };

  function nothingToShow(values) {
    return values.every(function (v) { return v === null || v === undefined; });
  }

  function emptyNote(empty) {
    // A rate with nothing to divide by has no point to draw: say so rather than show a bare grid.
    return empty ? [{ type: "text", left: "center", top: "middle",
                      style: { text: data.labels.empty, fill: "#616e7c", fontSize: 14 } }] : [];
  }

  function trend(element, group, percent) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var empty = group.series.every(function (line) { return nothingToShow(line.values); });
    chart.setOption({
      graphic: emptyNote(empty),
      color: palette,
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) {
        return v === null || v === undefined ? "—" : (percent ? v.toFixed(1) + "%" : v.toLocaleString("zh-CN"));
      } },
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 40, bottom: 36 },
      xAxis: { type: "category", data: data.periods, axisLabel: axisLabel },
      yAxis: { type: "value", name: group.unit, min: 0, max: percent ? 100 : null, axisLabel: axisLabel },
      series: group.series.map(function (line) {
        return { name: line.name, type: "line", data: line.values, connectNulls: false, symbolSize: 7 };
      })
    });
    return chart;
  }

  function comparison(element, compared) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var percent = compared.kind === "rate";
    chart.setOption({
      graphic: emptyNote(nothingToShow(compared.values)),
      color: [palette[0]],
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 56, right: 24, top: 30, bottom: 60 },
      xAxis: { type: "category", data: compared.units, axisLabel: { color: "#3e4c59", interval: 0, rotate: compared.units.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", name: compared.unit, min: 0, max: percent ? 100 : null, axisLabel: axisLabel },
      series: [{ name: compared.name, type: "bar", data: compared.values, barMaxWidth: 48,
                 label: { show: true, position: "top", formatter: function (p) {
                   return p.value === null || p.value === undefined ? "" : (percent ? p.value.toFixed(1) + "%" : p.value.toLocaleString("zh-CN"));
                 } } }]
    });
    return chart;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var kind = element.getAttribute("data-chart");
    if (kind === "counts") { charts.push(trend(element, data.counts, false)); }
    else if (kind === "rates") { charts.push(trend(element, data.rates, true)); }
    else if (kind === "comparison") { charts.push(comparison(element, data.comparison)); }
    element.setAttribute("data-drawn", "true");
  });
  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
}());
