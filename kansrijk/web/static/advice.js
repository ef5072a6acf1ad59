// The advice page, a little handier with JavaScript; everything works without it.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // "Show all" unfolds the other interventions in place instead of loading the page again.
  var toggle = document.getElementById("show-all");
  if (toggle) {
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var hidden = document.querySelectorAll(".advice-item[hidden]");
      var more = hidden.length > 0;
      var items = document.querySelectorAll(".advice-item");
      var shown = parseInt(toggle.getAttribute("data-top"), 10);
      items.forEach(function (item, index) {
        item.hidden = !more && index >= shown;
      });
      toggle.textContent = toggle.getAttribute(more ? "data-less" : "data-more");
    });
  }

  // An item's name leads to its justification: open it on the way.
  document.querySelectorAll('a[href^="#advice-"], a[href^="#method-"]').forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && target.tagName === "DETAILS") {
        target.open = true;
      }
    });
  });

  // What-if: the answer in #whatif-result, without leaving the page. Any other answer (an error
  // page, the login page after a redirect) or a network failure: the form is sent the ordinary
  // way, so the whole page says what happened.
  var form = document.getElementById("whatif");
  var result = document.getElementById("whatif-result");
  if (form && result && window.fetch && window.kansrijk) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var label = button.textContent;
      button.textContent = button.getAttribute("data-busy");
      button.disabled = true;
      result.setAttribute("aria-busy", "true");
      window.kansrijk.post(form.action + "?partial=1", new FormData(form))
        .then(function (response) {
          if (!response.ok || response.redirected) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          result.innerHTML = html;
          result.removeAttribute("aria-busy");
          button.textContent = label;
          button.disabled = false;
          result.scrollIntoView({ behavior: "smooth", block: "start" });
        })
        .catch(function () { form.submit(); });
    });
  }
});
