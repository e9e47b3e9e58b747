// The admin's only script besides htmx (the CSP allows no inline script): "Print" buttons.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
