/**
 * The life of a worker process of a MultiProcessRunner, whatever it runs (a follower, a
 * projection): it starts what its runner's start message says and says when it is ready, passes
 * prompts on, and ends when told to stop or when the runner's process goes away. A failure that
 * may pass ends it with `EXIT_TRANSIENT` (the runner starts it again); any other is reported to
 * the runner first, and ends it for good.
 */
import { messageOf } from "@es/domain";
import { ProjectionError } from "./errors.js";
import { isTransient } from "./transient.js";
import { type FromWorker, ToWorker, type WorkerStartMessage } from "./worker-protocol.js";

/** What a worker process runs. */
export interface WorkerJob<M extends WorkerStartMessage> {
  /** Makes what the message says, and starts it; resolves once it runs. */
  start(message: M): Promise<void>;
  /** A prompt from `leader`, relayed by the runner. */
  prompt?(leader: string): void;
  /** Stops and closes what `start` made (what it made of it, if it failed part way). */
  stop(): Promise<void>;
}

/** The exit code of a worker that failed for a reason that may pass: the runner restarts it. */
export const EXIT_TRANSIENT = 75;

/**
 * Runs this process as a worker: the job is made with how to report a failure while it runs,
 * and started by the first start message of type `type`.
 */
export function serveWorker<M extends WorkerStartMessage>(
  type: M["type"],
  makeJob: (failed: (error: unknown) => void) => WorkerJob<M>,
): void {
  let job: WorkerJob<M> | undefined;
  /** The job's start, while in progress: stopping waits for it, then closes what it made. */
  let starting: Promise<void> | undefined;
  let ending = false;

  const end = async (code: number): Promise<void> => {
    if (ending) return;
    ending = true;
    await starting?.catch(() => {});
    await job?.stop().catch(() => {});
    process.exitCode = code;
    if (process.connected) process.disconnect();
  };

  /** Ends after a failure that may pass, saying so; else reports it first. */
  const failed = (error: unknown, whileStarting: boolean): void => {
    if (isTransient(error)) {
      console.error(`${messageOf(error)} (the worker ends, and is started again)`);
      void end(EXIT_TRANSIENT);
      return;
    }
    send({
      type: "failed",
      message: messageOf(error),
      starting: whileStarting,
      ...(error instanceof ProjectionError
        ? { projection: { name: error.projectionName, notificationId: error.notificationId } }
        : {}),
    });
    void end(1);
  };

  process.on("message", (raw: unknown) => {
    const parsed = ToWorker.safeParse(raw);
    if (!parsed.success || ending) return;
    const message = parsed.data;
    if (message.type === type && !job) {
      job = makeJob((error) => failed(error, false));
      starting = job.start(message as M);
      starting.then(
        () => send({ type: "ready" }),
        // A store that can't be reached yet ends the worker quietly: the runner tries again.
        (error: unknown) => failed(error, true),
      );
    } else if (message.type === "prompt") {
      job?.prompt?.(message.leader);
    } else if (message.type === "stop") {
      void end(0);
    }
  });

  // Without its runner, a worker has no one to report to: it ends.
  process.on("disconnect", () => void end(0));
}

/** Sends `message` to the runner, while it is there to hear it. */
export function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}
