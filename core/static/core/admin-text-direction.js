/* The Wagtail admin in Arabic is right to left; much of what editors type there is English (or
   mixes both). Every text box and text area gets dir="auto", so the browser sets each one's
   direction from what it holds: "In what order…?" reads as typed, not "?In what order…". Boxes
   that arrive later (a new inline row, a StreamField block, a chooser) get it too. Fields that
   already say their direction (a user name, an address) keep it. */
(function () {
  "use strict";
  var SELECTOR =
    'input[type="text"]:not([dir]), input[type="search"]:not([dir]), input:not([type]):not([dir]), textarea:not([dir])';

  function mark(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches(SELECTOR)) {
      root.setAttribute("dir", "auto");
    }
    root.querySelectorAll(SELECTOR).forEach(function (field) {
      field.setAttribute("dir", "auto");
    });
  }

  function start() {
    mark(document.body);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(mark);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
