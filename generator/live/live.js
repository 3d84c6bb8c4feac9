// nianbao serve: reload when the site is rebuilt (keeping the scroll position),
// and show the errors of a failed build over the page until they are fixed.
(function () {
  "use strict";
  var key = "nianbao-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, parseInt(saved, 10)); });
  }
  var link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "/__nianbao/live.css";
  document.head.appendChild(link);
  var seen = null;
  var overlay = null;
  function show(problems) {
    if (overlay) { overlay.remove(); overlay = null; }
    if (!problems.length) return;
    overlay = document.createElement("div");
    overlay.className = "nianbao-problems";
    overlay.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.className = "nianbao-problems-title";
    title.textContent = document.documentElement.lang.indexOf("zh") === 0
      ? "生成失败，正在显示上一次成功生成的页面。请修改以下问题：" : "The build failed; these are the last good pages. Fix:";
    var list = document.createElement("pre");
    list.textContent = problems.join("\n");
    overlay.appendChild(title);
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }
  var events = new EventSource("/__nianbao/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (seen !== null && state.problems.length === 0 && state.epoch !== seen) {
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
      return;
    }
    seen = state.epoch;
    show(state.problems);
  };
})();
