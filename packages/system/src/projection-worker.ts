/**
 * A worker process of a MultiProcessRunner that runs one projection. It loads the projection's
 * definition from the module the runner names, makes the application it follows (only to read
 * its notifications from the shared store) and the view, and runs a `ProjectionRunner`: it
 * resumes after what the view has tracked, and follows the application live. It needs no
 * prompts: the application's store wakes its subscription (a commit of any process, on SQLite;
 * a NOTIFY, on PostgreSQL), and it polls besides.
 *
 * A failure that may pass while it runs is the projection runner's to retry; one that won't
 * pass stops it with a `ProjectionError`, which this worker reports before it ends.
 */
import { type Application, applicationNameOf } from "@es/application";
import { loadProjectionDefinition } from "./projection-definition.js";
import { ProjectionRunner } from "./projection-runner.js";
import { readyApplication } from "./runner.js";
import { serveWorker, type WorkerJob } from "./worker-process.js";
import type { ProjectionStartMessage } from "./worker-protocol.js";

class ProjectionJob implements WorkerJob<ProjectionStartMessage> {
  readonly #failed: (error: unknown) => void;
  #app: Application | undefined;
  #runner: ProjectionRunner<unknown> | undefined;

  constructor(failed: (error: unknown) => void) {
    this.#failed = failed;
  }

  async start(message: ProjectionStartMessage): Promise<void> {
    const { module, exportName } = message;
    const definition = await loadProjectionDefinition(module, exportName);
    const { name } = definition.projection;
    const upstream = applicationNameOf(definition.application);
    if (name !== message.name || upstream !== message.application) {
      throw new Error(
        `'${exportName}' of ${module} is projection '${name}' of '${upstream}' here, but the runner loaded projection '${message.name}' of '${message.application}'`,
      );
    }
    const app = await readyApplication(definition.application, message.env);
    this.#app = app;
    const runner = new ProjectionRunner({
      application: app,
      projection: definition.projection,
      view: await definition.view(app),
      pageSize: definition.pageSize,
      pollIntervalMs: message.pollIntervalMs,
      onError: this.#failed,
    });
    this.#runner = runner;
    await runner.start();
  }

  async stop(): Promise<void> {
    // Its failure, if it failed, was reported already.
    await this.#runner?.stop().catch(() => {});
    await this.#app?.close().catch(() => {});
  }
}

serveWorker<ProjectionStartMessage>("start-projection", (failed) => new ProjectionJob(failed));
