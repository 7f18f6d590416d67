// Wide display equations scroll sideways inside their box; a reader using the
// keyboard must be able to reach and scroll them, so they become focusable.
(function () {
  function markScrollableMath() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (m) {
      if (m.scrollWidth > m.clientWidth + 1) { m.tabIndex = 0; }
    });
  }
  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(markScrollableMath);
    }
  }
  document.addEventListener("DOMContentLoaded", whenTypeset);
  window.addEventListener("resize", markScrollableMath);
})();
