/**
 * The Worlds and Counters system of `examples/counters-system`, with Counters recording pages
 * of different sizes: what the keep-up benchmark's worker processes load (each system is
 * exported under its own name, `pageSize1`, `pageSize100`, …).
 */
import { Counters, Worlds } from "@es/example-counters-system/system";
import { System } from "@es/system";

/** The name a system of Counters with pages of `pageSize` is exported under. */
export const exportNameOf = (pageSize: number): string => `pageSize${pageSize}`;

function withPages(pageSize: number): System {
  class PagedCounters extends Counters {
    static override applicationName = "Counters";
    static override pageSize = pageSize;
  }
  return new System([[Worlds, PagedCounters]]);
}

export const pageSize1 = withPages(1);
export const pageSize10 = withPages(10);
export const pageSize100 = withPages(100);
export const pageSize1000 = withPages(1000);

/** The system of each page size that can be measured (1: a transaction per notification). */
export const systems: Readonly<Record<number, System>> = {
  1: pageSize1,
  10: pageSize10,
  100: pageSize100,
  1000: pageSize1000,
};
