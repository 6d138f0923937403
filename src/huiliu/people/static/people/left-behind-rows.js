// The outflow form's rows of left-behind children and elders: "add a row" copies the formset's empty row.
// Without this script the form still works with the blank rows it was served with.
(function () {
  "use strict";
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var most = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.querySelector('template[data-empty-row="' + prefix + '"]');
    var body = document.querySelector('table[data-rows="' + prefix + '"] tbody');
    if (!total || !template || !body) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var count = parseInt(total.value, 10);
      if (most && count >= parseInt(most.value, 10)) { button.disabled = true; return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(count));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(count + 1);
      var first = body.lastElementChild && body.lastElementChild.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });
})();
