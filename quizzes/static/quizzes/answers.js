// Saves an answer as it changes: the changed question's part of the form is posted in the
// background to the page's own address (the same save as "Save and next"), so the answer on
// screen is kept even if time runs out or the page is left. Without JavaScript the buttons
// save as before. After moving to another question, focus goes to its heading.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) return;
  var status = document.querySelector(".quiz-save-status");
  var dirty = new Set();
  var timers = {};
  var pending = Promise.resolve();
  var automatic = form.dataset.autosave && !form.dataset.feedback;

  if (/[?&]q=\d+/.test(window.location.search)) {
    var heading = form.querySelector(".question-heading");
    if (heading) heading.focus();
  }

  function post(fieldset) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    fieldset.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (!input.name || input.disabled) return;
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return;
      data.append(input.name, input.value);
    });
    if (!data.has("question")) return Promise.resolve();
    return fetch(form.dataset.autosave, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Masar-Autosave": "1" }
    }).then(function (response) {
      if (response.status === 409) { // closed or out of time: the server's page says what happened
        window.location.href = form.dataset.autosave;
        return;
      }
      if (!response.ok) dirty.add(fieldset); // not saved: the next save (the timer's too) sends it again
      if (status) status.textContent = response.ok ? status.dataset.savedText : status.dataset.failedText;
    }, function () {
      dirty.add(fieldset);
      if (status) status.textContent = status.dataset.failedText;
    });
  }

  function save(fieldset) {
    dirty.delete(fieldset);
    window.clearTimeout(timers[fieldset.id]);
    pending = pending.then(function () { return post(fieldset); });
    return pending;
  }

  function changed(event, delay) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) return;
    dirty.add(fieldset);
    if (!automatic) return;
    window.clearTimeout(timers[fieldset.id]);
    timers[fieldset.id] = window.setTimeout(function () { save(fieldset); }, delay);
  }

  form.addEventListener("change", function (event) { changed(event, 0); });
  form.addEventListener("input", function (event) {
    if (event.target.matches("textarea, input[type=text]")) changed(event, 1000);
  });
  form.addEventListener("submit", function () { dirty.clear(); });

  // The timer calls this just before the deadline: every answer changed and not yet saved.
  window.masarQuizSaveNow = function () {
    Array.from(dirty).forEach(save);
    return pending;
  };
})();
