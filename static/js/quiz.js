// Keeps the "N of 16 answered" count up to date as answers are chosen.
// The page works without this script: the count then shows after saving.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var output = document.getElementById("quiz-answered");
  if (!form || !output) return;
  function update() {
    var answered = form.querySelectorAll('input[type="radio"]:checked').length;
    output.textContent = String(answered);
  }
  form.addEventListener("change", update);
  update();
})();
