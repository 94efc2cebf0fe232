// Progressive enhancement for the dashboard: "Copy link" buttons (hidden without JavaScript, where the link itself is
// there to copy) copy their data-copy URL and say so.
(function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    var label = button.firstChild.nodeValue;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.firstChild.nodeValue = "Copied";
        setTimeout(function () { button.firstChild.nodeValue = label; }, 2000);
      });
    });
  });
})();
