// The posting form's checklist and title warning, kept up to date as the recruiter types.
// The form works without this: the page checks it again on every save. The server does
// the checking (postings/completeness.py), so the rules live in one place.
(function () {
  "use strict";
  var form = document.querySelector("form[data-checklist-url]");
  var checklist = document.getElementById("checklist-live");
  var titlePlaces = document.getElementById("title-places");
  if (!form || !checklist || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-checklist-url");
  var timer = null;
  var asked = 0;

  function refresh() {
    var number = ++asked;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        // An older answer arriving after a newer one is dropped.
        if (!data || number !== asked) {
          return;
        }
        checklist.innerHTML = data.checklist;
        if (titlePlaces) {
          titlePlaces.innerHTML = data.title_places;
        }
      })
      .catch(function () {
        // Offline or signed out: the checklist stays as it was until the next save.
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 500);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
