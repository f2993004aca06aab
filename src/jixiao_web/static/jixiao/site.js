/* Small behaviours without inline script (the CSP forbids it). */
document.addEventListener("DOMContentLoaded", function () {
  // Buttons that ask before a destructive action: <button data-confirm="…">.
  document.body.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
});

/* Charts (ECharts, vendored): <div data-chart="score" data-source="ID"> with the data in
   <script type="application/json" id="ID"> (Django's json_script), no inline script. */
function drawCharts() {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart=score]").forEach(function (node) {
    if (node.getAttribute("data-drawn")) return;
    var data = JSON.parse(document.getElementById(node.getAttribute("data-source")).textContent);
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      // Labels and tooltip print 分值 and 得分 as the scorecard table does (50.00, 34.30), not
      // as the numbers the bars are drawn from (50, 34.3).
      tooltip: { trigger: "axis", formatter: function (items) { var d = data[items[0].dataIndex]; return window.echarts.format.encodeHTML(d.name + "：分值 " + d.points + " 分，得分 " + d.score + " 分"); } },
      legend: { data: ["分值", "得分"] },
      grid: { left: 40, right: 20, bottom: 60, top: 40 },
      xAxis: { type: "category", data: data.map(function (d) { return d.name; }), axisLabel: { interval: 0, rotate: data.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", name: "分" },
      series: [
        { name: "分值", type: "bar", data: data.map(function (d) { return Number(d.points); }), itemStyle: { color: "#cbd5e1" } },
        { name: "得分", type: "bar", data: data.map(function (d) { return Number(d.score); }), itemStyle: { color: "#1d4ed8" }, label: { show: true, position: "top", formatter: function (item) { return data[item.dataIndex].score; } } }
      ]
    });
    node.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  });
}
window.addEventListener("load", drawCharts);

/* htmx 2 does not swap 4xx answers by default; a refused edit (422: the engine's messages
   beside the fields) and a conflict (409: what the other person changed) are forms to show. */
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
