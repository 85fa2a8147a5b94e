// Manifest content scripts cannot be ES modules, so this classic script
// imports the real entry point. That lets the content code share modules with
// the popup, the options page and the Node tests, without a bundler.
// (`chrome` exists in Firefox too; linters recognise runtime.getURL as safe.)
(async () => {
  try {
    await import(chrome.runtime.getURL("content/main.js"));
  } catch {
    // The extension was reloaded or removed under this page: there is nothing
    // to show, and the page must not see an error.
  }
})();
