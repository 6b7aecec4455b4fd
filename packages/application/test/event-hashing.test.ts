/**
 * An application with event hashing on: every save chains its events' hashes, every read of an
 * aggregate checks them (from a snapshot's head where there is one), and a store whose events
 * are encrypted and compressed is checked without the key.
 */
import { AESCipher, ZlibCompressor } from "@es/cipher";
import { Aggregate, event } from "@es/domain";
import {
  ConfigurationError,
  eventHash,
  exportCheckpoint,
  generateCheckpointKeys,
  genesisHash,
  HashChain,
  hashOf,
  IntegrityViolationError,
  importCheckpoint,
  type Notification,
  notification,
  verifyStore,
} from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { Application } from "../src/index.js";

class Account extends Aggregate {
  balance = 0;

  @event("Credited")
  credit({ amount }: { amount: number }) {
    this.balance += amount;
  }
}

class Bank extends Application {
  static override applicationName = "Bank";
  static override isEventHashingEnabled = true;

  async open(): Promise<string> {
    const account = Account.create();
    await this.save(account);
    return account.id;
  }

  async credit(id: string, amount: number): Promise<void> {
    const account = await this.repository.get<Account>(id);
    account.credit({ amount });
    await this.save(account);
  }
}

/** Rewrites a stored event's state in the in-memory store, as an intruder with its memory would. */
function forge(app: Application, originatorId: string, version: number, state: string): void {
  const recorder = app.recorder as unknown as {
    sequences: Map<string, Notification[]>;
    notifications: Notification[];
  };
  const sequence = recorder.sequences.get(originatorId) ?? [];
  const index = sequence.findIndex((event) => event.originatorVersion === version);
  const forged = notification({
    ...(sequence[index] as Notification),
    state: new TextEncoder().encode(state),
  });
  sequence[index] = forged;
  recorder.notifications[forged.id - 1] = forged;
}

