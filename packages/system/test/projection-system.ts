/**
 * A system of one application, Worlds, and the definitions of projections of it that a
 * MultiProcessRunner's projection workers load: one that counts every event per world, one
 * that fails at a thing that happened named "poison", and one of an application the system
 * doesn't have.
 */
import type { View } from "@es/persistence-core";
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

export const strangers: ProjectionDefinition<Session> = {
  application: Counters,
  projection: countingProjection({ name: "strangers" }),
  view: countsView,
};

export const notADefinition = { application: Worlds };
