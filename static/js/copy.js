// Copy buttons, a progressive enhancement: a button with data-copy="ID" (rendered hidden)
// appears only where this script runs and copies the text of the element with that id; a
// status element with data-copy-status="ID" says so. Without JavaScript the text stays there
// to select and copy by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var id = button.getAttribute("data-copy");
    var source = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () { if (status) status.textContent = "Copied."; },
        function () { if (status) status.textContent = "Couldn\u2019t copy: select the link and copy it yourself."; }
      );
    });
  });
})();
