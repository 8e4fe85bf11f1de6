// Names for controls that the theme and the widgets draw without one, so that a screen reader
// can say what each does (axe-core: summary-name, aria-input-field-name, image-alt).
// 1. The sidebar's section toggles are <summary> elements holding only an icon.
// 2. The Jupyter widgets' sliders draw a handle with role="slider" but no name; their visible
//    label (the widget's description) names them. Widgets render after load: watch for them.
// 3. A widget image (the dashboard's chart) says what it shows through its tooltip (title).
// 4. docutils marks the references page's citation list role="list", but its entries are
//    bibliography entries (role="doc-biblioentry"), not list items: a list role with no items.
(function () {
  var chinese = (document.documentElement.lang || "").indexOf("zh") === 0;

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameToggles(root) {
    root.querySelectorAll("summary").forEach(function (summary) {
      if (text(summary) || summary.getAttribute("aria-label")) { return; }
      var link = summary.parentElement && summary.parentElement.parentElement &&
                 summary.parentElement.parentElement.querySelector(":scope > a");
      var page = text(link);
      summary.setAttribute("aria-label", chinese ? "展开或收起“" + page + "”的小节"
                                                 : "Show or hide the sections of " + page);
    });
  }

  function nameWidgets(root) {
    root.querySelectorAll(".widget-slider [role='slider']:not([aria-label])").forEach(function (handle) {
      var widget = handle.closest(".widget-slider");
      var label = widget && widget.querySelector(".widget-label");
      if (text(label)) { handle.setAttribute("aria-label", text(label)); }
    });
    root.querySelectorAll("img.widget-image:not([alt])").forEach(function (img) {
      if (img.title) { img.setAttribute("alt", img.title); }
    });
  }

  function run() {
    document.querySelectorAll(".citation-list[role='list']").forEach(function (list) {
      list.removeAttribute("role");
    });
    nameToggles(document);
    nameWidgets(document);
    new MutationObserver(function () { nameWidgets(document); })
      .observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
