// The public statistics page: a tile-grid map of China drawn with ECharts (vendored).
// Data come from the page's <script type="application/json" id="tilemap-data">; the table
// below the chart holds the same numbers for readers without JavaScript.
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("tilemap");
    var source = document.getElementById("tilemap-data");
    if (!holder || !source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var byCell = {};
    var max = 1;
    data.tiles.forEach(function (tile) {
      byCell[tile.col + "," + tile.row] = tile;
      max = Math.max(max, tile.recommended);
    });
    var cols = [];
    var rows = [];
    var i;
    for (i = 0; i < data.cols; i += 1) { cols.push(String(i)); }
    for (i = 0; i < data.rows; i += 1) { rows.push(String(i)); }

    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 4, right: 4, top: 4, bottom: 56 },
      xAxis: { type: "category", data: cols, show: false },
      yAxis: { type: "category", data: rows, inverse: true, show: false },
      visualMap: {
        min: 0,
        max: max,
        calculable: false,
        orient: "horizontal",
        left: "center",
        bottom: 4,
        text: [String(max), "0"],
        itemWidth: 14,
        inRange: { color: ["#fbeaea", "#e79a9c", "#9f1d20"] }
      },
      tooltip: {
        formatter: function (params) {
          var tile = byCell[params.value[0] + "," + params.value[1]];
          if (!tile) { return ""; }
          return window.echarts.format.encodeHTML(tile.name) + "<br>" +
            window.echarts.format.encodeHTML(data.labels.recommended) + ": " + tile.recommended + "<br>" +
            window.echarts.format.encodeHTML(data.labels.selected) + ": " + tile.selected;
        }
      },
      series: [{
        name: data.labels.legend,
        type: "heatmap",
        // Dark squares get white writing, light ones dark writing.
        data: data.tiles.map(function (tile) {
          return {
            value: [tile.col, tile.row, tile.recommended],
            label: { color: tile.recommended > max * 0.55 ? "#ffffff" : "#1f2328" }
          };
        }),
        itemStyle: { borderColor: "#ffffff", borderWidth: 3, borderRadius: 4 },
        label: {
          show: true,
          formatter: function (params) {
            var tile = byCell[params.value[0] + "," + params.value[1]];
            return tile ? tile.short + "\n" + tile.recommended + " / " + tile.selected : "";
          },
          fontSize: 12,
          lineHeight: 16
        },
        emphasis: { itemStyle: { borderColor: "#1f2328", borderWidth: 2 } }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
