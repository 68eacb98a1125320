// The SPARQL workbench: YASGUI on this server's /sparql, one tab per canned query of ontology/queries/.
// Nothing leaves the server: no endpoint catalogue, no prefix.cc or LOV autocompletion, no stored tabs.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || typeof Yasgui === "undefined") { return; }
  var queries = JSON.parse(document.getElementById("canned-queries").textContent || "[]");
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: ["variables"], resizeable: true, editorHeight: "320px" },
    yasr: { prefixes: {} }
  });
  var first = yasgui.getTab();
  queries.forEach(function (q, i) {
    if (i === 0 && first) {
      first.setQuery(q.text);
      first.setName(q.title);
    } else {
      yasgui.addTab(false, { name: q.title, yasqe: { value: q.text } });
    }
  });
  window.noticekgWorkbench = yasgui;
})();
