// The share row's "Copy link" button: shown only where the clipboard can be written, since
// without JavaScript the page's address is there to copy anyway.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("[data-copy-url]").forEach(function (button) {
    var status = button.parentElement.querySelector(".share__status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copyUrl).then(
        function () {
          status.textContent = "Link copied.";
        },
        function () {
          status.textContent = "Could not copy: copy the address from the address bar.";
        },
      );
    });
  });
})();
