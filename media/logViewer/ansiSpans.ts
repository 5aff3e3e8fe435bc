import { parseAnsi } from '../../src/core/logs/ansi';

/**
 * Shows a line's text in `el`, its ANSI colours as class names on spans. Only text nodes and
 * textContent: log text can never become markup.
 */
export function setAnsiText(el: HTMLElement, text: string): void {
  el.replaceChildren();
  for (const seg of parseAnsi(text)) {
    if (!seg.classes) {
      el.appendChild(document.createTextNode(seg.text));
      continue;
    }
    const span = document.createElement('span');
    span.className = seg.classes;
    span.textContent = seg.text;
    el.appendChild(span);
  }
}
