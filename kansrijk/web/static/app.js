// kansrijk workbench: small progressive helpers; every page works without them.
"use strict";

// The CSRF token for fetch(): every unsafe request sends it as X-CSRF-Token.
window.kansrijk = {
  csrfToken: function () {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  },
  post: function (url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": window.kansrijk.csrfToken() }
    });
  }
};

// A form with data-confirm asks before it is sent (e.g. deleting an assessment).
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
