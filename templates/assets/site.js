// The site's script (charts have their own, charts.js, on the pages that have charts). Pages work without it.

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
    // The reading line: a line below the header where it shows (on a phone it slides
    // away). The block that reaches past it is the one being read; a last line peeking
    // out above does not count.
    var line = Math.max(0, header ? header.getBoundingClientRect().bottom : 0) + 24;
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

// On a phone the text has the whole screen: the header slides away while the reader
// scrolls down and comes back as soon as they scroll up, to search or change language.
// Without this script it simply scrolls away with the page.
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  if (!header || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 47.99rem)");
  var last = window.scrollY;
  header.classList.add("autohide");
  window.addEventListener("scroll", function () {
    var y = window.scrollY;
    if (Math.abs(y - last) < 4) return;
    var down = y > last && y > header.offsetHeight;
    // never while the reader is in it (a field being typed in, the reading settings open)
    header.classList.toggle("is-hidden", phone.matches && down && !header.contains(document.activeElement)
                                          && !header.querySelector("details[open]"));
    last = y;
  }, { passive: true });
  header.addEventListener("focusin", function () { header.classList.remove("is-hidden"); });
})();

// Search, with Pagefind's index of the site (pagefind/). Results link to the
// section and to the paragraph where the words were found; the words found are
// highlighted, and masks are drawn as the pages draw them.
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
  var latest = 0;  // the query whose results are shown: an earlier one may answer later
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
    var anchor = null;  // the paragraph, item or heading the first word found stands in
    (result.anchors || []).forEach(function (a) {
      if (a.location <= first && (/^p\d+$/.test(a.id) || /^h[2-4]$/i.test(a.element))) anchor = a;
    });
    return anchor ? url + "#" + anchor.id : url;
  }
  // A mask as the pages write it (generator/markdown.py): a run of asterisks, or a masked figure
  // written in full (*,**0,000), whose zeros are read after its masked digits.
  var MASK = /\*+[*0]*(?:[,.\u00a0\u202f'’][*0]{3})*[,.\u00a0\u202f'’]000(?![\p{L}\p{N}_*])|\*+0{4,}(?![\p{L}\p{N}_*])|\*+/gu;
  function maskLabel(mask) {
    var n = (mask.match(/\*/g) || []).length;
    var zero = mask.indexOf("0");
    if (messages.maskFixed) return messages.maskFixed;
    if (zero !== -1) {
      return (n === 1 ? messages.maskFigureOne : messages.maskFigure).replace("{n}", n).replace("{rest}", mask.slice(zero));
    }
    return n === 1 ? messages.maskOne : messages.mask.replace("{n}", n);
  }
  // The same markup as a mask of the pages: the asterisks hidden from screen readers, its words
  // hidden from sight.
  function maskNode(mask) {
    var node = document.createElement("span");
    node.className = "mask";
    var asterisks = document.createElement("span");
    asterisks.setAttribute("aria-hidden", "true");
    asterisks.textContent = mask;
    var words = document.createElement("span");
    words.className = "visually-hidden";
    words.textContent = maskLabel(mask);
    node.appendChild(asterisks);
    node.appendChild(words);
    return node;
  }
  function appendText(parent, text) {
    var last = 0;
    text.replace(MASK, function (mask, at) {
      if (at > last) parent.appendChild(document.createTextNode(text.slice(last, at)));
      parent.appendChild(maskNode(mask));
      last = at + mask.length;
      return mask;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }
  // Pagefind's excerpt is text with < and > escaped and the words found in <mark>. It is read as
  // such, never as HTML: <mark> becomes an element, the rest text (masks as masks). In Chinese, a
  // space stands where the page has an element with an id (a figure) or a paragraph ends, and
  // words may be joined by zero-width spaces: neither is in the text.
  var CJK = "[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]";
  var STRAY_SPACE = new RegExp("(" + CJK + "(?:</?mark>)?) +(?=(?:</?mark>)?(?:" + CJK + "|\\*))" +
    "|(\\*(?:</?mark>)?) +(?=(?:</?mark>)?" + CJK + ")", "g");
  function clean(text) {
    return text.replace(/\u200b/g, "").replace(STRAY_SPACE, "$1$2");
  }
  // Pagefind cuts an excerpt between words, and in Chinese each asterisk is a word: a mask at
  // either end is completed from the page's text, so that it keeps its length.
  function wholeMasks(excerpt, content) {
    var text = excerpt.replace(/<\/?mark>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    var at = content.indexOf(text);
    if (!text || at === -1) return excerpt;
    var before = text.charAt(0) === "*" ? /\**$/.exec(content.slice(0, at))[0] : "";
    var after = text.charAt(text.length - 1) === "*" ? /^\**/.exec(content.slice(at + text.length))[0] : "";
    return before + excerpt + after;
  }
  function appendExcerpt(parent, excerpt, content) {
    excerpt = wholeMasks(clean(excerpt), clean(content));
    var target = parent;
    excerpt.split(/(<\/?mark>)/).forEach(function (part) {
      if (part === "<mark>") {
        target = parent.appendChild(document.createElement("mark"));
      } else if (part === "</mark>") {
        target = parent;
      } else {
        appendText(target, part.replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
      }
    });
  }
  function show(query) {
    var asked = ++latest;
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    load().then(function (module) {
      return module.search(query);
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (asked !== latest) return;
      status.textContent = results.length ? messages.count.replace("{n}", results.length) : messages.none;
      results.forEach(function (result) {
        var item = document.createElement("li");
        var a = document.createElement("a");
        a.href = link(result);
        appendText(a, result.meta.title || "");
        var excerpt = document.createElement("p");
        appendExcerpt(excerpt, result.excerpt, result.content || "");
        item.appendChild(a);
        item.appendChild(excerpt);
        list.appendChild(item);
      });
    }).catch(function () {
      if (asked === latest) status.textContent = messages.unavailable;
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    show(query);
  });
  // The header's search field of every page sends its words here as ?q=.
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; show(initial.trim()); }
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

// The contents box of a section is folded, so that on a phone the text starts on the first
// screen; where the screen is wide enough to show it beside the title, it is opened.
(function () {
  "use strict";
  var contents = document.querySelector("[data-page-toc]");
  if (contents && window.matchMedia("(min-width: 64rem)").matches) contents.open = true;
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
    for (var i = 0; i < masks.length; i++) masks[i].textContent = " " + masks[i].querySelector(".visually-hidden").textContent + " ";
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
