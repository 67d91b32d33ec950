// The rows of the documents list the page holds: the pages in or near view, fetched from Rust as the
// list scrolls. Why: the list itself (up to 100,000 documents) lives once, in the app's Rust side; the
// web view holds a few hundred rows and the counts it prints, whatever the list's size.
//
// A new view (another filter, sort, list or selection) starts a new generation: answers for an older
// one are dropped, so a slow answer to "inv" never overwrites the rows of "invoice". The rows on screen
// stay until the new view's first answer comes, so typing never flashes an empty list.

import type { DocumentRowsView, DocumentView } from "./backend";

/** Fetches `count` rows of the current view from `offset` (with its counts). */
export type FetchRows = (offset: number, count: number) => Promise<DocumentRowsView>;

/** The numbers of a view: total, matched, invoices and selected among them, selected overall. */
export type RowCounts = Omit<DocumentRowsView, "rows" | "offset">;

export class RowWindow {
  private generation = 0;
  private fetcher: FetchRows | null = null;
  private pages = new Map<number, readonly DocumentView[]>();
  private loading = new Set<number>();
  private current: RowCounts | null = null;

  /**
   * @param changed called after rows or counts changed (the component redraws)
   * @param failed called when fetching a page for scrolling failed (the page stays missing and is
   *   asked again by the next `need` that covers it: a scroll, or the end of the next `show`)
   * @param pageSize rows per request
   */
  constructor(
    private readonly changed: () => void,
    private readonly failed: (error: unknown) => void,
    readonly pageSize = 100,
  ) {}

  /** The counts of the view shown, null before its first answer. */
  get counts(): RowCounts | null {
    return this.current;
  }

  /** The row at `index` of the view shown, if fetched. */
  row(index: number): DocumentView | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /**
   * Shows a new view, fetching the pages of rows `start` to `end` (exclusive) in one request. Resolves
   * to true once its rows are in, false when a newer view overtook it (even if this one failed);
   * rejects when the request of the newest view failed (the rows shown, and their view, stay).
   */
  async show(fetcher: FetchRows, start: number, end: number): Promise<boolean> {
    const generation = ++this.generation;
    const first = this.pageOf(start);
    const last = this.pageOf(Math.max(start, end - 1));
    let answer: DocumentRowsView;
    try {
      answer = await fetcher(first * this.pageSize, (last - first + 1) * this.pageSize);
    } catch (error) {
      if (generation !== this.generation) return false;
      throw error;
    }
    if (generation !== this.generation) return false;
    this.fetcher = fetcher;
    this.pages = new Map();
    this.loading = new Set();
    this.store(answer);
    this.changed();
    return true;
  }

  /** The rows `start` to `end` (exclusive) came into view: fetches their missing pages. */
  need(start: number, end: number): void {
    if (this.fetcher === null || this.current === null) return;
    const stop = Math.min(end, this.current.matched);
    if (stop <= start) return;
    for (let page = this.pageOf(start); page <= this.pageOf(stop - 1); page += 1) {
      if (!this.pages.has(page) && !this.loading.has(page)) void this.load(page, this.fetcher);
    }
  }

  private async load(page: number, fetcher: FetchRows): Promise<void> {
    const generation = this.generation;
    const loading = this.loading;
    loading.add(page);
    try {
      const answer = await fetcher(page * this.pageSize, this.pageSize);
      if (generation !== this.generation) return;
      this.store(answer);
      this.changed();
    } catch (error) {
      if (generation === this.generation) this.failed(error);
    } finally {
      loading.delete(page);
    }
  }

  private store(answer: DocumentRowsView): void {
    const { rows, offset, ...counts } = answer;
    this.current = counts;
    for (let at = 0; at < rows.length; at += this.pageSize) {
      this.pages.set(this.pageOf(offset + at), rows.slice(at, at + this.pageSize));
    }
  }

  private pageOf(index: number): number {
    return Math.floor(Math.max(0, index) / this.pageSize);
  }
}
