/* The Wagtail admin for editors writing in two languages.

   1. The admin in Arabic is right to left; much of what editors type there is English (or
      mixes both). Every text box and text area gets dir="auto", so the browser sets each one's
      direction from what it holds: "In what order…?" reads as typed, not "?In what order…".
      Fields that already say their direction (a user name, an address) keep it.
   2. The rich text editors (Draftail) of StreamField blocks have no accessible name: each is
      named after its field's label, or else its block's type ("Rich text"), so a screen reader
      says what the box is for.

   Boxes that arrive later (a new inline row, a StreamField block, a chooser) are handled too. */
(function () {
  "use strict";
  var TEXT_BOXES =
    'input[type="text"]:not([dir]), input[type="search"]:not([dir]), input:not([type]):not([dir]), textarea:not([dir])';
  var UNNAMED_EDITORS = '[contenteditable="true"][role="textbox"]:not([aria-label]):not([aria-labelledby])';

  function all(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      found.push(root);
    }
    return found;
  }

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").replace(/\s*\*\s*$/, "").trim() : "";
  }

  function editorName(editor) {
    var field = editor.closest(".w-field");
    var name = text(field && field.querySelector(".w-field__label, label"));
    if (!name) {
      var block = editor.closest("[data-streamfield-child], .c-sf-container__block-container");
      name = text(block && block.querySelector(".c-sf-block__type"));
    }
    if (!name) {
      var panel = editor.closest("section");
      name = text(panel && panel.querySelector("h2, .w-panel__heading"));
    }
    return name;
  }

  function mark(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    all(root, TEXT_BOXES).forEach(function (field) {
      field.setAttribute("dir", "auto");
    });
    all(root, UNNAMED_EDITORS).forEach(function (editor) {
      var name = editorName(editor);
      if (name) {
        editor.setAttribute("aria-label", name);
      }
    });
  }

  function start() {
    mark(document.body);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          mark(node.nodeType === 1 ? node : node.parentElement);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
