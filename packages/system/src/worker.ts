/**
 * A worker process of a MultiProcessRunner: it runs one follower of the system. It loads the
 * system from the module the runner names, makes the follower and an instance of each
 * application it follows (to read their notification logs from the shared store), and pulls
 * when prompted, when polled, and once at start to catch up. It ends when told to stop, or
 * when the runner's process goes away.
 */
import type { Application } from "@es/application";
import { messageOf } from "@es/domain";
import type { PromptChannel } from "@es/persistence-core";
import type { Follower } from "./follower.js";
import { FollowerLoop } from "./follower-loop.js";
import { isLeaderClass, type Leading } from "./leading.js";
import { makeApplication } from "./runner.js";
import { System } from "./system.js";
import { isTransient } from "./transient.js";
import {
  crossProcessPrompts,
  definitionOf,
  type FromWorker,
  type StartMessage,
  ToWorker,
} from "./worker-protocol.js";

const send = (message: FromWorker): void => {
  if (process.connected) process.send?.(message);
};

let running: Running | undefined;
/** The application's start, while in progress: stopping waits for it, then closes what it made. */
let starting: Promise<void> | undefined;
let ending = false;

class Running {
  readonly #apps: Application[] = [];
  readonly #unsubscribe: (() => Promise<void>)[] = [];
  #loop: FollowerLoop | undefined;
  #poll: NodeJS.Timeout | undefined;

  async start(message: StartMessage): Promise<void> {
    const system = await loadSystem(message);
    const app = (await this.#make(system, message)) as Follower;
    const leaders = system.leadersOf(message.name);
    const loop = new FollowerLoop(app, (error) =>
      isTransient(error) ? void retry(error) : void fail(error, false),
    );
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

/** The exit code of a worker that failed for a reason that may pass: the runner restarts it. */
const EXIT_TRANSIENT = 75;

/** Ends after a failure that may pass, saying so: the runner starts a new worker. */
async function retry(error: unknown): Promise<void> {
  console.error(`${messageOf(error)} (the worker ends, and is started again)`);
  await end(EXIT_TRANSIENT);
}

/** Reports a failure that restarting wouldn't mend, then ends. */
async function fail(error: unknown, starting: boolean): Promise<void> {
  send({ type: "failed", message: messageOf(error), starting });
  await end(1);
}

async function end(code: number): Promise<void> {
  if (ending) return;
  ending = true;
  await starting?.catch(() => {});
  await running?.stop().catch(() => {});
  process.exitCode = code;
  if (process.connected) process.disconnect();
}

process.on("message", (raw: unknown) => {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success || ending) return;
  const message = parsed.data;
  if (message.type === "start" && !running) {
    running = new Running();
    starting = running.start(message);
    starting.then(
      () => send({ type: "ready" }),
      // A store that can't be reached yet ends the worker quietly: the runner tries again.
      (error: unknown) => void (isTransient(error) ? retry(error) : fail(error, true)),
    );
  } else if (message.type === "prompt") {
    running?.prompt(message.leader);
  } else if (message.type === "stop") {
    void end(0);
  }
});

// Without its runner, a worker has no one to report to: it ends.
process.on("disconnect", () => void end(0));
