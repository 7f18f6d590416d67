// Wide display equations on a narrow screen: first made smaller, down to 75 %
// of their size, so that most fit a phone's column whole; one still too wide
// scrolls sideways inside its box, and a reader using the keyboard must be
// able to reach and scroll it, so it becomes focusable.
(function () {
  var SMALLEST = 0.75;
  function fitMath() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (m) {
      if (!m.dataset.fontSize) {
        m.dataset.fontSize = parseFloat(getComputedStyle(m).fontSize);
      }
      var size = parseFloat(m.dataset.fontSize);
      m.style.fontSize = size + "px";
      var ratio = m.clientWidth / m.scrollWidth;
      if (ratio < 1) {
        m.style.fontSize = size * Math.max(SMALLEST, ratio * 0.98) + "px";
      }
      if (m.scrollWidth > m.clientWidth + 1) {
        m.tabIndex = 0;
      } else {
        m.removeAttribute("tabindex");
      }
    });
  }
  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fitMath);
    }
  }
  document.addEventListener("DOMContentLoaded", whenTypeset);
  window.addEventListener("resize", fitMath);
})();

// Diagrams to read, not glance at (see course_site.css): marked here by their
// figure name; each scrolls sideways on a phone, so a keyboard reader must be
// able to focus it (its figcaption names it).
(function () {
  var WIDE_DIAGRAMS = ["fig-ch3-graph"];
  function markDiagrams() {
    WIDE_DIAGRAMS.forEach(function (id) {
      var figure = document.getElementById(id);
      if (!figure) {
        return;
      }
      figure.classList.add("wide-diagram");
      if (figure.scrollWidth > figure.clientWidth + 1) {
        figure.tabIndex = 0;
      } else {
        figure.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markDiagrams);
  window.addEventListener("resize", markDiagrams);
})();
