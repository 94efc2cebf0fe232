// Progressive enhancement for the scheduling page; without JavaScript every part of it still works as plain links and
// forms. (1) On a first visit (no ?tz= yet), show the times in the browser's own zone. (2) The zone switch applies a
// choice at once and gets a search box over its places. (3) The day picker moves between days with the arrow keys.
(function () {
  var params = new URLSearchParams(location.search);
  var form = document.querySelector("form[data-zone-switch]");
  var select = form && form.querySelector("select[name=tz]");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (select && !params.has("tz") && zone && zone !== select.value &&
      Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) {
    params.set("tz", zone);
    location.replace(location.pathname + "?" + params.toString());
    return;
  }

  if (select) {
    var button = form.querySelector("[data-show-times]");
    if (button) button.hidden = true;
    select.addEventListener("change", function () { form.submit(); });

    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control zone-search";
    search.id = "tz-search";
    search.placeholder = form.getAttribute("data-search-label") || "";
    search.setAttribute("aria-label", search.placeholder);
    search.setAttribute("aria-controls", select.id);
    search.autocomplete = "off";
    select.parentNode.insertBefore(search, select);
    var options = Array.prototype.slice.call(select.options);
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      options.forEach(function (o) {
        var text = (o.textContent + " " + (o.getAttribute("data-country") || "")).toLowerCase().replace(/_/g, " ");
        o.hidden = o.selected ? false : !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
    search.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") return;
      e.preventDefault();
      var first = options.filter(function (o) { return !o.hidden && !o.selected; })[0];
      if (first) { select.value = first.value; form.submit(); }
    });
  }

  // The day picker: arrow keys move between days that have times (left/right by day, up/down by week), Home/End to the
  // month's first/last such day, Page Up/Page Down to the previous/next month.
  var grid = document.querySelector("[data-calendar] table");
  if (grid) {
    var cells = Array.prototype.slice.call(grid.querySelectorAll("tbody td"));
    var links = cells.map(function (td) { return td.querySelector("a[data-day]"); });
    grid.addEventListener("keydown", function (e) {
      var index = links.indexOf(document.activeElement);
      if (index < 0) return;
      var step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
      var target = null;
      if (step) {
        for (var i = index + step; i >= 0 && i < links.length && !target; i += step) target = links[i];
        if (!target && Math.abs(step) === 7) {
          for (var j = index + Math.sign(step); j >= 0 && j < links.length && !target; j += Math.sign(step)) target = links[j];
        }
      } else if (e.key === "Home" || e.key === "End") {
        var present = links.filter(Boolean);
        target = e.key === "Home" ? present[0] : present[present.length - 1];
      } else if (e.key === "PageUp" || e.key === "PageDown") {
        var wanted = document.querySelector("[data-calendar] a[data-month-nav=" + (e.key === "PageUp" ? "previous" : "next") + "]");
        if (wanted) { e.preventDefault(); location.href = wanted.href; }
        return;
      }
      if (target) { e.preventDefault(); target.focus(); }
    });
  }
})();
