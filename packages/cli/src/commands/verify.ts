/**
 * `es verify`: walks the application's log and checks every aggregate's hash chain and every
 * checkpoint (with the verifying key, if the environment gives one), and, with
 * `--checkpoint FILE`, a checkpoint kept elsewhere. Exit status 0 when the store is intact, 1
 * when it isn't, 2 when the check couldn't run.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Checkpoint, importCheckpoint, violationPlace } from "@es/persistence-core";
import { CliError, EXIT } from "../cli-error.js";
import type { CliIo } from "../io.js";
import { printFields, printJson, printTable } from "../output.js";
import { progressBar } from "../progress.js";
import { openStore, type StoreOptions } from "../store.js";

/** What `verify` takes. */
export interface VerifyOptions extends StoreOptions {
  /** A checkpoint exported earlier and kept elsewhere (its JSON file). */
  readonly checkpoint?: string | undefined;
  readonly json?: boolean | undefined;
}

/** Verifies the store; resolves to the exit status. */
export async function verify(options: VerifyOptions, io: CliIo): Promise<number> {
  const checkpoint =
    options.checkpoint === undefined ? undefined : readCheckpoint(options.checkpoint, io);
  const app = await openStore(options, io);
  try {
    const total = await app.recorder.maxNotificationId();
    const bar = progressBar(io, total, "notifications", "violations");
    let report: Awaited<ReturnType<typeof app.verifyStore>>;
    try {
      report = await app.verifyStore({
        ...(checkpoint === undefined ? {} : { checkpoint }),
        onProgress: (progress) => {
          bar.update(progress.checked, progress.violations);
          if (io.signal?.aborted) {
            throw new CliError(
              `The verify stopped (interrupted) after notification ${progress.notificationId}: nothing was found wrong or right about the rest`,
            );
          }
        },
      });
    } finally {
      bar.stop();
    }
    const clean = report.violationCount === 0;
    if (options.json) {
      printJson(io, { clean, ...report });
    } else {
      printFields(io, {
        application: app.name,
        "notifications checked": report.checked,
        "last notification id": report.lastNotificationId,
        checkpoints: `${report.checkpoints}${report.checkpoints > 0 ? (report.signaturesChecked ? " (signatures checked)" : " (signatures not checked: no verifying key)") : ""}`,
        "not yet checkpointed": report.uncheckpointed
          ? `notifications ${report.uncheckpointed.from} to ${report.uncheckpointed.to}`
          : "none",
        violations: report.violationCount,
      });
      if (!clean) {
        io.stdout.write("\n");
        printTable(
          io,
          report.violations.map((violation) => ({
            kind: violation.kind,
            where: violationPlace(violation),
            detail: violation.detail,
          })),
        );
        if (report.violations.length < report.violationCount) {
          io.stdout.write(`(the first ${report.violations.length} of ${report.violationCount})\n`);
        }
      }
    }
    return clean ? EXIT.ok : EXIT.violations;
  } finally {
    await app.close();
  }
}

function readCheckpoint(path: string, io: CliIo): Checkpoint {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(io.cwd, path), "utf8"));
  } catch (error) {
    throw new CliError(`Can't read the checkpoint file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return importCheckpoint(json);
  } catch (error) {
    throw new CliError(
      `The checkpoint file ${path} is not a checkpoint: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
