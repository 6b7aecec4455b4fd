/**
 * `es projection status [NAME]` and `es projection rebuild NAME`: how far a projection's view
 * has got behind the application, and a rebuild of its view from the first event (beside the
 * live view, switched in once caught up), with progress. The projections come from the
 * application's module (`--decode`), which exports them as `projections`; a status without
 * the module reads the view's tracking table, `<NAME>_tracking`.
 */
import type { Application } from "@es/application";
import type { View } from "@es/persistence-core";
import { type Projection, ProjectionRunner } from "@es/system";
import { CliError } from "../cli-error.js";
import type { CliIo } from "../io.js";
import { printJson, printTable } from "../output.js";
import { progressBar } from "../progress.js";
import { applicationModule, openStore, type StoreOptions } from "../store.js";

/**
 * A projection as the application's module gives it to `es` (an array of these, exported as
 * `projections`): the projection, and how its view is made for an application.
 *
 * @example
 * ```ts
 * export const projections: CliProjection<Kysely<CountsDB>>[] = [
 *   { projection: counting, view: (app) => sqliteView(app.factory as SqliteFactory, counts) },
 * ];
 * ```
 */
export interface CliProjection<S = unknown> {
  /** How events become rows. */
  readonly projection: Projection<S>;
  /** The projection's view in the application's store (or elsewhere). */
  readonly view: (application: Application) => View<S> | Promise<View<S>>;
}

/** What `projection` takes. */
export interface ProjectionOptions extends StoreOptions {
  readonly json?: boolean | undefined;
}

/** Prints each projection's position and lag (or the named one's); resolves to the exit status. */
export async function projectionStatus(
  name: string | undefined,
  options: ProjectionOptions,
  io: CliIo,
): Promise<number> {
  const app = await openStore(options, io);
  try {
    const head = await app.recorder.maxNotificationId();
    const rows: Record<string, unknown>[] = [];
    if (options.decode === undefined) {
      if (name === undefined) {
        throw new CliError(
          "Which projection? Name its view (es projection status NAME reads NAME_tracking), or give --decode with the application's module, which exports its projections",
        );
      }
      const table = `${name}_tracking`;
      const { tracking } = await app.factory.describeStore();
      const tracked = tracking.find(
        (entry) => entry.table === table && entry.applicationName === app.name,
      );
      if (tracked === undefined) {
        throw new CliError(`The store has no tracking of ${app.name} in a table ${table}`);
      }
      rows.push({
        view: name,
        position: tracked.notificationId,
        head,
        lag: head - tracked.notificationId,
      });
    } else {
      for (const entry of await projectionsOf(options.decode, io, name)) {
        const view = await entry.view(app);
        const position = await view.maxTrackingId(app.name);
        rows.push({
          projection: entry.projection.name,
          view: view.name,
          position,
          head,
          lag: head - position,
        });
      }
    }
    if (options.json) for (const row of rows) printJson(io, row);
    else printTable(io, rows);
    return 0;
  } finally {
    await app.close();
  }
}

/** Rebuilds the named projection's view from the first event; resolves to the exit status. */
export async function projectionRebuild(
  name: string,
  options: ProjectionOptions,
  io: CliIo,
): Promise<number> {
  if (options.decode === undefined) {
    throw new CliError(
      "A rebuild runs the projection's code: give --decode with the application's module, which exports its projections",
    );
  }
  // One at least: projectionsOf refuses a name it doesn't have.
  const { projection, view: viewOf } = (
    await projectionsOf(options.decode, io, name)
  )[0] as CliProjection;
  const app = await openStore(options, io, { decodes: true, writes: true });
  try {
    const view = await viewOf(app);
    const runner = new ProjectionRunner({ application: app, projection, view });
    const head = await app.recorder.maxNotificationId();
    const bar = progressBar(io, head, "notifications");
    const started = performance.now();
    try {
      await runner.rebuild({ onProgress: (progress) => bar.update(progress.position) });
    } finally {
      bar.stop();
      await runner.stop();
    }
    const position = await view.maxTrackingId(app.name);
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    const result = { projection: name, view: view.name, position, seconds };
    if (options.json) printJson(io, result);
    else
      io.stdout.write(
        `Rebuilt view ${view.name} of projection ${name} to notification ${position} in ${seconds}s.\n`,
      );
    return 0;
  } finally {
    await app.close();
  }
}

/** The projections the module exports (only the named one, if a name is given). */
async function projectionsOf(
  decode: string,
  io: CliIo,
  name: string | undefined,
): Promise<CliProjection[]> {
  const module = await applicationModule(decode, io);
  const exported = module.projections;
  if (!Array.isArray(exported) || !exported.every(isCliProjection)) {
    throw new CliError(
      `${decode} exports no projections: export \`projections\`, an array of { projection, view: (app) => view }`,
    );
  }
  const chosen =
    name === undefined ? exported : exported.filter((entry) => entry.projection.name === name);
  if (chosen.length === 0) {
    const names = exported.map((entry) => entry.projection.name).join(", ") || "none";
    throw new CliError(`${decode} exports no projection named ${name} (it has: ${names})`);
  }
  return chosen;
}

function isCliProjection(value: unknown): value is CliProjection {
  const entry = value as Partial<CliProjection> | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.projection?.name === "string" &&
    typeof entry.view === "function"
  );
}
