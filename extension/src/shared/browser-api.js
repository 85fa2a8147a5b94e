// Firefox exposes the promise-based `browser` namespace; Chrome's `chrome`
// namespace returns promises too in Manifest V3, so either works the same way.
export const ext = globalThis.browser ?? globalThis.chrome;
