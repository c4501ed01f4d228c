// Peer recognition, progressive enhancements. Every page works without this script:
// - the colleague search filters as you type (without it, the Search button does the same);
// - the description shows how many characters it has.
(function () {
  "use strict";

  var search = document.getElementById("colleague-search");
  var input = document.getElementById("f-q");
  var results = document.getElementById("colleague-results");
  if (search && input && results) {
    var timer = null;
    var latest = 0;

    var text = function (tag, className, value) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      node.textContent = value;
      return node;
    };

    var render = function (query, colleagues) {
      results.replaceChildren();
      if (!query) return;
      if (colleagues.length === 0) {
        results.appendChild(text("p", "muted",
          "No active colleague\u2019s name contains \u201c" + query + "\u201d. Check the spelling, or try their other name."));
        return;
      }
      results.appendChild(text("p", "small muted", colleagues.length +
        (colleagues.length === 1 ? " colleague matches" : " colleagues match")));
      var list = document.createElement("ul");
      list.className = "colleague-list";
      colleagues.forEach(function (c) {
        var item = document.createElement("li");
        item.className = "colleague-list__item";
        var who = document.createElement("span");
        who.appendChild(text("strong", "", c.name));
        var where = [c.department, c.office].filter(Boolean).join(", ");
        if (where) who.appendChild(text("span", "muted small", " \u00b7 " + where));
        var link = text("a", "button button--small", "Recognise");
        link.href = "/recognition/new?to=" + encodeURIComponent(c.id);
        link.appendChild(text("span", "visually-hidden", " " + c.name));
        item.appendChild(who);
        item.appendChild(link);
        list.appendChild(item);
      });
      results.appendChild(list);
    };

    var lookUp = function () {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) { render("", []); return; }
      fetch("/recognition/colleagues?q=" + encodeURIComponent(query), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (colleagues) {
          if (colleagues && ticket === latest) render(query, colleagues);
        })
        .catch(function () { /* the Search button still works */ });
    };

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 200);
    });
  }

  var story = document.getElementById("f-story");
  var count = document.getElementById("story-count");
  if (story && count) {
    var min = parseInt(story.getAttribute("data-min") || "0", 10);
    var update = function () {
      var length = Array.from(story.value.trim()).length;
      count.textContent = length < min
        ? length + " so far; " + (min - length) + " more to go."
        : length + " characters.";
    };
    story.addEventListener("input", update);
    update();
  }
})();
