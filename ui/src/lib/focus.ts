// Moves focus to a screen's heading when the screen opens, so keyboard and screen-reader users land at
// the top of the new content instead of on a button that no longer exists.

/** Svelte action: focus this element once it is in the document. */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus({ preventScroll: false }));
}
