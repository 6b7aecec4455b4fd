/**
 * Snapshots: the state of an aggregate at a version, recorded as an event
 * so that it can be stored beside the aggregate's events and reconstruction can start from it.
 */
import { type Aggregate, INTERNALS_KEY, restoreAggregate, stateOf } from "./aggregate.js";
import { createTimestamp, DomainEvent, type DomainEventInit } from "./domain-event.js";
import { EventAttributesError } from "./errors.js";
import { extended } from "./extended.js";
import { getTopic, registerLibraryClass, resolveTopic } from "./topics.js";
import { CLASS_VERSION_KEY, classVersionOf, upcast } from "./upcast.js";

/** What a snapshot is made of: the event's attributes, the class's topic and the state. */
export interface SnapshotInit extends DomainEventInit {
  /** The topic of the aggregate's class. */
  readonly topic: string;
  /** The aggregate's fields, plus `createdOn` and `modifiedOn`. */
  readonly state: Readonly<Record<string, unknown>>;
}

/**
 * The state of an aggregate at a version, stored beside its events so that getting the
 * aggregate can start there instead of at its first event. Applications take and store them
 * (`app.takeSnapshot(id)`, or automatically with `snapshottingIntervals`); the repository uses
 * the latest at or below the version asked for.
 *
 * @example
 * ```ts
 * const snapshot = Snapshot.take(world);
 * const copy = snapshot.mutate<World>();
 * ```
 */
export class Snapshot extends DomainEvent {
  /** The topic of the aggregate's class. */
  declare readonly topic: string;
  /** The aggregate's fields, plus `createdOn` and `modifiedOn`; never its pending events. */
  declare readonly state: Readonly<Record<string, unknown>>;

  constructor(attributes: SnapshotInit & Readonly<Record<string, unknown>>) {
    super(extended(attributes, { state: Object.freeze({ ...attributes.state }) }));
  }

  /** Takes a snapshot of the aggregate at its current version. */
  static take(aggregate: Aggregate): Snapshot {
    const cls = aggregate.constructor as typeof Aggregate;
    const state: Record<string, unknown> = extended(stateOf(aggregate), {
      createdOn: aggregate.createdOn,
      modifiedOn: aggregate.modifiedOn,
    });
    const classVersion = classVersionOf(cls);
    if (classVersion > 1) state[CLASS_VERSION_KEY] = classVersion;
    return new Snapshot({
      originatorId: aggregate.id,
      originatorVersion: aggregate.version,
      timestamp: createTimestamp(),
      topic: getTopic(cls),
      state,
    });
  }

  /**
   * Reconstructs the aggregate (upcasting older state), without running its constructor.
   *
   * @throws {@link TopicError} if no class is registered under the snapshot's topic.
   * @throws {@link EventAttributesError} if the state holds keys the class can't take as fields.
   */
  mutate<A extends Aggregate = Aggregate>(_aggregate?: unknown): A {
    const cls = resolveTopic<typeof Aggregate>(this.topic);
    const { createdOn, modifiedOn, ...state } = upcast(cls, { ...this.state });
    if (!(createdOn instanceof Date) || !(modifiedOn instanceof Date)) {
      throw new TypeError(`Snapshot of ${this.originatorId} has no createdOn/modifiedOn dates`);
    }
    const unexpected = Object.keys(state).filter(
      (key) => key === INTERNALS_KEY || key in cls.prototype,
    );
    if (unexpected.length > 0) {
      // Such state would set the aggregate's id, version or prototype, not its fields.
      throw new EventAttributesError(
        "Snapshot",
        this.originatorId,
        this.originatorVersion,
        [],
        unexpected,
        `the ${cls.name} class (its fields are restored from a snapshot's state)`,
      );
    }
    const aggregate = restoreAggregate(
      cls,
      { id: this.originatorId, version: this.originatorVersion, timestamp: modifiedOn, createdOn },
      state,
    );
    return aggregate as A;
  }
}

registerLibraryClass("Snapshot", Snapshot);
