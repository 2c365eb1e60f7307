// The entry form (/masa/yeni): suggests the topic from the text as the agent types, and
// saves with Ctrl+Enter. The form works without it (the first Save suggests the topic).
(function () {
  "use strict";
  var form = document.getElementById("entry");
  if (!form) { return; }
  var text = document.getElementById("text");
  var topic = document.getElementById("category");
  var said = document.getElementById("suggestion");
  var chosenByHand = topic.value !== "";
  var timer = null;

  topic.addEventListener("change", function () { chosenByHand = topic.value !== ""; });

  function ask() {
    var value = text.value.trim();
    if (!value || chosenByHand) { return; }
    var body = new URLSearchParams();
    body.set("csrf", form.elements.csrf.value);
    body.set("metin", value);
    fetch("/masa/yeni/konu", { method: "POST", credentials: "same-origin", body: body })
      .then(function (answer) { return answer.ok ? answer.json() : { suggestions: [] }; })
      .then(function (data) {
        if (chosenByHand || !data.suggestions.length) { return; }
        topic.value = data.suggestions[0].code;
        said.textContent = said.getAttribute("data-label").replace("{name}", data.suggestions[0].name);
      })
      .catch(function () { /* the server suggests on Save instead */ });
  }

  text.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 250);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      window.clearTimeout(timer);
      form.requestSubmit();
    }
  });
})();
