/** Registering custom transcodings: value objects of the application's own types. */
import { Aggregate, event } from "@es/domain";
import type { Transcoder, Transcoding } from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import { Application } from "../src/index.js";

const apps: Application[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A date without a time (as Python's `date`): a custom value object. */
class CalendarDate {
  constructor(readonly iso: string) {}
}
const DateAsISO: Transcoding<CalendarDate, string> = {
  type: CalendarDate,
  name: "date_iso",
  encode: (date) => date.iso,
  decode: (data) => new CalendarDate(data),
};

class Diary extends Aggregate {
  days: CalendarDate[] = [];
  @event("DayNoted")
  note(day: CalendarDate) {
    this.days.push(day);
  }
}

class Diaries extends Application {
  protected override registerTranscodings(transcoder: Transcoder): void {
    super.registerTranscodings(transcoder);
    transcoder.register(DateAsISO);
  }
}

describe("registering custom transcodings", () => {
  it("stores and restores custom value objects", async () => {
    const app = new Diaries();
    apps.push(app);
    const diary = Diary.create();
    diary.note(new CalendarDate("2021-12-31"));
    await app.save(diary);
    const copy = await app.repository.get<Diary>(diary.id);
    expect(copy.days[0]).toBeInstanceOf(CalendarDate);
    expect(copy.days).toEqual([new CalendarDate("2021-12-31")]);
  });

  it("fails to save an unregistered type, naming it, and records nothing", async () => {
    const app = new Application();
    apps.push(app);
    const diary = Diary.create();
    diary.note(new CalendarDate("2021-12-31"));
    await expect(app.save(diary)).rejects.toThrow(
      "Object of type CalendarDate is not serializable. Please define and register a custom transcoding for this type.",
    );
    await expect(app.recorder.maxNotificationId()).resolves.toBe(0);
  });
});
