// Starts Swagger UI on /docs (a file of its own: the page's CSP allows no inline script).
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,  // no call to an online validator: the page works offline
    tryItOutEnabled: false,
    displayOperationId: true,
    defaultModelsExpandDepth: 0
  });
});
