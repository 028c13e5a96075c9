// Draws the trend page's two charts from the JSON the server put in #chart-data.
(function () {
  var node = document.getElementById("chart-data");
  if (!node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  var grid = { left: 46, right: 8, top: 40, bottom: 48 };
  var zoom = data.days.length > 25 ? [{ type: "inside", start: Math.max(0, 100 - 2500 / data.days.length), end: 100 }, { type: "slider", height: 16, bottom: 4 }] : [];
  var charts = [];
  var rate = document.getElementById("rate-chart");
  if (rate) {
    var c1 = echarts.init(rate);
    c1.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { type: "scroll", top: 0 },
      grid: grid,
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", scale: true, max: 100, axisLabel: { formatter: "{value}%" } },
      dataZoom: zoom,
      series: data.rates.map(function (s, i) {
        return { name: s.name, type: "line", data: s.data, connectNulls: true, showSymbol: false,
                 lineStyle: { width: i === 0 ? 3 : 1.5 } };
      }),
    });
    charts.push(c1);
  }
  var kinds = document.getElementById("kind-chart");
  if (kinds) {
    var c2 = echarts.init(kinds);
    c2.setOption({
      animation: false,
      color: ["#ef4444", "#eab308", "#3b82f6"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: grid,
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: zoom,
      series: data.kinds.map(function (s) { return { name: s.name, type: "bar", stack: "a", data: s.data }; }),
    });
    charts.push(c2);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
