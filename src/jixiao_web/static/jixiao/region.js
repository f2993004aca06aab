/* Region dashboard: a bar chart of the scores in the table (ECharts, vendored).
   Data: <script type="application/json" id="region-chart-data"> (json_script); no inline script. */
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart=region-score]").forEach(function (node) {
    var data = JSON.parse(document.getElementById(node.getAttribute("data-source")).textContent);
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      // Labels and tooltip print the score as the table does (90.20, not the number 90.2).
      tooltip: { trigger: "axis", formatter: function (items) { var d = data[items[0].dataIndex]; return window.echarts.format.encodeHTML(d.name + "：" + d.score + " 分"); } },
      grid: { left: 40, right: 20, bottom: 80, top: 30 },
      xAxis: { type: "category", data: data.map(function (d) { return d.name; }), axisLabel: { interval: 0, rotate: data.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", name: "分", max: 100 },
      series: [{ name: "总分", type: "bar", barMaxWidth: 48, data: data.map(function (d) { return Number(d.score); }), itemStyle: { color: "#1d4ed8" }, label: { show: true, position: "top", formatter: function (item) { return data[item.dataIndex].score; } } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
