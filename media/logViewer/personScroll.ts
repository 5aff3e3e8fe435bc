// Who moved a list: the person (wheel, keys, a pointer held on the list or its scrollbar) or the page
// (new lines, a resize, a scroll it asked for). Only the person may stop a pane from following.

/** Keys that scroll a focused list up. */
const UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

/** Where a pointer is held down now (a scrollbar drag, a touch, a selection), or null. */
let held: EventTarget | null = null;
window.addEventListener('pointerdown', (e) => (held = e.target), true);
window.addEventListener('pointerup', () => (held = null), true);
window.addEventListener('pointercancel', () => (held = null), true);
// A drag released outside the page may never report its pointerup: the next move without buttons does.
window.addEventListener('pointermove', (e) => {
  if (held && e.buttons === 0) held = null;
});

/** Whether the person holds a pointer down on `el` (or inside it), e.g. dragging its scrollbar. */
export function heldOn(el: Element): boolean {
  return held instanceof Node && el.contains(held);
}

/**
 * Calls `up` when the person asks `el` to scroll up with the wheel or the keys, before it moves: a
 * batch of lines arriving in between must not pull the list back down.
 */
export function onPersonScrollUp(el: HTMLElement, up: () => void): void {
  el.addEventListener(
    'wheel',
    (e) => {
      if (e.deltaY < 0) up();
    },
    { passive: true },
  );
  el.addEventListener('keydown', (e) => {
    if (UP_KEYS.has(e.key) || (e.key === ' ' && e.shiftKey)) up();
  });
}
