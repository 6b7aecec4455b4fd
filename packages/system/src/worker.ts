/**
 * A worker process of a MultiProcessRunner: it runs one follower of the system. It loads the
 * system from the module the runner names, makes the follower and an instance of each
 * application it follows (to read their notification logs from the shared store), and pulls
 * when prompted, when polled, and once at start to catch up. It ends when told to stop, or
 * when the runner's process goes away.
 */
import type { Application } from "@es/application";
import type { PromptChannel } from "@es/persistence-core";
import type { Follower } from "./follower.js";
import { FollowerLoop } from "./follower-loop.js";
import { isLeaderClass, type Leading } from "./leading.js";
import { makeApplication } from "./runner.js";
import { System } from "./system.js";
import { send, serveWorker, type WorkerJob } from "./worker-process.js";
import { crossProcessPrompts, definitionOf, type StartMessage } from "./worker-protocol.js";

class FollowerJob implements WorkerJob<StartMessage> {
  readonly #apps: Application[] = [];
  readonly #unsubscribe: (() => Promise<void>)[] = [];
  readonly #failed: (error: unknown) => void;
  #loop: FollowerLoop | undefined;
  #poll: NodeJS.Timeout | undefined;

  constructor(failed: (error: unknown) => void) {
    this.#failed = failed;
  }

  async start(message: StartMessage): Promise<void> {
    const system = await loadSystem(message);
    const app = (await this.#make(system, message)) as Follower;
    const leaders = system.leadersOf(message.name);
    const loop = new FollowerLoop(app, this.#failed);
    this.#loop = loop;
    const prompt = (leader: string) => void loop.receivePrompt(leader);
    for (const leaderName of leaders) {
      const leader = await this.#make(system, { ...message, name: leaderName });
      app.follow(leaderName, leader.log);
      if (message.prompts === "channel") {
        const channel = leader.factory.promptChannel() as PromptChannel;
        this.#unsubscribe.push(await channel.subscribe([leaderName], prompt));
      }
    }
    if (
      isLeaderClass(system.leaderClassOf(message.name)) &&
      system.followersOf(message.name).length > 0
    ) {
      (app as Follower & Leading).lead(
        crossProcessPrompts(app, message.prompts, (leader) => send({ type: "prompt", leader })),
      );
    }
    loop.start();
    const pullAll = () => {
      for (const leaderName of leaders) prompt(leaderName);
    };
    // Catch up on what was recorded while this follower wasn't running, then poll, in case a
    // prompt was lost.
    pullAll();
    this.#poll = setInterval(pullAll, message.pollIntervalMs);
  }

  async #make(
    system: System,
    { name, env }: Pick<StartMessage, "name" | "env">,
  ): Promise<Application> {
    const app = await makeApplication(system, name, env);
    this.#apps.push(app);
    return app;
  }

  prompt(leader: string): void {
    void this.#loop?.receivePrompt(leader);
  }

  async stop(): Promise<void> {
    if (this.#poll) clearInterval(this.#poll);
    await Promise.all(this.#unsubscribe.map((unsubscribe) => unsubscribe().catch(() => {})));
    await this.#loop?.stop();
    await Promise.all(this.#apps.map((app) => app.close().catch(() => {})));
  }
}

async function loadSystem({ module, exportName, definition }: StartMessage): Promise<System> {
  const loaded = (await import(module)) as Record<string, unknown>;
  const system = loaded[exportName];
  if (!(system instanceof System)) {
    throw new Error(`${module} has no System exported as '${exportName}'`);
  }
  if (JSON.stringify(definitionOf(system)) !== JSON.stringify(definition)) {
    throw new Error(
      `the system exported as '${exportName}' by ${module} isn't the one the runner was given`,
    );
  }
  return system;
}

serveWorker<StartMessage>("start", (failed) => new FollowerJob(failed));
