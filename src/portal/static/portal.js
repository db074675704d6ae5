/* global document */
// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // A slow phone connection must not send a request twice.
  document.querySelectorAll('form').forEach((form) => {
    form.addEventListener('submit', () => {
      const button = form.querySelector('button[type="submit"]');
      if (button) setTimeout(() => { button.disabled = true; }, 0);
    });
  });
  // Bring the first error into view and to the screen reader.
  const alert = document.querySelector('.alert-error');
  if (alert) {
    alert.setAttribute('tabindex', '-1');
    alert.focus();
  }
});
