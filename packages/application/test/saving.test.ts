/**
 * What a save promises: all of an aggregate's new events are recorded or none are, a failed
 * save keeps them pending so that a retry records them, and once they are recorded a failure
 * of what follows (an automatic snapshot) does not make the save look failed.
 */
import { Aggregate, AggregateEvent, aggregate, event } from "@es/domain";
import { IntegrityError } from "@es/persistence-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Application } from "../src/index.js";

@aggregate("SavingNote")
class Note extends Aggregate {
  text = "";
  /** Not stored by events, but in snapshots: a function can't be encoded. */
  formatter: unknown = undefined;
  @event("Written")
  write({ text }: { text: string }) {
    this.text = text;
  }
  static Attached = class Attached extends AggregateEvent {
    declare readonly payload: unknown;
  };
}

class Notes extends Application {
  static override applicationName = "Notes";
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("saving", () => {
  it("keeps pending events when they can't be encoded, recording nothing", async () => {
    const app = new Notes();
    const note = Note.create();
    await app.save(note);
    note.write({ text: "first" });
    note.triggerEvent(Note.Attached, { payload: () => "not data" });
    await expect(app.save(note)).rejects.toThrow(
      "Can't encode payload: function is not serializable",
    );
    expect(note.pendingEvents.map((e) => e.originatorVersion)).toEqual([2, 3]);
    expect((await app.repository.get<Note>(note.id)).version).toBe(1);
    expect(await app.recorder.maxNotificationId()).toBe(1);
    await app.close();
  });

  it("refuses a value nested 20,000 levels deep with a TypeError naming its attribute, recording nothing", async () => {
    const app = new Notes();
    const note = Note.create();
    await app.save(note);
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    note.triggerEvent(Note.Attached, { payload: deep });
    const error = await app.save(note).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      "Can't encode payload: the value is nested 20000 levels deep, too deeply to serialize",
    );
    expect(note.pendingEvents.map((e) => e.originatorVersion)).toEqual([2]);
    expect(await app.recorder.maxNotificationId()).toBe(1);
    await app.close();
  });

  it("keeps pending events after a conflict, and records nothing of a batch that conflicts", async () => {
    const app = new Notes();
    const note = Note.create();
    await app.save(note);
    const copy = await app.repository.get<Note>(note.id);
    note.write({ text: "mine" });
    await app.save(note);
    const other = Note.create();
    copy.write({ text: "theirs" });
    await expect(app.save(other, copy)).rejects.toBeInstanceOf(IntegrityError);
    expect(copy.pendingEvents).toHaveLength(1);
    expect(other.pendingEvents).toHaveLength(1);
    expect(await app.repository.has(other.id)).toBe(false);
    await app.close();
  });

  it("saves the events pending when it is called; later ones wait for the next save", async () => {
    const app = new Notes();
    const note = Note.create();
    const saving = app.save(note);
    note.write({ text: "during" });
    expect(await saving).toEqual([1]);
    expect(note.pendingEvents.map((e) => e.originatorVersion)).toEqual([2]);
    await app.save(note);
    expect((await app.repository.get<Note>(note.id)).text).toBe("during");
    await app.close();
  });

  it("reports an automatic snapshot that fails after the events were recorded, without failing the save", async () => {
    class SnapshottingNotes extends Notes {
      static override applicationName = "SnapshottingNotes";
      static override snapshottingIntervals = new Map([[Note, 2]]);
    }
    const warnings: string[] = [];
    vi.spyOn(process, "emitWarning").mockImplementation((warning, options) => {
      if (typeof options === "object" && options.code === "ES_SNAPSHOT_FAILED") {
        warnings.push(String(warning));
      }
    });
    const app = new SnapshottingNotes();
    const note = Note.create();
    note.formatter = () => "unencodable";
    note.write({ text: "saved" });
    const ids = await app.save(note);
    expect(ids).toEqual([1, 2]);
    expect(note.pendingEvents).toHaveLength(0);
    expect((await app.repository.get<Note>(note.id)).text).toBe("saved");
    expect(await app.snapshots?.get(note.id)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^The events of ${note.id} were recorded \\(notifications 1, 2\\), but its snapshot at version 2 could not be taken: Can't encode state.formatter: function is not serializable`,
      ),
    );
    await app.close();
  });
});
