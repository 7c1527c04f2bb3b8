/*
 * The survey page's additional questions: a question asked of some scores only (for example
 * "What disappointed you?" for detractors) shows once a score it is asked of is chosen. Without
 * this script every question shows, with a note saying which scores it is for, and the server
 * keeps only the answers asked of the chosen score.
 */
(function () {
  "use strict";
  var form = document.querySelector("form");
  if (!form) return;
  var blocks = Array.prototype.slice.call(form.querySelectorAll(".question[data-scores]"));
  var recorded = form.getAttribute("data-recorded");

  function chosenScore() {
    var checked = form.querySelector("input[name=score]:checked");
    if (checked) return checked.value;
    return recorded || null;
  }

  function update() {
    var score = chosenScore();
    blocks.forEach(function (block) {
      var scores = block.getAttribute("data-scores").split(" ");
      var asked = score === null ? block.hasAttribute("data-everyone") : scores.indexOf(score) !== -1;
      block.hidden = !asked;
      Array.prototype.forEach.call(block.querySelectorAll("input, textarea"), function (input) {
        input.disabled = !asked;  // a hidden question's answer is not sent
      });
      Array.prototype.forEach.call(block.querySelectorAll(".hint"), function (hint) { hint.hidden = true; });
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "score") update();
  });
  update();
})();
