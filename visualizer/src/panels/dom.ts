/** A few lines of DOM building, so the panels read as what they show (no framework). */

export interface ElementProps {
  readonly className?: string;
  readonly text?: string;
  /** `data-testid`, for the end-to-end tests. */
  readonly testId?: string;
  readonly title?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly onClick?: (event: MouseEvent) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.testId) element.dataset['testid'] = props.testId;
  if (props.title) element.title = props.title;
  if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) element.setAttribute(name, value);
  const onClick = props.onClick;
  if (onClick) element.addEventListener('click', (event) => onClick(event as MouseEvent));
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

/** Sets text only when it changed (a DOM write costs more than a compare). */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export function setAttr(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** A titled panel section; returns the section and its body. */
export function panel(title: string, testId?: string): { section: HTMLElement; body: HTMLElement } {
  const body = h('div', { className: 'panel-body' });
  const section = h('section', { className: 'panel', ...(testId ? { testId } : {}) }, h('h2', { text: title }), body);
  return { section, body };
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

export function formatSeconds(seconds: number): string {
  return seconds < 100 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}
