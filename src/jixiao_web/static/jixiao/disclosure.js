/* Public pages: the region overview chart (ECharts, vendored). The data comes from
   <script type="application/json" id=...> (Django's json_script); no inline script. */
function drawPublicOverview() {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart=public-overview]").forEach(function (node) {
    if (node.getAttribute("data-drawn")) return;
    var data = JSON.parse(document.getElementById(node.getAttribute("data-source")).textContent);
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 40, bottom: 20, top: 10, containLabel: true },
      xAxis: { type: "value", name: "分", max: 100 },
      yAxis: { type: "category", inverse: true, data: data.map(function (d) { return d.name + " " + d.year; }) },
      series: [{ name: "自评得分", type: "bar", data: data.map(function (d) { return Number(d.score); }), itemStyle: { color: "#1d4ed8" }, label: { show: true, position: "right" } }]
    });
    node.style.height = Math.max(160, 48 * data.length + 40) + "px";
    chart.resize();
    node.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  });
}
window.addEventListener("load", drawPublicOverview);
