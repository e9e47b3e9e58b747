// The admin's only script besides htmx (the CSP allows no inline script).

// "Print" buttons.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});

// Inline validation answers a field's message (empty when fine): the field it describes is
// marked invalid, or no longer, with it, so a red border left by a refused save goes once
// the value is put right.
document.addEventListener("htmx:afterSwap", function (event) {
  var message = event.detail.target;
  if (!message || !message.id || !/-error$/.test(message.id)) return;
  var fresh = document.getElementById(message.id) || message;
  document.querySelectorAll("[aria-describedby~='" + message.id + "']").forEach(function (field) {
    if (fresh.textContent.trim()) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  });
});
