// Kinerja's few browser behaviours, wired by data- attributes (the Content-Security-Policy allows
// no inline script): confirm before a destructive form posts, submit a select on change, select a
// read-only secret on click.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.dataset && field.dataset.autosubmit !== undefined && field.form) {
    field.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var field = event.target;
  if (field.dataset && field.dataset.selectOnClick !== undefined && field.select) {
    field.select();
  }
});
