// Builds elements with textContent only. API data (titles can contain
// markup) must never reach innerHTML, so nothing in the extension uses it.

/**
 * element(document, "a", {class_name: "title", text: "Moon Safari", attributes: {href}}, [children])
 */
export function element(document, tag, { class_name, text, attributes } = {}, children = []) {
  const node = document.createElement(tag);
  if (class_name) node.className = class_name;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child) node.append(child);
  }
  return node;
}

export function remove_children(node) {
  while (node.firstChild) node.firstChild.remove();
}
