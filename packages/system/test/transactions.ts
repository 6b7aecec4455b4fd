/**
 * Whether a worker process has a write transaction open, seen from the test's process, on the
 * store a test runs on: so that a test that kills the worker can say how many of its kills
 * landed inside one, and can make some of them land there for certain. The worker is stopped
 * (SIGSTOP) before it is looked at, and killed stopped, so it can't begin or end a transaction
 * between the look and the kill.
 *
 * What "a transaction open" means differs by store, and so does what the kill does to it:
 *
 * - SQLite: the worker holds the database's write lock, which it has from its `BEGIN IMMEDIATE`
 *   to the end of its `COMMIT` (better-sqlite3 runs a follower's page synchronously; a view's
 *   transaction spans microtasks). In WAL mode SQLite keeps that lock as a POSIX lock on byte
 *   120 of the `-shm` file (WAL_WRITE_LOCK, see sqlite.org/walformat.html), which /proc/locks
 *   shows with the holder's process id: so this sees the worker's lock, not the test process's
 *   own connections' (on one run, a `BEGIN IMMEDIATE` of another connection failed with
 *   SQLITE_BUSY exactly when this saw the worker holding it, in 1451 looks). The kill leaves the
 *   transaction uncommitted, unless it came during the COMMIT once the commit frame was in
 *   the WAL: then it is committed.
 * - PostgreSQL: a backend of the worker is in a transaction that writes (any but a lone read).
 *   The worker's backends are those whose client port is one of the worker's TCP sockets: the
 *   datastore names connections after the application (`application_name`), and the test
 *   process's own instances of it have the same name. The server isn't killed with its client:
 *   a follower's page is one statement, a transaction of its own, which the server may still
 *   commit with its client gone; a view's page is a transaction block, which it rolls back when
 *   it finds the client gone before the COMMIT. (A follower's page statement is brief next to
 *   the reads and the policies around it, so a kill at a random moment seldom finds it running.)
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { client as connect } from "../../postgres/test/server.js";
import { sleep, stopProcess } from "./processes.js";

/** What a test can see of a worker's transactions, and do to them, on one store. */
export interface TransactionWatch {
  /**
   * Whether the worker `pid`, stopped (SIGSTOP), has a write transaction open. The worker can't
   * end it while stopped (on PostgreSQL the server may still finish a statement it is running).
   */
  openWhileStopped(pid: number): Promise<boolean>;
  /**
   * Leaves the worker `pid` inside a write transaction that it can't leave until it is killed,
   * and confirms it is there: resolves to what to do once it is killed (let go of what held it),
   * or to undefined if it wasn't caught inside one in time (then it runs on).
   */
  holdInside(pid: number): Promise<(() => Promise<void>) | undefined>;
  /** Closes the watch's connections. */
  close(): Promise<void>;
}

/**
 * How long `holdInside` tries before giving up (the kill then comes at a random moment): a
 * catch took 1.5 s at most on a 2-core machine under a load of 20, and ten of these limits
 * would still fit in the tests' time limits.
 */
const CATCH_MS = 10_000;

/**
 * The watch for the store `env` names, whose worker writes its tracking records to
 * `trackingTable` (where, on PostgreSQL, a lock held by the test makes its writes wait).
 */
export function transactionWatch(
  store: string,
  env: Record<string, string>,
  trackingTable: string,
): Promise<TransactionWatch> {
  if (store === "sqlite") return Promise.resolve(sqliteWatch(env.SQLITE_DBNAME as string));
  return postgresWatch(`"${env.POSTGRES_SCHEMA}".${trackingTable}`);
}

/**
 * On SQLite a transaction can't be made to wait inside: nothing in it waits for another
 * connection once `BEGIN IMMEDIATE` has the write lock. So `holdInside` stops the worker at
 * random moments until it is stopped holding the lock, letting it go on otherwise (a follower
 * holds it about 1% of the time, so that takes a hundred-odd looks of a few milliseconds): a
 * stopped process keeps its lock, so the kill lands inside that transaction. A worker stopped
 * inside one is never let go on: a view's transaction, resumed late, would find its timer due
 * and roll itself back, failing the projection (see `SqliteDatastore.transaction`).
 */
