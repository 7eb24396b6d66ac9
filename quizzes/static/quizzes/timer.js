// Counts down the time left of a timed attempt. The server enforces the deadline; this shows
// it in the page's digits, says it aloud at 10, 5 and 1 minutes and at 30 seconds (the timer
// itself stays silent: role="timer" aria-live="off"), marks the last minutes, and at the end
// saves the answer on screen (quizzes/answers.js) and reloads: the server closes the attempt
// and the result page says, once, that time ran out.
(function () {
  "use strict";
  var box = document.querySelector(".quiz-timer[data-seconds-left]");
  if (!box) return;
  var timer = box.querySelector(".timer");
  var news = box.querySelector(".quiz-timer-news");
  var end = Date.now() + parseInt(box.dataset.secondsLeft, 10) * 1000;
  var arabic = (box.dataset.language || document.documentElement.lang || "").indexOf("ar") === 0;
  var said = {};
  var moments = [[600, "sayMinutes-10"], [300, "sayMinutes-5"], [60, "sayMinutes-1"], [30, "saySeconds-30"]];
  timer.dir = "ltr"; // "mm:ss" reads left to right in Arabic too

  function digits(number) {
    var text = (number < 10 ? "0" : "") + number;
    return arabic ? text.replace(/[0-9]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩".charAt(+d); }) : text;
  }
  // Moments already past when the page opens are not spoken.
  var opening = Math.round((end - Date.now()) / 1000);
  moments.forEach(function (m) { if (opening <= m[0]) said[m[0]] = true; });

  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var hours = Math.floor(left / 3600);
    var parts = [digits(Math.floor((left % 3600) / 60)), digits(left % 60)];
    if (hours) parts.unshift(digits(hours));
    timer.textContent = parts.join(":");
    box.classList.toggle("ending", left <= 300);
    box.classList.toggle("last-minute", left <= 60);
    moments.forEach(function (m) {
      if (left <= m[0] && !said[m[0]]) {
        said[m[0]] = true;
        news.textContent = box.dataset[m[1]] || "";
      }
    });
    // A few seconds before the deadline, the answer being typed is saved while the server takes it.
    if (left === 3 && window.masarQuizSaveNow) window.masarQuizSaveNow();
    if (left === 0) {
      window.clearInterval(handle);
      var saved = window.masarQuizSaveNow ? window.masarQuizSaveNow() : Promise.resolve();
      saved.then(function () { window.location.href = box.dataset.expiredUrl; },
                 function () { window.location.href = box.dataset.expiredUrl; });
    }
  }
  var handle = window.setInterval(tick, 1000);
  tick();
})();
