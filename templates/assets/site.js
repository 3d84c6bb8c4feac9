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
