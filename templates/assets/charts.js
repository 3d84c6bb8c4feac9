// Charts, on the pages that have them. Pages work without it: each chart's summary and table
// hold its figures.
//
// Each chart's figure travels as JSON beside its table, with a second figure for a narrow chart
// (a phone: bars lie horizontally, fewer ticks). plotly.js (its basic bundle) is fetched only
// when a chart comes near the screen, so it never holds up the text; until the chart is drawn its
// box says it is loading, and if plotly.js cannot be had, it says so and points to the table.
// The chart's text follows the reader's text size (site.js sets html.text-large or .text-larger).
(function () {
  "use strict";
  var source = document.body.getAttribute("data-plotly");
  var plots = document.querySelectorAll(".chart-plot[data-figure]");
  if (!source || !plots.length) return;
  var root = document.documentElement;
  root.classList.add("has-js");
  var CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
  var loading = null;

  function loadPlotly() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = source;
        script.onload = function () { window.Plotly ? resolve() : reject(new Error("no Plotly")); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // The reader's text size as a factor of the standard 16 px (the site's controls, or the
  // browser's own setting): every size of the chart's text is multiplied by it.
  function textScale() {
    return parseFloat(getComputedStyle(root).fontSize) / 16 || 1;
  }

  // A copy of part of a figure with every font size, the smallest text size, the chart's
  // height and its margins multiplied by ``scale``. ``key``: the name ``value`` has in its parent.
  function scaled(value, scale, key) {
    if (Array.isArray(value)) return value.map(function (item) { return scaled(item, scale, ""); });
    if (!value || typeof value !== "object") return value;
    var copy = {};
    Object.keys(value).forEach(function (name) {
      var item = value[name];
      var isSize = typeof item === "number" && ((name === "size" && /font$/i.test(key)) ||
        name === "minsize" || key === "margin" || (name === "height" && key === "layout"));
      copy[name] = isSize ? Math.round(item * scale) : scaled(item, scale, name);
    });
    return copy;
  }

  function fail(plot) {
    var status = plot.querySelector(".chart-status");
    if (status) status.textContent = status.getAttribute("data-failed");
    plot.classList.add("chart-failed");
  }

  function figureOf(plot, attribute) {
    return JSON.parse(document.getElementById(plot.getAttribute(attribute)).textContent);
  }

  // Draws the figure that fits the chart's width at the reader's text size, unless it is the
  // one already drawn. The wide figure says below which width (at the standard text size) its
  // labels no longer fit.
  function draw(plot) {
    var scale = textScale();
    var wide = figureOf(plot, "data-figure");
    var narrow = plot.clientWidth / scale < wide.layout.meta.narrow_below;
    var drawing = (narrow ? "narrow" : "wide") + " " + scale;
    if (plot.getAttribute("data-drawing") === drawing) return;
    plot.setAttribute("data-drawing", drawing);
    var figure = narrow ? figureOf(plot, "data-narrow-figure") : wide;
    try {
      window.Plotly.react(plot, scaled(figure.data, scale, "data"), scaled(figure.layout, scale, "layout"), CONFIG)
        .then(function () {
          var status = plot.querySelector(".chart-status");
          if (status) status.parentNode.removeChild(status);
          plot.setAttribute("data-drawn", narrow ? "narrow" : "wide");
        }, function () { fail(plot); });
    } catch (e) {
      fail(plot);  // the note says the table has the figures, rather than a box left half drawn
    }
  }

  function show(plot) {
    plot.setAttribute("data-wanted", "true");
    loadPlotly().then(function () { draw(plot); }, function () { fail(plot); });
  }

  function redraw() {
    if (!window.Plotly) return;
    for (var i = 0; i < plots.length; i++) {
      if (plots[i].hasAttribute("data-wanted") && !plots[i].classList.contains("chart-failed")) draw(plots[i]);
    }
  }

  // The text size changes with the reader's controls; the width with the window (a phone turned).
  new MutationObserver(redraw).observe(root, { attributes: true, attributeFilter: ["class"] });
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; redraw(); });
  });

  if (!("IntersectionObserver" in window)) {
    for (var i = 0; i < plots.length; i++) show(plots[i]);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        show(entry.target);
      }
    });
  }, { rootMargin: "300px 0px" });
  for (var j = 0; j < plots.length; j++) observer.observe(plots[j]);
})();
