// User Timing marks at the moments a person waits for, so performance tools (the GUI benchmark, the
// Web Inspector's timeline) read when the UI became useful from the page itself instead of guessing it
// from outside by polling. A mark is a few bytes in the page's own timeline; nothing leaves the page.

/** The contracts list has been painted (the end of a cold start). */
export const CONTRACTS_VISIBLE = "ccs:contracts-visible";
/** The documents list has been painted with its rows, after a load. */
export const DOCUMENTS_VISIBLE = "ccs:documents-visible";
/** The documents list has been painted with the rows of a new filter or sort. */
export const DOCUMENTS_UPDATED = "ccs:documents-updated";

/** The bulk save's summary has been painted. */
export const BULK_SUMMARY_VISIBLE = "ccs:bulk-summary-visible";
/** A progress event has been painted; the mark's `detail.lateMs` is the time since the core reported it. */
export const PROGRESS_PAINTED = "ccs:progress-painted";

/**
 * Records `name` once the DOM changes made now have been painted: the animation frame runs just
 * before the browser renders, and a task queued from it runs after that rendering.
 */
export function markAfterPaint(name: string): void {
  if (typeof performance === "undefined" || typeof requestAnimationFrame === "undefined") return;
  requestAnimationFrame(() => {
    setTimeout(() => performance.mark(name), 0);
  });
}

/**
 * Marks a progress step painted, with how late it is: from the core's report (`reportedAtMs`, ms since
 * the epoch, sent with the event) to the paint, so a benchmark can check the "within 100 ms" promise.
 */
export function markProgressPainted(reportedAtMs: number | null): void {
  if (reportedAtMs === null || typeof performance === "undefined" || typeof requestAnimationFrame === "undefined") return;
  requestAnimationFrame(() => {
    setTimeout(() => performance.mark(PROGRESS_PAINTED, { detail: { lateMs: Date.now() - reportedAtMs } }), 0);
  });
}
