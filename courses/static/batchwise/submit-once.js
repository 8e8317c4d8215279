// Disable a form's submit buttons once it is sent, so a double click sends one request.
// The server would still record a single enquiry (each form carries a submission token).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-once]")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "true";
  for (const button of form.querySelectorAll("[type=submit]")) {
    button.setAttribute("aria-disabled", "true");
    button.classList.add("disabled");
  }
});

// Coming back with the Back button restores the page from cache: let it be sent again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-once]")) {
    delete form.dataset.sent;
    for (const button of form.querySelectorAll("[type=submit]")) {
      button.removeAttribute("aria-disabled");
      button.classList.remove("disabled");
    }
  }
});
