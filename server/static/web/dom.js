// Building DOM nodes from data. Text goes in through textContent and attributes
// through setAttribute: nothing the API sends is ever parsed as HTML.

/**
 * element("a", { className: "title", text: "Aja", attributes: { href } }, [children])
 * Falsy children are skipped, so optional parts can be written inline.
 */
export function element(tag, { className = null, text = null, attributes = {} } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null && text !== undefined) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child) node.append(child);
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}
