/**
 * The messages between a MultiProcessRunner and its worker processes (over the IPC channel
 * of `child_process.fork`), checked on arrival: a process only acts on messages it understands.
 * Also how a leading application in such a system prompts across processes.
 */
import type { Application } from "@es/application";
import { z } from "zod";
import type { Promptable } from "./promptable.js";

const name = z.string().min(1);

/** The system's shape, so a worker can check it loaded the system its runner was given. */
export const Definition = z.strictObject({
  nodes: z.array(name),
  edges: z.array(z.tuple([name, name])),
});
export type Definition = z.infer<typeof Definition>;

/** What a follower's worker is told to start with. */
const FollowerStart = z.strictObject({
  type: z.literal("start"),
  /** The URL of the module whose export `exportName` is the system. */
  module: z.string(),
  exportName: z.string(),
  /** The follower this process runs. */
  name,
  env: z.record(z.string(), z.string()),
  definition: Definition,
  /** Prompts come by the store's channel, or are relayed by the runner. */
  prompts: z.enum(["channel", "relay"]),
  pollIntervalMs: z.number().positive(),
});

/** What a projection's worker is told to start with. */
const ProjectionStart = z.strictObject({
  type: z.literal("start-projection"),
  /** The URL of the module whose export `exportName` is the projection's definition. */
  module: z.string(),
  exportName: z.string(),
  /** The projection's name, as the runner loaded it: the worker checks it loads the same. */
  name,
  /** The application it follows, as the runner loaded it. */
  application: name,
  env: z.record(z.string(), z.string()),
  pollIntervalMs: z.number().positive(),
});

export const ToWorker = z.discriminatedUnion("type", [
  FollowerStart,
  ProjectionStart,
  z.strictObject({ type: z.literal("prompt"), leader: name }),
  z.strictObject({ type: z.literal("stop") }),
]);
export type ToWorker = z.infer<typeof ToWorker>;
/** What a follower's worker is told to start with. */
export type StartMessage = z.infer<typeof FollowerStart>;
/** What a projection's worker is told to start with. */
export type ProjectionStartMessage = z.infer<typeof ProjectionStart>;
/** What a worker of either kind is told to start with: what a supervisor sends first. */
export type WorkerStartMessage = StartMessage | ProjectionStartMessage;

export const FromWorker = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ready") }),
  /**
   * The application failed to start, or to process: restarting it would fail again. A
   * projection's failure names the projection and the notification it failed at.
   */
  z.strictObject({
    type: z.literal("failed"),
    message: z.string(),
    starting: z.boolean(),
    projection: z.strictObject({ name, notificationId: z.number().int().nonnegative() }).optional(),
  }),
  z.strictObject({ type: z.literal("prompt"), leader: name }),
]);
export type FromWorker = z.infer<typeof FromWorker>;

/** The system's shape, in a form that compares equal when the shapes are the same. */
export const definitionOf = (system: {
  readonly nodes: ReadonlyMap<string, unknown>;
  readonly edges: readonly (readonly [string, string])[];
}): Definition => ({
  nodes: [...system.nodes.keys()].sort(),
  edges: system.edges.map(([a, b]): [string, string] => [a, b]).sort(),
});

/**
 * What a leading application in a multi-process system prompts: the store's channel, when the
 * processes prompt each other through it, else `relay`. A prompt is a hint (followers also
 * poll), so one that can't be sent is not a failure.
 */
export function crossProcessPrompts(
  app: Application,
  prompts: "channel" | "relay",
  relay: (leaderName: string) => void,
): Promptable {
  const channel = prompts === "channel" ? app.factory.promptChannel() : undefined;
  return {
    receivePrompt: async (leaderName) => {
      if (channel) await channel.publish(leaderName).catch(() => {});
      else relay(leaderName);
    },
  };
}
