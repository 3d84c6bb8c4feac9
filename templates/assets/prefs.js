// Runs in <head>, before the page is drawn: applies the reader's text size and
// contrast, remembered from earlier pages, so that no page flashes in the defaults.
(function () {
  "use strict";
  try {
    var size = localStorage.getItem("nianbao-text-size");
    var root = document.documentElement;
    if (size === "large" || size === "larger") root.classList.add("text-" + size);
    if (localStorage.getItem("nianbao-contrast") === "high") root.classList.add("high-contrast");
  } catch (e) { /* storage refused (private mode, file://): the defaults apply */ }
})();
