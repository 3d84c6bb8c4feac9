// The site's one script. Pages work without it; with it, the language switch
// keeps the reader's place: paragraphs carry the same id (p1, p2 …) in every
// language, so the link to the other language gets the id of the paragraph
// at the top of the screen.
(function () {
  "use strict";
  var links = document.querySelectorAll("a[data-keep-place]");
  if (!links.length || !document.querySelector(".prose [id]")) return;
  var header = document.querySelector(".site-header");
  function currentBlock() {
    // The reading line: a line below the sticky header. The block that reaches
    // past it is the one being read; a last line peeking out above does not count.
    var line = (header ? header.getBoundingClientRect().bottom : 0) + 24;
    var blocks = document.querySelectorAll(".prose p[id^='p'], .prose li[id^='p']");
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].getBoundingClientRect().bottom > line) return blocks[i].id;
    }
    return "";
  }
  function update() {
    var id = window.scrollY > 0 ? currentBlock() : "";
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href").split("#")[0];
      links[i].setAttribute("href", id ? href + "#" + id : href);
    }
  }
  window.addEventListener("scroll", update, { passive: true });
  for (var i = 0; i < links.length; i++) links[i].addEventListener("focus", update);
  update();
})();

// Charts. Each chart's figure travels as JSON beside its table; plotly.js (large)
// is fetched only on pages with charts, and only when a chart comes near the
// screen, so it never holds up the text.
(function () {
  "use strict";
  var source = document.body.getAttribute("data-plotly");
  var plots = document.querySelectorAll(".chart-plot[data-figure]");
  if (!source || !plots.length) return;
  document.documentElement.classList.add("has-js");
  var loading = null;
  function loadPlotly() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = source;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }
  function draw(plot) {
    loadPlotly().then(function () {
      var figure = JSON.parse(document.getElementById(plot.getAttribute("data-figure")).textContent);
      window.Plotly.newPlot(plot, figure.data, figure.layout, {
        displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false
      });
      plot.setAttribute("data-drawn", "true");
    });
  }
  if (!("IntersectionObserver" in window)) {
    for (var i = 0; i < plots.length; i++) draw(plots[i]);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "300px 0px" });
  for (var j = 0; j < plots.length; j++) observer.observe(plots[j]);
})();

// Search, with Pagefind's index of the site (pagefind/). Results link to the
// section and to the paragraph where the words were found.
(function () {
  "use strict";
  var form = document.querySelector("form[data-search-bundle]");
  if (!form) return;
  document.documentElement.classList.add("has-js");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var messages = document.getElementById("search-messages").dataset;
  var root = form.getAttribute("data-search-root");
  var pagefind = null;
  function load() {
    if (!pagefind) {
      pagefind = import(new URL(form.getAttribute("data-search-bundle"), document.baseURI).href);
    }
    return pagefind;
  }
  function link(result) {
    // Pagefind gives site-root paths ("/zh/2022/x/index.html"); the site may live under any sub-path.
    var url = root + result.url.replace(/^\//, "");
    var first = result.locations.length ? result.locations[0] : 0;
    var anchor = null;
    (result.anchors || []).forEach(function (a) {
      if (a.location <= first && /^p\d+$/.test(a.id)) anchor = a;
    });
    return anchor ? url + "#" + anchor.id : url;
  }
  function show(query) {
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    load().then(function (module) {
      return module.search(query);
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    }).then(function (results) {
      status.textContent = results.length ? messages.count.replace("{n}", results.length) : messages.none;
      results.forEach(function (result) {
        var item = document.createElement("li");
        var a = document.createElement("a");
        a.href = link(result);
        a.textContent = result.meta.title;
        var excerpt = document.createElement("p");
        excerpt.textContent = result.excerpt.replace(/<\/?mark>/g, "").replace(/\u200b/g, "");
        item.appendChild(a);
        item.appendChild(excerpt);
        list.appendChild(item);
      });
    }).catch(function () {
      status.textContent = messages.unavailable;
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    show(query);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; show(initial); }
})();
