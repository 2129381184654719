/**
 * The page's one way to make elements. Text from the edge (device, app, board, metric, unit, log and model
 * strings) is only ever set as text, never parsed as HTML (docs/dashboard.md, "Access").
 */

/**
 * @param {string} tag
 * @param {Record<string, unknown>} [props] `text`, `class`, `on<event>` handlers, other keys as attributes
 * @param {Array<Node | string>} [children] strings become text nodes
 */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = String(value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/** Sets a node's text only when it changed, so a redraw of an unchanged row touches nothing. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function clear(node) {
  node.replaceChildren();
}
