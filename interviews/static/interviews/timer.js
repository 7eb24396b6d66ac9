// A visible answer timer: counts up from the time the question was shown and flags when the
// suggested time is passed. It never disables the form; the server records the real time taken.
(function () {
  "use strict";
  var el = document.querySelector("[data-interview-timer]");
  if (!el) { return; }
  var display = el.querySelector("[data-timer-display]");
  var over = document.querySelector("[data-timer-over]");
  var suggested = parseInt(el.getAttribute("data-suggested"), 10) || 0;
  var elapsed = parseInt(el.getAttribute("data-elapsed"), 10) || 0;
  var arabic = document.documentElement.lang === "ar";
  var started = Date.now() - elapsed * 1000;
  var digits = "٠١٢٣٤٥٦٧٨٩";

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    var text = minutes + ":" + (rest < 10 ? "0" : "") + rest;
    return arabic ? text.replace(/[0-9]/g, function (d) { return digits[d]; }) : text;
  }

  function tick() {
    var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    display.textContent = format(seconds);
    if (suggested && seconds > suggested) {
      el.classList.add("over");
      if (over) { over.hidden = false; }
    }
  }

  tick();
  window.setInterval(tick, 1000);
})();
