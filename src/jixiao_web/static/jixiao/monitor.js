/* 执行进度通报 chart (ECharts, vendored): each unit's 执行率 as a bar, ranked by lag, with
   序时进度 and the warning line as lines. Data from <script type="application/json">
   (Django's json_script); no inline script (the CSP forbids it). */
(function () {
  var COLORS = { "约谈": "#b42318", "预警": "#b54708", "正常": "#1d4ed8" };

  function draw(node) {
    var data = JSON.parse(document.getElementById(node.getAttribute("data-source")).textContent);
    var names = data.units.map(function (u) { return u.name; });
    var flat = function (value) { return data.units.map(function () { return value === null ? null : Number(value); }); };
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { data: ["执行率", "序时进度", "预警线"] },
      grid: { left: 50, right: 20, bottom: 110, top: 40 },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 4 ? 35 : 0, width: 140, overflow: "truncate" } },
      yAxis: { type: "value", name: "%", max: 100 },
      series: [
        {
          name: "执行率", type: "bar", barMaxWidth: 36,
          data: data.units.map(function (u) {
            return { value: u.rate === null ? 0 : Number(u.rate), itemStyle: { color: COLORS[u.status] || COLORS["正常"] } };
          }),
          label: { show: true, position: "top", formatter: "{c}%" }
        },
        { name: "序时进度", type: "line", data: flat(data.pace), symbol: "none", lineStyle: { color: "#067647", width: 2 } },
        { name: "预警线", type: "line", data: flat(data.line), symbol: "none", lineStyle: { color: "#b42318", type: "dashed" } }
      ]
    });
    node.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  window.addEventListener("load", function () {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart=monitor]").forEach(function (node) {
      if (!node.getAttribute("data-drawn")) draw(node);
    });
  });
})();
