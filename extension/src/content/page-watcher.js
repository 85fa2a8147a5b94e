// Discogs changes pages without reloading them (client-side navigation) and
// re-renders grids when the user pages or sorts. A content script cannot see
// the page's history.pushState calls (it lives in an isolated world), but every
// such change mutates the DOM, so one MutationObserver notices both.

const QUIET_MS = 250; // wait for a burst of mutations to settle...
const MAX_WAIT_MS = 1500; // ...but not forever on pages that never settle (carousels)

/**
 * Calls on_navigation() when location.href changed, else on_mutation(),
 * at most once per burst of DOM changes.
 */
export function watch_page({ window, on_navigation, on_mutation }) {
  const { document } = window;
  let last_href = window.location.href;
  let quiet_timer = null;
  let burst_started = null;

  function check() {
    clearTimeout(quiet_timer);
    quiet_timer = null;
    burst_started = null;
    if (window.location.href !== last_href) {
      last_href = window.location.href;
      on_navigation();
    } else {
      on_mutation();
    }
  }

  function schedule() {
    const now = Date.now();
    burst_started ??= now;
    clearTimeout(quiet_timer);
    quiet_timer = setTimeout(check, now - burst_started >= MAX_WAIT_MS ? 0 : QUIET_MS);
  }

  const observer = new window.MutationObserver(schedule);
  observer.observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("popstate", schedule);
  // The Navigation API (Chromium) reports same-document navigations directly.
  window.navigation?.addEventListener?.("navigatesuccess", schedule);
  return () => {
    observer.disconnect();
    clearTimeout(quiet_timer);
  };
}
