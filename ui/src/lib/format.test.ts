import { describe, expect, it } from "vitest";
import { formatAmount, formatCount, formatDate, formatDateTime, formatPercent, formatPeriod, formatSize } from "./format";

/** Intl uses no-break spaces (U+00A0, U+202F) in French: compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatAmount", () => {
  it("writes amounts with their currency as each locale does", () => {
    expect(formatAmount(1234.5, "EUR", "en")).toBe("€1,234.50");
    expect(plain(formatAmount(1234.5, "EUR", "fr"))).toBe("1 234,50 €");
    expect(formatAmount(-12, "USD", "en")).toBe("-US$12.00");
    expect(plain(formatAmount(0.5, "eur", "fr"))).toBe("0,50 €");
  });

  it("keeps an unknown currency after the number, and an amount without currency", () => {
    expect(formatAmount(10, "EURO", "en")).toBe("10.00 EURO");
    expect(plain(formatAmount(1000, null, "fr"))).toBe("1 000,00");
  });

  it("writes nothing for a missing amount", () => {
    expect(formatAmount(null, "EUR", "en")).toBe("");
    expect(formatAmount(Number.NaN, "EUR", "en")).toBe("");
  });
});

describe("formatSize", () => {
  it("uses decimal units with the locale's unit names", () => {
    expect(formatSize(0, "en")).toBe("0 B");
    expect(formatSize(999, "en")).toBe("999 B");
    expect(formatSize(1500, "en")).toBe("1.5 kB");
    expect(formatSize(25_000, "en")).toBe("25 kB");
    expect(formatSize(3_250_000, "en")).toBe("3.3 MB");
    expect(plain(formatSize(3_250_000, "fr"))).toBe("3,3 Mo");
    expect(plain(formatSize(512, "fr"))).toBe("512 o");
    expect(formatSize(7e12, "en")).toBe("7 TB");
  });

  it("writes nothing for an unknown size", () => {
    expect(formatSize(null, "en")).toBe("");
    expect(formatSize(-1, "en")).toBe("");
  });
});

describe("formatPeriod", () => {
  it("reads YYYYMM as a month", () => {
    expect(formatPeriod("202403", "en")).toBe("March 2024");
    expect(formatPeriod("202403", "fr")).toBe("mars 2024");
    expect(formatPeriod("202412", "fr")).toBe("décembre 2024");
  });

  it("reads YYYYMMDD as a day", () => {
    expect(formatPeriod("20240315", "en")).toBe("15 March 2024");
    expect(formatPeriod("20240301", "fr")).toBe("1 mars 2024");
  });

  it("shows anything else as it came", () => {
    for (const odd of ["2024", "202413", "20240230", "Q1-2024", "202403-202405", ""]) {
      expect(formatPeriod(odd, "en")).toBe(odd);
    }
  });
});

describe("formatDate", () => {
  it("writes a timestamp as a date in the given time zone", () => {
    expect(formatDate("2024-03-15T10:00:00Z", "en", "UTC")).toBe("15 Mar 2024");
    expect(formatDate("2024-03-15T10:00:00Z", "fr", "UTC")).toBe("15 mars 2024");
    // Late in the evening UTC is already the next day in Paris.
    expect(formatDate("2024-03-15T23:30:00Z", "fr", "Europe/Paris")).toBe("16 mars 2024");
  });

  it("adds the time for detail views", () => {
    // The joining word depends on the ICU version (", " or " à "): only the parts are fixed.
    expect(formatDateTime("2024-03-15T14:05:00Z", "fr", "UTC")).toMatch(/^15 mars 2024(,| à) 14:05$/);
    expect(formatDateTime("2024-03-15T14:05:00Z", "en", "UTC")).toMatch(/^15 Mar 2024(,| at) 14:05$/);
  });

  it("keeps text that is not a date, and writes nothing for none", () => {
    expect(formatDate("yesterday", "en")).toBe("yesterday");
    expect(formatDate(null, "en")).toBe("");
    expect(formatDateTime("", "en")).toBe("");
  });
});

describe("counts and percentages", () => {
  it("group digits per locale", () => {
    expect(formatCount(100000, "en")).toBe("100,000");
    expect(plain(formatCount(100000, "fr"))).toBe("100 000");
    expect(formatPercent(42.4, "en")).toBe("42%");
    expect(plain(formatPercent(42.4, "fr"))).toBe("42 %");
  });
});
