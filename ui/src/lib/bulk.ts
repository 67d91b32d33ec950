// Bulk download progress and summary, as numbers the progress bar and the summary show.

import type { BulkFileView, BulkOutcome, BulkProgress } from "./backend";

/** Percentage done (0–100): by bytes when the total is known, else by files; null before anything is known. */
export function progressPercent(progress: BulkProgress | null): number | null {
  if (progress === null) return null;
  if (progress.bytesTotal !== null && progress.bytesTotal > 0) {
    return Math.min(100, ((progress.bytesDone ?? 0) / progress.bytesTotal) * 100);
  }
  if (progress.filesTotal > 0) return Math.min(100, (progress.filesDone / progress.filesTotal) * 100);
  return null;
}

/** The files that failed, each with its reason, for the summary. */
export function failedFiles(outcome: BulkOutcome): BulkFileView[] {
  return outcome.files.filter((file) => file.status === "failed");
}

/** The files that were skipped (already saved, same size), for the summary. */
export function skippedFiles(outcome: BulkOutcome): BulkFileView[] {
  return outcome.files.filter((file) => file.status === "skipped");
}

/** The files changed in the folder since they were saved: kept as they are, the fresh copy beside. */
export function keptFiles(outcome: BulkOutcome): BulkFileView[] {
  return outcome.files.filter((file) => file.status === "changedLocallyKept");
}

/** The kind of summary: all good, some failed, or stopped by the person. */
export function outcomeTone(outcome: BulkOutcome): "success" | "warning" | "error" {
  if (outcome.failed > 0) return outcome.saved + outcome.skipped > 0 ? "warning" : "error";
  return outcome.cancelled ? "warning" : "success";
}
