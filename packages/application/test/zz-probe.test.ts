import { Aggregate, AggregateEvent, aggregate, event } from "@es/domain";
import { it } from "vitest";
import { Application } from "../src/index.js";

@aggregate("ProbeNote")
class Note extends Aggregate {
  text = "";
  @event("Written")
  write({ text }: { text: string }) {
    this.text = text;
  }
  static Attached = class Attached extends AggregateEvent {
    declare readonly payload: unknown;
  };
}
class Notes extends Application {
  static override applicationName = "ProbeNotes";
}

it("probe", async () => {
  const app = new Notes();
  const note = Note.create();
  try {
    note.triggerEvent(Note.Attached, JSON.parse('{"__proto__": {"a":1}, "payload": 1}'));
  } catch (e) {
    console.log("1:", e);
  }
  try {
    note.triggerEvent(Note.Attached, { payload: 1, mutate: 3 } as never);
  } catch (e) {
    console.log("1b:", String(e));
  }
  let deep: unknown = 1;
  for (let i = 0; i < 20000; i++) deep = { a: deep };
  const n2 = Note.create();
  n2.triggerEvent(Note.Attached, { payload: deep });
  try {
    await app.save(n2);
  } catch (e) {
    console.log("3:", String(e).slice(0, 300));
  }
  let deepArr: unknown = new Date();
  for (let i = 0; i < 20000; i++) deepArr = [deepArr];
  const n3 = Note.create();
  n3.triggerEvent(Note.Attached, { payload: deepArr });
  try {
    await app.save(n3);
  } catch (e) {
    console.log("3b:", String(e).slice(0, 300));
  }
  console.log(await app.recorder.maxNotificationId());
});
