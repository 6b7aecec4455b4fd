/**
 * Writers that save all along, at once: application instances of their own (each with its own
 * connections), each saving a new world with one to three things happened at a time, until
 * stopped. On PostgreSQL their commits come out of id order.
 */
import { isTransient } from "../src/transient.js";
import { sleep } from "./processes.js";
import { World, type Worlds } from "./worlds.js";

/** What the writers did. */
export interface WritingFigures {
  /** Saves made (each a world: 2 to 4 events). */
  readonly saves: number;
  /**
   * Saves whose notifications came back after a save with later ones: committed out of id
   * order, as near as a writer can tell.
   */
  readonly outOfOrder: number;
  /** Saves that failed for a reason that may pass (they may have been recorded, or not). */
  readonly failed: number;
}

/** Writers saving until `stop()`, which resolves with what they did. */
export function keepSaving(
  writers: readonly Worlds[],
  {
    pauseMs = 10,
    tolerateTransient = false,
  }: { pauseMs?: number; tolerateTransient?: boolean } = {},
): { stop(): Promise<WritingFigures> } {
  let saving = true;
  let saves = 0;
  let outOfOrder = 0;
  let failed = 0;
  let highest = 0;
  const saved = writers.map(async (writer, w) => {
    for (let i = 0; saving; i++) {
      const world = World.create();
      for (let j = 0; j <= (i + w) % 3; j++) world.makeItSo({ what: `thing-${j}` });
      try {
        const last = (await writer.save(world)).at(-1) as number;
        if (last < highest) outOfOrder++;
        highest = Math.max(highest, last);
        saves++;
      } catch (error) {
        if (!(tolerateTransient && isTransient(error))) throw error;
        failed++;
      }
      await sleep(pauseMs);
    }
  });
  return {
    async stop() {
      saving = false;
      await Promise.all(saved);
      return { saves, outOfOrder, failed };
    },
  };
}
