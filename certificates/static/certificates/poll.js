// Polls the JSON status URL in [data-poll-url] and reloads the page once the work is done
// (a certificate rendered, a ZIP built). Updates a [data-progress] bar on the way.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-poll-url");
  var bar = box.querySelector("[data-progress]");
  var wait = 1500;
  var deadline = Date.now() + 15 * 60 * 1000;

  function again() {
    if (Date.now() < deadline) {
      wait = Math.min(wait * 1.3, 10000);
      window.setTimeout(tick, wait);
    }
  }

  function tick() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.done) { window.location.reload(); return; }
        if (data && bar && typeof data.percent === "number") { bar.style.inlineSize = data.percent + "%"; }
        again();
      })
      .catch(again);
  }

  window.setTimeout(tick, wait);
})();
