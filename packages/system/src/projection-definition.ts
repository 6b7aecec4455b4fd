/**
 * Projection definitions: what a module exports for a MultiProcessRunner to run a projection in
 * a worker process — the application it follows, the projection, and how its view is made —
 * and how a process loads one, checked, so that a mistake is named before anything runs.
 */
import { Application, type ApplicationClass } from "@es/application";
import type { DomainEvent } from "@es/domain";
import type { View } from "@es/persistence-core";
import { SystemDefinitionError } from "./errors.js";
import type { Projection } from "./projection.js";

/**
 * What a projection worker loads from a module: everything it needs to run the projection. The
 * worker makes the application with the runner's environment (to read its notifications), the
 * view with that application, and runs the projection as a `ProjectionRunner` does.
 *
 * @example
 * ```ts
 * // projections.ts, named by the runner's `projections` option
 * export const counting: ProjectionDefinition<Kysely<CountsDB>> = {
 *   application: Worlds,
 *   projection: countingProjection,
 *   view: (app) => sqliteView(app.factory as SqliteFactory, counts),
 * };
 * ```
 */
export interface ProjectionDefinition<S, E extends DomainEvent = DomainEvent> {
  /** The application whose events are projected: an application of the runner's system. */
  readonly application: ApplicationClass;
  /** How events become rows. */
  readonly projection: Projection<S, E>;
  /**
   * Makes the view, given an instance of `application` made with the runner's environment (so
   * a view on `app.factory` is in the application's store, and is closed with it).
   */
  view(application: Application): Promise<View<S>>;
  /** Notifications processed in one transaction, at most (default 1000). */
  readonly pageSize?: number | undefined;
}

/** Where a projection's definition is: a module, and the name it exports the definition by. */
export interface ProjectionModule {
  /** The module (a URL, or a file's path). */
  readonly module: string | URL;
  /** The name the module exports the definition by. */
  readonly exportName: string;
}

/**
 * Imports the definition `module` (a URL) exports as `exportName`, and checks it.
 *
 * @throws {@link SystemDefinitionError} naming the module and the export if there is no such
 *   export, or it isn't a projection's definition.
 */
export async function loadProjectionDefinition(
  module: string,
  exportName: string,
): Promise<ProjectionDefinition<unknown>> {
  const loaded = (await import(module)) as Record<string, unknown>;
  const definition = loaded[exportName] as Partial<ProjectionDefinition<unknown>> | undefined;
  const wrong = (what: string) =>
    new SystemDefinitionError(
      `'${exportName}' of ${module} isn't a projection's definition: ${what}`,
    );
  if (definition === undefined) {
    throw new SystemDefinitionError(`${module} exports nothing as '${exportName}'`);
  }
  if (typeof definition !== "object" || definition === null) {
    throw wrong("it isn't an object");
  }
  const { application, projection, view, pageSize } = definition;
  if (
    typeof application !== "function" ||
    !(application === Application || application.prototype instanceof Application)
  ) {
    throw wrong("its 'application' isn't an application class");
  }
  if (typeof projection?.name !== "string" || projection.name === "") {
    throw wrong("its projection has no name");
  }
  if (typeof projection.process !== "function") {
    throw wrong(`projection '${projection.name}' has no process() method`);
  }
  if (typeof view !== "function") throw wrong("it has no view() method");
  if (pageSize !== undefined && !(Number.isSafeInteger(pageSize) && pageSize >= 1)) {
    throw wrong(`its pageSize must be a whole number, 1 or more, got ${String(pageSize)}`);
  }
  return definition as ProjectionDefinition<unknown>;
}
