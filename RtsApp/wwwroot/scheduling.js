// Progressive enhancement for the scheduling page: on a first visit (no ?tz= yet), show the times in the browser's own
// zone. Without JavaScript the page shows the link's display zone and the zone switch still works.
(function () {
  var params = new URLSearchParams(location.search);
  var select = document.querySelector("form[data-zone-switch] select[name=tz]");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!select || params.has("tz") || !zone || zone === select.value) return;
  params.set("tz", zone);
  location.replace(location.pathname + "?" + params.toString());
})();