function sqliteWatch(database: string): TransactionWatch {
  // The -shm file exists while any connection is open (the test's own are, all along).
  const { ino } = statSync(`${database}-shm`);
  const holdsWriteLock = (pid: number): boolean =>
    readFileSync("/proc/locks", "utf8")
      .split("\n")
      .some((line) => {
        // "1: POSIX  ADVISORY  WRITE 1234 fe:00:4243514 120 120" (a waiter's has "->" after 1:)
        const [, type, , mode, holder, file, start] = line.trim().split(/\s+/);
        return (
          type === "POSIX" &&
          mode === "WRITE" &&
          holder === String(pid) &&
          file?.endsWith(`:${ino}`) &&
          start === "120"
        );
      });
  return {
    openWhileStopped: async (pid) => holdsWriteLock(pid),
    async holdInside(pid) {
      const deadline = Date.now() + CATCH_MS;
      while (Date.now() < deadline) {
        if (!stopProcess(pid)) return undefined;
        if (holdsWriteLock(pid)) return async () => {};
        process.kill(pid, "SIGCONT");
        await sleep(Math.random() * 3);
      }
      return undefined;
    },
    close: async () => {},
  };
}

/**
 * On PostgreSQL the test holds a lock on the tracking table (SHARE ROW EXCLUSIVE, in a
 * transaction of its own) that the worker's page waits for inside its transaction: a
 * follower's page statement as it begins, before it writes anything; a view's page at its last
 * write, its tracking record, after the projection's. The server shows the worker's backend in
 * a transaction, waiting for a lock that the test's backend holds: killed then, the worker has
 * committed nothing of the page, and the lock is let go only after the kill.
 */
async function postgresWatch(trackingTable: string): Promise<TransactionWatch> {
  const admin = await connect();
  const holder = await connect();
  const [{ pid: holderPid } = {}] = (await holder.query("SELECT pg_backend_pid() AS pid")).rows;
  const backends = async (pid: number, where: string, values: unknown[] = []) => {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE client_port = ANY($1::int[]) AND xact_start IS NOT NULL AND ${where}`,
      [tcpPorts(pid), ...values],
    );
    return rows[0]?.n as number;
  };
  return {
    // Not a lone read: a statement that isn't a SELECT (the follower's page is WITH … INSERT),
    // or one that has written (it has a transaction id), or a block between statements. A
    // reading statement inside a block that has written nothing yet is not counted.
    openWhileStopped: async (pid) =>
      (await backends(
        pid,
        "(backend_xid IS NOT NULL OR state <> 'active' OR query !~* '^\\s*select\\M')",
      )) > 0,
    async holdInside(pid) {
      await holder.query("BEGIN");
      await holder.query(`LOCK TABLE ${trackingTable} IN SHARE ROW EXCLUSIVE MODE`);
      const release = async () => {
        await holder.query("ROLLBACK");
      };
      const waiting = () =>
        backends(pid, "wait_event_type = 'Lock' AND $2 = ANY(pg_blocking_pids(pid))", [holderPid]);
      const deadline = Date.now() + CATCH_MS;
      while (Date.now() < deadline) {
        if ((await waiting()) > 0) return release;
        await sleep(5);
      }
      await release();
      return undefined;
    },
    async close() {
      await holder.end();
      await admin.end();
    },
  };
}

/**
 * The local ports of the TCP sockets the process `pid` has open: those its PostgreSQL
 * connections come from, as `pg_stat_activity.client_port` shows them.
 */
function tcpPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket?.[1]) inodes.add(socket[1]);
    } catch {
      // Closed since the folder was read.
    }
  }
  const ports: number[] = [];
  for (const table of ["tcp", "tcp6"]) {
    // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode"
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const port = fields[1]?.split(":")[1];
      if (port && fields[9] && inodes.has(fields[9])) ports.push(Number.parseInt(port, 16));
    }
  }
  return ports;
}
