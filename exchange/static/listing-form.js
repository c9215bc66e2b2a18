/* Optional: show only the chosen commodity's grades, and istishna' only for goods made to order.
   The server checks both anyway (and leaves istishna' out once it knows the commodity). */
(function () {
  var c = document.getElementById("commodity"), g = document.getElementById("grade");
  if (!c || !g) return;
  var istisna = document.querySelector("#akad input[value=istisna]");
  function sync() {
    var option = c.options[c.selectedIndex];
    var name = option ? option.text.replace(/ \([^)]*\)$/, "") : "";
    Array.prototype.forEach.call(g.querySelectorAll("optgroup"), function (og) {
      og.hidden = !!name && og.label !== name && og.label !== "";
    });
    if (istisna) {
      var madeToOrder = !option || !option.value || option.hasAttribute("data-made-to-order");
      istisna.closest("li").hidden = !madeToOrder;
      if (!madeToOrder) istisna.checked = false;
    }
  }
  c.addEventListener("change", sync); sync();
})();
