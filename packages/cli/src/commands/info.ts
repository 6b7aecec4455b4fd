/** `es info`: the store, its tables and counts, and how far each follower and view has got. */
import type { CliIo } from "../io.js";
import { printFields, printJson, printTable } from "../output.js";
import { openStore, type StoreOptions } from "../store.js";

/** The global options `info` takes. */
export interface InfoOptions extends StoreOptions {
  readonly json?: boolean | undefined;
}

/** Prints what the application's store holds; resolves to the exit status. */
export async function info(options: InfoOptions, io: CliIo): Promise<number> {
  const app = await openStore(options, io);
  try {
    const description = await app.factory.describeStore();
    const maxNotificationId = await app.recorder.maxNotificationId();
    const tracking = description.tracking.map((entry) => ({
      ...entry,
      // Lag is known only behind this application: the others' logs aren't read here.
      lag:
        entry.applicationName === app.name ? maxNotificationId - entry.notificationId : undefined,
    }));
    if (options.json) {
      printJson(io, {
        application: app.name,
        store: description.store,
        location: description.location,
        maxNotificationId,
        tables: description.tables,
        tracking,
      });
      return 0;
    }
    printFields(io, {
      application: app.name,
      store: `${description.store} (${description.location})`,
      "last notification id": maxNotificationId,
    });
    io.stdout.write("\n");
    printTable(
      io,
      description.tables.map(({ name, rows }) => ({ table: name, rows })),
      ["table", "rows"],
    );
    if (tracking.length > 0) {
      io.stdout.write("\nfollowers and views (tracking records):\n");
      printTable(
        io,
        tracking.map((entry) => ({
          "tracking table": entry.table,
          follows: entry.applicationName,
          position: entry.notificationId,
          lag: entry.lag,
        })),
      );
    }
    return 0;
  } finally {
    await app.close();
  }
}
