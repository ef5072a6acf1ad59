// The editor came back with problems or a "changed meanwhile": put the keyboard's focus on that
// message, so that the next Tab goes through its links to the fields. The form works without this.
(function () {
  var message = document.getElementById('stale') || document.getElementById('problems');
  if (message) { message.focus(); }
})();
