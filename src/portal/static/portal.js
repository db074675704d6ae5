/* global document, window, Element */
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
/* planning */
// Right-click on a planning cell opens its actions at once: a desktop shortcut, the link works the same without it.
document.addEventListener('contextmenu', (event) => {
  const target = event.target instanceof Element ? event.target.closest('a.cell-link') : null;
  if (!target) return;
  event.preventDefault();
  window.location.assign(target.getAttribute('href'));
});
