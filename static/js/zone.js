// Time zone fields, a progressive enhancement: where the page marks a zone field with
// data-zone-from-browser (HR left it at UTC), fill in this browser's own zone when it is one
// the field offers. Without JavaScript the field keeps what HR chose, and people can type.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("[data-zone-from-browser]").forEach(function (marker) {
    var input = document.getElementById(marker.getAttribute("data-zone-from-browser"));
    if (!input || !input.list) return;
    var offered = Array.prototype.some.call(input.list.options, function (option) {
      return option.value === zone;
    });
    if (offered) input.value = zone;
  });
})();
