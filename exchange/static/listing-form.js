/* Optional: show only the chosen commodity's grades. The server checks the grade anyway. */
(function () {
  var c = document.getElementById("commodity"), g = document.getElementById("grade");
  if (!c || !g) return;
  function sync() {
    var name = c.options[c.selectedIndex] ? c.options[c.selectedIndex].text.replace(/ \([^)]*\)$/, "") : "";
    Array.prototype.forEach.call(g.querySelectorAll("optgroup"), function (og) {
      og.hidden = !!name && og.label !== name && og.label !== "";
    });
  }
  c.addEventListener("change", sync); sync();
})();
