import { afterEach, describe, expect, it, vi } from "vitest";
import { CONTRACTS_VISIBLE, markAfterPaint } from "./marks";

describe("markAfterPaint", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
    performance.clearMarks();
  });

  it("marks only after the next frame and the task queued from it", () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal("requestAnimationFrame", (callback: FrameRequestCallback) => frames.push(callback));
    markAfterPaint(CONTRACTS_VISIBLE);
    expect(performance.getEntriesByName(CONTRACTS_VISIBLE)).toHaveLength(0);
    expect(frames).toHaveLength(1);
    frames[0]?.(0);
    expect(performance.getEntriesByName(CONTRACTS_VISIBLE)).toHaveLength(0);
    vi.runAllTimers();
    expect(performance.getEntriesByName(CONTRACTS_VISIBLE)).toHaveLength(1);
  });

  it("does nothing where there is no rendering (no requestAnimationFrame)", () => {
    vi.stubGlobal("requestAnimationFrame", undefined);
    markAfterPaint(CONTRACTS_VISIBLE);
    expect(performance.getEntriesByName(CONTRACTS_VISIBLE)).toHaveLength(0);
  });
});
