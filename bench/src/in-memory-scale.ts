/**
 * The in-memory projection's catch-up at scale (projections.ts), in a process of its own, so
 * that the SCALE events it holds in memory don't count in the benchmark's peak RSS: it sends
 * its result to the process that forked it, and ends.
 */
import { projectInMemoryAtScale } from "./projections.js";

const result = await projectInMemoryAtScale(Number(process.env.SCALE));
process.send?.(result, () => process.disconnect());
