// Askesos behaviour without inline scripts (the Content Security Policy forbids them).
// Elements opt in with data- attributes.
document.addEventListener("DOMContentLoaded", () => {
  // <details data-open-wide> is open on wide screens (the main menu), collapsed on phones.
  if (window.matchMedia("(min-width: 992px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach((el) => { el.open = true; });
  }
  // <select data-autosubmit> submits its form on change.
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form && el.form.requestSubmit());
  });
  // <button data-confirm="..."> asks before submitting.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
    });
  });
});
