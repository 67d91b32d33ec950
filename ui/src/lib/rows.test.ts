import { describe, expect, it } from "vitest";
import type { DocumentRowsView, DocumentView } from "./backend";
import { RowWindow, type FetchRows } from "./rows";

function doc(i: number): DocumentView {
  return {
    id: `d${i}`,
    filename: `Invoice_${i}.pdf`,
    period: "202403",
    documentType: "invoices",
    createdAt: null,
    size: null,
    amount: null,
    currency: null,
    selected: false,
  };
}

/** A view of `matched` documents named after `prefix`, recording each request. */
function view(matched: number, prefix = "d", requests: [number, number][] = []): FetchRows {
  return async (offset, count) => {
    requests.push([offset, count]);
    const rows = Array.from({ length: Math.max(0, Math.min(count, matched - offset)) }, (_, i) => ({
      ...doc(offset + i),
      id: `${prefix}${offset + i}`,
    }));
    const answer: DocumentRowsView = {
      total: 1000,
      matched,
      matchedInvoices: matched,
      matchedSelected: 0,
      selected: 0,
      offset,
      rows,
    };
    return answer;
  };
}

/** A fetcher whose answers wait until released. */
function held(inner: FetchRows): { fetch: FetchRows; release: () => void } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { fetch: async (offset, count) => (await gate, inner(offset, count)), release };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("RowWindow", () => {
  it("shows the first pages of a view with its counts", async () => {
    let changes = 0;
    const window = new RowWindow(() => (changes += 1), () => {}, 10);
    const requests: [number, number][] = [];
    expect(await window.show(view(95, "d", requests), 0, 25)).toBe(true);
    expect(requests).toEqual([[0, 30]]);
    expect(window.counts?.matched).toBe(95);
    expect(window.row(0)?.id).toBe("d0");
    expect(window.row(29)?.id).toBe("d29");
    expect(window.row(30)).toBeUndefined();
    expect(changes).toBe(1);
  });

  it("fetches each missing page in view once, and nothing past the end", async () => {
    const window = new RowWindow(() => {}, () => {}, 10);
    const requests: [number, number][] = [];
    await window.show(view(45, "d", requests), 0, 10);
    window.need(5, 60);
    window.need(5, 60);
    await settle();
    expect(requests).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
      [30, 10],
      [40, 10],
    ]);
    expect(window.row(44)?.id).toBe("d44");
  });

  it("drops the answer of a view a newer one overtook, and keeps old rows until the new ones come", async () => {
    const window = new RowWindow(() => {}, () => {}, 10);
    await window.show(view(50, "old"), 0, 10);
    const slow = held(view(50, "slow"));
    const first = window.show(slow.fetch, 0, 10);
    const fast = held(view(3, "fast"));
    const second = window.show(fast.fetch, 0, 10);
    expect(window.row(0)?.id).toBe("old0");
    fast.release();
    expect(await second).toBe(true);
    slow.release();
    expect(await first).toBe(false);
    expect(window.row(0)?.id).toBe("fast0");
    expect(window.counts?.matched).toBe(3);
  });

  it("ignores a scrolled page that arrives after the view changed", async () => {
    const window = new RowWindow(() => {}, () => {}, 10);
    const slow = held(view(100, "old"));
    const old: FetchRows = (offset, count) => (offset === 0 ? view(100, "old")(offset, count) : slow.fetch(offset, count));
    await window.show(old, 0, 10);
    window.need(50, 60);
    await window.show(view(100, "new"), 0, 10);
    slow.release();
    await settle();
    expect(window.row(50)).toBeUndefined();
    expect(window.row(0)?.id).toBe("new0");
  });

  it("reports a failed page and asks for it again later", async () => {
    const failures: unknown[] = [];
    const window = new RowWindow(() => {}, (error) => failures.push(error), 10);
    let fail = true;
    const inner = view(100);
    await window.show(async (offset, count) => {
      if (offset > 0 && fail) throw new Error("offline");
      return inner(offset, count);
    }, 0, 10);
    window.need(20, 30);
    await settle();
    expect(failures).toHaveLength(1);
    fail = false;
    window.need(20, 30);
    await settle();
    expect(window.row(25)?.id).toBe("d25");
  });

  it("does not report the failure of a view a newer one overtook", async () => {
    const window = new RowWindow(() => {}, () => {}, 10);
    await window.show(view(20, "old"), 0, 10);
    const failing = held(async () => Promise.reject(new Error("down")));
    const first = window.show(failing.fetch, 0, 10);
    expect(await window.show(view(5, "new"), 0, 10)).toBe(true);
    failing.release();
    expect(await first).toBe(false);
    expect(window.row(0)?.id).toBe("new0");
  });

  it("keeps asking the shown view's fetcher for pages after a newer view failed", async () => {
    const window = new RowWindow(() => {}, () => {}, 10);
    const requests: [number, number][] = [];
    await window.show(view(50, "old", requests), 0, 10);
    await expect(window.show(async () => Promise.reject(new Error("down")), 0, 10)).rejects.toThrow("down");
    window.need(20, 30);
    await settle();
    expect(window.row(25)?.id).toBe("old25");
    expect(requests).toEqual([
      [0, 10],
      [20, 10],
    ]);
  });

  it("rejects when a view's first request fails, keeping the rows shown", async () => {
    const window = new RowWindow(() => {}, () => {}, 10);
    await window.show(view(20), 0, 10);
    await expect(window.show(async () => Promise.reject(new Error("down")), 0, 10)).rejects.toThrow("down");
    expect(window.row(0)?.id).toBe("d0");
  });
});
