// nianbao serve: show each rebuild at once (keeping the scroll position), and show the
// errors of a failed build over the page until they are fixed.
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
  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }
  // A page without charts takes its new text in place: faster than a reload, and the reader
  // stays where they were. Anything else (charts, a page that is gone) reloads.
  function refresh() {
    if (document.querySelector(".chart-plot")) return reload();
    fetch(location.href, {cache: "no-store"}).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var main = fresh.querySelector("main");
      if (!main || fresh.querySelector(".chart-plot")) return reload();
      document.title = fresh.title;
      document.querySelector("main").replaceWith(document.adoptNode(main));
    }).catch(reload);
  }
  var events = new EventSource("/__nianbao/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    var changed = seen !== null && state.epoch !== seen;
    seen = state.epoch;
    show(state.problems);
    if (changed && state.problems.length === 0) refresh();
  };
})();
