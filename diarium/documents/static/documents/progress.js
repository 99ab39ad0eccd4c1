// Progressive enhancement of a generation batch's page: poll its JSON status
// and move the <progress> bar and its text; without script, reloading does it.
(function () {
  "use strict";
  var box = document.querySelector(".generation-progress[data-status-url]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[role=status]");
  var reload = document.querySelector(".generation-reload");
  var errors = document.querySelector(".generation-errors");
  function show(status) {
    bar.max = status.total || 1;
    bar.value = status.processed;
    bar.textContent = status.percent + " %";
    if (text.textContent !== status.text) { text.textContent = status.text; }
    if (errors && status.errors.length) {
      errors.hidden = false;
      errors.textContent = "";
      status.errors.forEach(function (e) {
        var li = document.createElement("li");
        li.textContent = e.item + ": " + e.message;
        errors.appendChild(li);
      });
    }
    if (status.state === "finished" && reload) { reload.hidden = true; }
    return status.state !== "finished";
  }
  function poll() {
    fetch(box.getAttribute("data-status-url"), {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) { if (status && show(status)) { window.setTimeout(poll, 1500); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (reload) { reload.hidden = true; }
  window.setTimeout(poll, 500);
}());
