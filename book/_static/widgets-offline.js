// Lets the Jupyter widgets HTML manager work offline beside MathJax 3.
// 1. Its fonts are served from the book: tell its loader where they are (before it loads).
// 2. It typesets widget labels with MathJax 2's `MathJax.Hub.Queue`; the book runs MathJax 3,
//    so give MathJax 3 a tiny Hub that forwards to `typesetPromise` (else: a console error).
(function () {
  var root = document.documentElement.dataset.content_root || "./";
  var assets = new URL(root + "_static/vendor/html-manager/", document.baseURI).href;
  window.__jupyter_widgets_assets_path__ = assets;
  // Its bundled modules derive their assets' URL from their RequireJS ids ("@jupyter-widgets/...",
  // depending on which loads first); map every such id to the book's copy.
  var here = assets.replace(/\/$/, "");
  window.require = window.require || {};
  window.require.paths = Object.assign({}, window.require.paths,
    {"@jupyter-widgets/html-manager/dist": here, "@jupyter-widgets": here});
  var hub = {
    Queue: function (job) {
      var element = job && job[2];
      if (window.MathJax && window.MathJax.typesetPromise) {
        window.MathJax.typesetPromise(element ? [element] : undefined).catch(function () {});
      }
    }
  };
  function install() {
    if (window.MathJax && !window.MathJax.Hub) { window.MathJax.Hub = hub; }
    return window.MathJax && window.MathJax.version;
  }
  if (!install()) {
    var tries = 0;
    var timer = setInterval(function () { if (install() || ++tries > 200) { clearInterval(timer); } }, 25);
  }
})();
