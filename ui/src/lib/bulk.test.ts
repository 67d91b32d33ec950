// A bulk save's progress and summary.
import { describe, expect, it } from "vitest";
import type { BulkOutcome } from "./backend";
import { failedFiles, keptFiles, outcomeTone, progressPercent, skippedFiles } from "./bulk";

describe("bulk progress", () => {
  it("uses bytes when their total is known, else files", () => {
    expect(progressPercent(null)).toBeNull();
    expect(progressPercent({ filesDone: 1, filesTotal: 4, bytesDone: 500, bytesTotal: 1000, reportedAtMs: 0 })).toBe(50);
    expect(progressPercent({ filesDone: 1, filesTotal: 4, bytesDone: null, bytesTotal: null, reportedAtMs: 0 })).toBe(25);
    expect(progressPercent({ filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: null, reportedAtMs: 0 })).toBeNull();
    expect(progressPercent({ filesDone: 5, filesTotal: 4, bytesDone: 2000, bytesTotal: 1000, reportedAtMs: 0 })).toBe(100);
  });

  it("summarises the outcome", () => {
    const outcome: BulkOutcome = {
      saved: 1,
      skipped: 1,
      changedLocallyKept: 1,
      failed: 1,
      cancelled: false,
      folder: "/tmp/x",
      warnings: [],
      isArchive: false,
      archive: null,
      files: [
        { id: "a", path: "/tmp/x/a.pdf", bytes: 10, status: "saved", name: "x.pdf", documentType: "invoices", period: "2026-01", errorCode: null, error: null, keptPath: null },
        { id: "b", path: "/tmp/x/b.pdf", bytes: 10, status: "skipped", name: "x.pdf", documentType: "invoices", period: "2026-01", errorCode: null, error: null, keptPath: null },
        { id: "c", path: null, bytes: 0, status: "failed", name: "c.pdf", documentType: "invoices", period: "2026-01", errorCode: "timeout", error: "timeout", keptPath: null },
        { id: "d", path: "/tmp/x/d (2).pdf", bytes: 10, status: "changedLocallyKept", name: "x.pdf", documentType: "invoices", period: "2026-01", errorCode: null, error: null, keptPath: "/tmp/x/d.pdf" },
      ],
    };
    expect(failedFiles(outcome).map((f) => f.id)).toEqual(["c"]);
    expect(skippedFiles(outcome).map((f) => f.id)).toEqual(["b"]);
    expect(keptFiles(outcome).map((f) => f.id)).toEqual(["d"]);
    expect(outcomeTone(outcome)).toBe("warning");
    expect(outcomeTone({ ...outcome, saved: 0, skipped: 0 })).toBe("error");
    expect(outcomeTone({ ...outcome, failed: 0 })).toBe("success");
    expect(outcomeTone({ ...outcome, failed: 0, cancelled: true })).toBe("warning");
  });
});