describe("an application with event hashing", () => {
  it("chains each save's events to the aggregate's head, read or left by the last save", async () => {
    const bank = new Bank();
    const id = await bank.open();
    await bank.credit(id, 5);
    const account = await bank.repository.get<Account>(id);
    account.credit({ amount: 1 });
    account.credit({ amount: 2 });
    await bank.save(account);
    account.credit({ amount: 3 });
    await bank.save(account);
    const records = await bank.recorder.selectEvents(id);
    let previous = genesisHash("Bank", id);
    for (const record of records) {
      expect(record.hash).toEqual(eventHash(previous, record));
      previous = record.hash as Uint8Array;
    }
    expect((await bank.repository.get<Account>(id)).balance).toBe(11);
    await bank.close();
  });

  it("refuses to read an aggregate whose stored events were edited", async () => {
    const bank = new Bank();
    await bank.ready;
    const id = await bank.open();
    await bank.credit(id, 5);
    // An intruder with the store's memory rewrites the credit.
    forge(bank, id, 2, '{"amount":500}');
    const error = await bank.repository.get(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntegrityViolationError);
    expect(error).toMatchObject({
      applicationName: "Bank",
      originatorId: id,
      originatorVersion: 2,
      kind: "modified",
    });
    await bank.close();
  });

  it("checks the events after a snapshot against the snapshot's head", async () => {
    class SnapshottingBank extends Bank {
      static override applicationName = "SnapshottingBank";
      static override snapshottingIntervals = new Map([[Account, 2]]);
    }
    const bank = new SnapshottingBank();
    const id = await bank.open();
    for (let i = 1; i <= 4; i++) await bank.credit(id, i);
    const [snapshot] = (await bank.snapshots?.get(id, { desc: true, limit: 1 })) ?? [];
    expect(snapshot?.originatorVersion).toBe(4);
    const [atFour] = await bank.recorder.selectEvents(id, { gt: 3, lte: 4 });
    // The snapshot was stored with the hash of the event at its version, and read back with it.
    expect(hashOf(snapshot as object)).toEqual(atFour?.hash);
    expect((await bank.repository.get<Account>(id)).balance).toBe(10);
    // The event after the snapshot is checked against the snapshot's head.
    forge(bank, id, 5, '{"amount":400}');
    await expect(bank.repository.get(id)).rejects.toMatchObject({
      originatorVersion: 5,
      kind: "modified",
    });
    await bank.close();
  });

  it("verifies an encrypted, compressed store's chains without the key", async () => {
    const key = AESCipher.createKey();
    const bank = new Bank({ cipher: new AESCipher(key), compressor: new ZlibCompressor() });
    const id = await bank.open();
    await bank.credit(id, 7);
    const stored = await bank.recorder.selectEvents(id);
    // Anyone with the stored records, and no key, checks them.
    expect(new HashChain("Bank").check(stored, { version: 0, hash: genesisHash("Bank", id) })).toBe(
      undefined,
    );
    const report = await verifyStore(bank.recorder, { chain: new HashChain("Bank") });
    expect(report).toMatchObject({ violations: [], checked: 2 });
    const flipped = stored.map((record, i) =>
      i === 1
        ? { ...record, state: Uint8Array.from(record.state, (b, j) => (j === 20 ? b ^ 1 : b)) }
        : record,
    );
    expect(new HashChain("Bank").check(flipped)).toMatchObject({
      originatorVersion: 2,
      kind: "modified",
    });
    await bank.close();
  });

  it("is on by the environment too, prefixed with the application's name", async () => {
    class Plain extends Application {
      static override applicationName = "Plain";
    }
    const off = new Plain();
    const on = new Plain({ env: { PLAIN_IS_EVENT_HASHING_ENABLED: "y" } });
    for (const app of [off, on]) {
      const account = Account.create();
      await app.save(account);
      const [record] = await app.recorder.selectEvents(account.id);
      expect(record?.hash !== undefined).toBe(app === on);
      await app.close();
    }
  });

  it("verifies the store and its aggregates against checkpoints signed by the environment's key", async () => {
    const keys = generateCheckpointKeys();
    const bank = new Bank({ env: { BANK_CHECKPOINT_SIGNING_KEY: keys.signingKey } });
    const ids = [await bank.open(), await bank.open()];
    for (const id of ids) for (let i = 1; i <= 4; i++) await bank.credit(id, i);
    const checkpointer = await bank.checkpointer({ every: 4 });
    const added = await checkpointer.catchUp({ final: true });
    expect(added.map((c) => c.notificationId)).toEqual([4, 8, 10]);
    expect(await bank.verifyStore()).toMatchObject({
      violations: [],
      checked: 10,
      checkpoints: 3,
      signaturesChecked: true,
    });
    expect(await bank.verifyAggregate(ids[0] as string)).toBeUndefined();

    // Kept elsewhere, a checkpoint is a small JSON file, checked with the verifying key alone.
    const kept = JSON.stringify(exportCheckpoint(added[2] as (typeof added)[2]));
    const report = await bank.verifyStore({
      verifyingKey: keys.verifyingKey,
      checkpoint: importCheckpoint(JSON.parse(kept)),
    });
    expect(report.violations).toEqual([]);

    const [credit] = (await bank.recorder.selectNotifications(7, 1)) as [Notification];
    forge(bank, credit.originatorId, credit.originatorVersion, '{"amount":9}');
    expect(await bank.verifyAggregate(credit.originatorId)).toMatchObject({
      kind: "modified",
      originatorVersion: credit.originatorVersion,
    });
    expect((await bank.verifyStore()).violations).toMatchObject([
      { kind: "modified", notificationId: 7, originatorVersion: credit.originatorVersion },
    ]);
    await bank.close();
  });

  it("refuses to checkpoint without a signing key, naming the variable, never a key", async () => {
    const bank = new Bank();
    await expect(bank.checkpointer()).rejects.toThrow(
      "Checkpoints need a signing key: give one, or set BANK_CHECKPOINT_SIGNING_KEY or CHECKPOINT_SIGNING_KEY",
    );
    const secret = "c2VjcmV0LWJ1dC1ub3QtYS1rZXk=";
    const error = await bank
      .checkpointer({ signingKey: secret })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(String(error)).not.toContain(secret);
    const { verifyingKey } = generateCheckpointKeys();
    await expect(bank.checkpointer({ signingKey: verifyingKey })).rejects.toThrow(
      "The checkpoint signing key is not a private key",
    );
    await bank.close();
  });
});
