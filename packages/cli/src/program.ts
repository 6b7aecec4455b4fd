/**
 * The `es` command line: its commands, options and help (commander), each command's failure
 * reported in one line (`--debug` adds the stack) with an exit status scripts can use.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { CliError, EXIT } from "./cli-error.js";
import { copy } from "./commands/copy.js";
import { history } from "./commands/history.js";
import { info } from "./commands/info.js";
import { log } from "./commands/log.js";
import { projectionRebuild, projectionStatus } from "./commands/projection.js";
import { verify } from "./commands/verify.js";
import type { CliIo } from "./io.js";

/** This package's version, from its manifest (beside `src` and `dist` alike). */
const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

const CONFIGURATION = `
The store is configured as the application's is: INFRASTRUCTURE_FACTORY (@es/sqlite,
@es/postgres) and the store's variables (SQLITE_DBNAME, POSTGRES_HOST, ...), each optionally
prefixed by the application's name (WORLDS_SQLITE_DBNAME), from the environment or --env-file.
Commands that only read never create tables. Exit status: 0 done, 1 violations (verify),
2 could not run.`;

/** Runs `es` with the arguments (without `node` and the script); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let status: number = EXIT.ok;
  const program = new Command("es")
    .description("Inspect, follow and verify the event store of an es application.")
    .version(VERSION, "--version", "the version of es")
    .option(
      "--app <name>",
      "the application's name: it names the tables and prefixes the variables (default: $ES_APP)",
    )
    .option(
      "--env-file <path>",
      "a file of NAME=value variables (those already set take precedence)",
    )
    .option(
      "--decode <module>",
      "the application's module (./dist/app.js, a package; :Export picks its Application class), to decode with its classes",
    )
    .option("--json", "print data as JSON, one object per line")
    .option("--debug", "print the stack of an error")
    .addHelpText("after", CONFIGURATION)
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const run =
    (body: (command: Command) => Promise<number>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      status = await reported(() => body(command), command.optsWithGlobals(), io);
    };

  program
    .command("info")
    .description(
      "the store, its tables and their rows, and each follower's and view's position and lag",
    )
    .addHelpText("after", "\nExample:\n  $ es info --app Worlds --env-file .env")
    .action(run((command) => info(command.optsWithGlobals(), io)));

  program
    .command("log")
    .description("the notification log, from a position; --follow stays live")
    .option("--from <id>", "the first notification id (default 1)", wholeNumber(1))
    .option(
      "--limit <n>",
      "notifications at most (default 100; no limit with --follow)",
      wholeNumber(1),
    )
    .option("--topic <topic>", "only this topic (repeat for several)", collect, [])
    .option("--follow", "then show notifications as they are recorded, until Ctrl-C")
    .addHelpText(
      "after",
      "\nExamples:\n  $ es log --app Worlds --from 1000 --limit 20\n  $ es log --app Worlds --topic World.Created --json --follow",
    )
    .action(run((command) => log(command.optsWithGlobals(), io)));

  program
    .command("history")
    .description("one aggregate's events: versions, topics, timestamps and attributes")
    .argument("<id>", "the aggregate's id")
    .option("--at <version>", "up to this version", wholeNumber(1))
    .addHelpText(
      "after",
      "\nExample:\n  $ es history 35c5f1e3-5036-4aef-bf5f-169a2db16e55 --app Worlds --at 3 --decode ./dist/worlds.js",
    )
    .action(run((command) => history(command.args[0] ?? "", command.optsWithGlobals(), io)));

  program
    .command("copy")
    .description(
      "copies every record (events with their notification ids, snapshots, checkpoints, tracking) into another store, then compares the two",
    )
    .option(
      "--to <NAME=value>",
      "a variable of the target store (repeat: INFRASTRUCTURE_FACTORY=@es/postgres, POSTGRES_SCHEMA=…)",
      collect,
      [],
    )
    .option("--to-env-file <path>", "a file of the target store's variables")
    .option("--resume", "go on with a copy that stopped, into the target that holds part of it")
    .option(
      "--batch-size <n>",
      "records a page, each page one transaction (default 5000)",
      wholeNumber(1),
    )
    .addHelpText(
      "after",
      "\nExample:\n  $ es copy --app Worlds --to INFRASTRUCTURE_FACTORY=@es/postgres --to POSTGRES_HOST=db --to POSTGRES_DBNAME=worlds\n  $ es copy --app Worlds --to-env-file target.env --resume",
    )
    .action(run((command) => copy(command.optsWithGlobals(), io)));

  const projection = program
    .command("projection")
    .description(
      "a projection's position and lag, and a rebuild of its view (projections from the module --decode names)",
    );
  projection
    .command("status")
    .description("each projection's view: its position, the application's head, the lag")
    .argument(
      "[name]",
      "one projection (without --decode: the view's name, whose NAME_tracking table is read)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ es projection status --app Worlds --decode ./dist/projections.js\n  $ es projection status counts --app Worlds",
    )
    .action(run((command) => projectionStatus(command.args[0], command.optsWithGlobals(), io)));
  projection
    .command("rebuild")
    .description(
      "rebuilds a projection's view from the first event, beside the live one, switched in once caught up",
    )
    .argument("<name>", "the projection")
    .addHelpText(
      "after",
      "\nExample:\n  $ es projection rebuild counting --app Worlds --decode ./dist/projections.js",
    )
    .action(
      run((command) => projectionRebuild(command.args[0] ?? "", command.optsWithGlobals(), io)),
    );

  program
    .command("verify")
    .description(
      "checks every aggregate's hash chain and every checkpoint; exit status 0 intact, 1 violations, 2 could not run",
    )
    .option("--checkpoint <file>", "a checkpoint exported earlier and kept elsewhere (JSON)")
    .addHelpText(
      "after",
      "\nExample:\n  $ es verify --app Worlds --checkpoint kept/worlds-checkpoint.json",
    )
    .action(run((command) => verify(command.optsWithGlobals(), io)));

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and the version end the command on purpose; anything else was misuse, told already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.failed;
    }
    throw error;
  }
  return status;
}

/** Runs a command, turning its failure into one line on stderr and the exit status. */
async function reported(
  body: () => Promise<number>,
  options: { readonly debug?: boolean | undefined },
  io: CliIo,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`es: ${oneLine(message)}${hint(message)}\n`);
    if (options.debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.failed;
  }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ");

/** What to check when a table the command reads isn't there. */
function hint(message: string): string {
  return /no such table|relation .* does not exist/i.test(message)
    ? " (is --app the application's name, and the store the one it uses?)"
    : "";
}

function wholeNumber(min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`expected a whole number from ${min}`);
    }
    return value;
  };
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}
