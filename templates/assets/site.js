// The site's one script. Pages work without it.

// The root page offers every language. A language the reader chose here or with a
// language switch is remembered, and the root page then opens it at once; a first
// visit is never sent to a language it did not choose.
(function () {
  "use strict";
  var KEY = "nianbao-language";
  try {
    var chooser = document.querySelector("[data-language-choice]");
    var remembered = localStorage.getItem(KEY);
    if (chooser && remembered) {
      var choices = chooser.querySelectorAll("a[hreflang]");
      for (var i = 0; i < choices.length; i++) {
        if (choices[i].getAttribute("hreflang") === remembered) { location.replace(choices[i].href); return; }
      }
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-language-choice] a[hreflang], .language-switch a[hreflang]");
      if (link) localStorage.setItem(KEY, link.getAttribute("hreflang"));
    });
  } catch (e) { /* storage refused (private mode, file://): the choice is offered each time */ }
})();

// With it, the language switch
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

// Text size (three steps) and high contrast: buttons in the header, remembered across pages.
(function () {
  "use strict";
  var controls = document.querySelector("[data-reading-controls]");
  if (!controls) return;
  var root = document.documentElement;
  function remember(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* not remembered, still applied */ }
  }
  var sizes = controls.querySelectorAll("[data-text-size]");
  function showSize() {
    for (var i = 0; i < sizes.length; i++) {
      var step = sizes[i].getAttribute("data-text-size");
      var on = step === "standard" ? !root.classList.contains("text-large") && !root.classList.contains("text-larger")
        : root.classList.contains("text-" + step);
      sizes[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }
  for (var i = 0; i < sizes.length; i++) {
    sizes[i].addEventListener("click", function () {
      var step = this.getAttribute("data-text-size");
      root.classList.remove("text-large", "text-larger");
      if (step !== "standard") root.classList.add("text-" + step);
      remember("nianbao-text-size", step);
      showSize();
    });
  }
  var contrast = controls.querySelector("[data-contrast]");
  function showContrast() {
    contrast.setAttribute("aria-pressed", root.classList.contains("high-contrast") ? "true" : "false");
  }
  contrast.addEventListener("click", function () {
    root.classList.toggle("high-contrast");
    remember("nianbao-contrast", root.classList.contains("high-contrast") ? "high" : "normal");
    showContrast();
  });
  showSize();
  showContrast();
  controls.hidden = false;
})();

// Read aloud, with the browser's own speech synthesis: nothing is sent anywhere.
// The button shows only where the browser has a voice for the page's language.
(function () {
  "use strict";
  var holder = document.querySelector("[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!holder || !synth || !window.SpeechSynthesisUtterance) return;
  var button = holder.querySelector("button");
  var lang = document.documentElement.lang;
  var base = lang.split("-")[0].toLowerCase();
  function voice() {
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.replace("_", "-").toLowerCase().split("-")[0] === base) return voices[i];
    }
    return null;
  }
  function text() {
    // What a listener should hear: a mask is read as its label, not as asterisks.
    var article = document.querySelector("article .prose").cloneNode(true);
    var masks = article.querySelectorAll(".mask");
    for (var i = 0; i < masks.length; i++) masks[i].textContent = " " + masks[i].getAttribute("aria-label") + " ";
    var skip = article.querySelectorAll("figure, .footnotes");
    for (var j = 0; j < skip.length; j++) skip[j].remove();
    return document.querySelector("article h1").textContent + "。\n" + article.textContent;
  }
  function setPlaying(playing) {
    button.setAttribute("aria-pressed", playing ? "true" : "false");
    button.textContent = button.getAttribute(playing ? "data-label-stop" : "data-label-start");
  }
  button.addEventListener("click", function () {
    if (synth.speaking) { synth.cancel(); setPlaying(false); return; }
    var utterance = new SpeechSynthesisUtterance(text());
    utterance.lang = lang;
    utterance.voice = voice();
    utterance.onend = function () { setPlaying(false); };
    synth.speak(utterance);
    setPlaying(true);
  });
  function offer() { if (voice()) holder.hidden = false; }
  offer();
  if (synth.addEventListener) synth.addEventListener("voiceschanged", offer);
})();
