// kansrijk workbench, the causal graph: progressive help only. Without it every node is a link
// (?node=ID) that loads the page with the node's panel; with it, choosing a node loads just the
// panel, and pointing at or focusing a node brings out its edges. A chosen node is scrolled into
// sight within the drawing's box.
"use strict";

(function () {
  var svg = document.getElementById("learn-svg");
  var panel = document.getElementById("learn-panel");
  if (!svg || !panel || !window.fetch) { return; }

  function edgesOf(id) {
    return Array.prototype.filter.call(svg.querySelectorAll(".edge"), function (edge) {
      return edge.getAttribute("data-source") === id || edge.getAttribute("data-target") === id;
    });
  }

  function bringOut(node) {
    svg.querySelectorAll(".edge.near").forEach(function (edge) { edge.classList.remove("near"); });
    svg.classList.toggle("hovering", Boolean(node));
    if (node) { edgesOf(node.getAttribute("data-node")).forEach(function (edge) { edge.classList.add("near"); }); }
  }

  // the chain behind the chosen node (the panel's data-chain: rule instances), as the server marks it
  function markChain() {
    var body = document.getElementById("learn-panel-body");
    var rules = (body && body.getAttribute("data-chain") || "").split(" ").filter(Boolean);
    var ends = {};
    svg.querySelectorAll(".edge").forEach(function (edge) {
      var on = edge.getAttribute("data-rules").split(" ").some(function (rule) { return rules.indexOf(rule) >= 0; });
      edge.classList.toggle("chain", on);
      if (on) { ends[edge.getAttribute("data-source")] = ends[edge.getAttribute("data-target")] = true; }
    });
    svg.querySelectorAll("a.node").forEach(function (node) {
      node.classList.toggle("chain", Boolean(ends[node.getAttribute("data-node")]));
    });
    svg.classList.toggle("has-chain", rules.length > 0);
  }

  // within the drawing's box only: the page itself stays where the reader is
  function reveal(node) {
    var box = document.getElementById("learn-graph");
    if (!box || !node) { return; }
    var b = box.getBoundingClientRect(), n = node.getBoundingClientRect();
    if (n.top < b.top || n.bottom > b.bottom) { box.scrollTop += n.top - b.top - (b.height - n.height) / 2; }
    if (n.left < b.left || n.right > b.right) { box.scrollLeft += n.left - b.left - (b.width - n.width) / 2; }
  }
  reveal(svg.querySelector("a.node.selected"));

  // choose: true when a pointer chose the node; the panel below the drawing (a narrow page) is
  // then brought into sight. The keyboard's focus stays where it is, with the page.
  function select(node, href, choose) {
    var url = new URL(href, window.location.href);
    var partial = new URL(url);
    partial.searchParams.set("partial", "panel");
    partial.hash = "";
    fetch(partial, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      panel.innerHTML = html;
      markChain();
      svg.querySelectorAll(".node.selected").forEach(function (other) {
        other.classList.remove("selected");
        other.removeAttribute("aria-current");
      });
      if (node) {
        node.classList.add("selected");
        node.setAttribute("aria-current", "true");
      }
      var filter = document.querySelector("#learn-filter input[name=node]");
      if (filter && node) { filter.value = node.getAttribute("data-node"); }
      url.hash = "";
      window.history.replaceState(null, "", url);
      if (choose && panel.getBoundingClientRect().top > window.innerHeight) { panel.scrollIntoView({ block: "nearest" }); }
    }).catch(function () {
      window.location.href = href;  // the page itself says what went wrong
    });
  }

  svg.addEventListener("click", function (event) {
    var node = event.target.closest("a.node");
    if (!node || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    select(node, node.getAttribute("href"), event.detail > 0);  // detail 0: Enter on the link, not a click
  });
  // links in the panel to other nodes select them in the drawing too
  panel.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-node]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var node = svg.querySelector('a.node[data-node="' + CSS.escape(link.getAttribute("data-node")) + '"]');
    if (!node) { return; }  // not in this view: load the page
    event.preventDefault();
    select(node, node.getAttribute("href"));
    node.focus();
  });
  // SVG links follow on Enter by themselves; Space selects too, as on a button
  svg.addEventListener("keydown", function (event) {
    var node = event.target.closest && event.target.closest("a.node");
    if (node && event.key === " ") {
      event.preventDefault();
      select(node, node.getAttribute("href"));
    }
  });
  ["mouseover", "focusin"].forEach(function (type) {
    svg.addEventListener(type, function (event) { bringOut(event.target.closest("a.node")); });
  });
  ["mouseleave", "focusout"].forEach(function (type) {
    svg.addEventListener(type, function () { bringOut(null); });
  });

})();
