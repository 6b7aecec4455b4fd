/**
 * A system of one application, Worlds, and the definitions of projections of it that a
 * MultiProcessRunner's projection workers load: one that counts every event per world, one
 * that fails at a thing that happened named "poison", one whose second worker fails to start
 * as when the store is down, and one of an application the system doesn't have.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { OperationalError, type View } from "@es/persistence-core";
import { type ProjectionDefinition, System } from "../src/index.js";
import { countingProjection, countingView, type Session } from "./projection-views.js";
import { Counters, Worlds } from "./worlds.js";

export const system = new System([[Worlds]]);

const countsView = async (app: Parameters<ProjectionDefinition<Session>["view"]>[0]) =>
  (await countingView(app)).view as View<Session>;

export const counting: ProjectionDefinition<Session> = {
  application: Worlds,
  projection: countingProjection(),
  view: countsView,
  // Small pages: many transactions, so that a worker killed at any moment is killed in one.
  pageSize: 20,
};

export const poisoned: ProjectionDefinition<Session> = {
  application: Worlds,
  projection: countingProjection({
    name: "poisoned",
    failAt: (event) => (event as unknown as { what?: string }).what === "poison",
  }),
  view: countsView,
};

/**
 * Counts as `counting` does, but the second of its workers to start fails to make its view for
 * a reason that may pass (an OperationalError): each worker started writes a line to the file
 * named by FLAKY_VIEW_LOG.
 */
export const flaky: ProjectionDefinition<Session> = {
  application: Worlds,
  projection: countingProjection({ name: "flaky" }),
  async view(app) {
    const log = process.env.FLAKY_VIEW_LOG;
    // The runner's own process makes the view too: only workers count.
    if (log && process.argv[1]?.includes("projection-worker")) {
      appendFileSync(log, "start\n");
      if (readFileSync(log, "utf8").split("\n").length === 3) {
        throw new OperationalError("The store is down");
      }
    }
    return countsView(app);
  },
};

export const strangers: ProjectionDefinition<Session> = {
  application: Counters,
  projection: countingProjection({ name: "strangers" }),
  view: countsView,
};

export const notADefinition = { application: Worlds };
