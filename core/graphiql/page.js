// Starts GraphiQL with the explorer plugin (a file, not inline: the page's CSP allows no inline
// script). Queries go to this page's URL; subscriptions to the same URL over WebSocket
// (graphql-transport-ws). Headers typed in the headers pane ({"Authorization": "Bearer …",
// "X-Linli-Node": "…"}) are also sent in connection_init (graphiql merges them into its
// connectionParams), which the server reads: a browser cannot set headers on a WebSocket.
(function () {
  "use strict";
  var url = window.location.href.split("?")[0].split("#")[0];
  var wsUrl = new URL(url);
  wsUrl.protocol = wsUrl.protocol === "https:" ? "wss:" : "ws:";

  var parameters = {};
  window.location.search.slice(1).split("&").forEach(function (entry) {
    var eq = entry.indexOf("=");
    if (eq >= 0) {
      parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(entry.slice(eq + 1));
    }
  });

  // graphiql's fetcher sends the headers pane's values as the connection_init payload too
  var fetcher = GraphiQL.createFetcher({ url: url, subscriptionUrl: wsUrl.toString() });

  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  function App() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [explorer],
      query: parameters.q,
      variables: parameters.variables,
      headers: parameters.headers,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
