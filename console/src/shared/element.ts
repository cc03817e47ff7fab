// Builds DOM elements. Data goes in as text nodes (append, textContent), never as markup: a
// wearer called "<b>Bob</b>" reads as exactly that.

export type Child = Node | string | number | null | undefined | false;

export interface ElementProps {
  className?: string;
  /** Attributes, set with setAttribute; `true` sets an empty one, false/null/undefined leave it out. */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  dataset?: Record<string, string>;
  text?: string;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props?.className) element.className = props.className;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  Object.assign(element.dataset, props?.dataset ?? {});
  if (props?.text !== undefined) element.textContent = props.text;
  for (const [type, listener] of Object.entries(props?.on ?? {}))
    element.addEventListener(type, listener as EventListener);
  append(element, ...children);
  return element;
}

/** append() puts strings in as text nodes; falsy children are skipped. */
export function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A label and its control, tied by id so screen readers and getByLabel find the control. */
export function labelled(labelText: string, control: HTMLElement, className = 'field'): HTMLElement {
  if (!control.id) control.id = `field-${++fieldCounter}`;
  return el('div', { className }, el('label', { attrs: { for: control.id }, text: labelText }), control);
}
let fieldCounter = 0;
