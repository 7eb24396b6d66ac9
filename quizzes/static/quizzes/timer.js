// Counts down the time left of a timed attempt. The server enforces the deadline;
// this only shows it, and reloads the page when it is over so the server closes the attempt.
(function () {
  "use strict";
  var timer = document.querySelector(".timer[data-seconds-left]");
  if (!timer) return;
  var end = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
  var lang = document.documentElement.lang || "en";
  var format = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false });
  timer.dir = "ltr";  // "mm:ss" reads left to right in Arabic too
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    if (left === 0) {
      timer.textContent = timer.dataset.expiredText;
      window.clearInterval(handle);
      window.setTimeout(function () { window.location.href = timer.dataset.expiredUrl; }, 1500);
      return;
    }
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    var seconds = left % 60;
    var parts = [format.format(minutes), format.format(seconds)];
    if (hours) parts.unshift(format.format(hours));
    timer.textContent = parts.join(":");
  }
  var handle = window.setInterval(tick, 1000);
  tick();
})();
