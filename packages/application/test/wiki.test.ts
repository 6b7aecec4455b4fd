/**
 * Saving multiple aggregates, custom transcodings, and encryption with
 * compression configured by environment.
 */
import { AESCipher, ZlibCompressor } from "@es/cipher";
import { Aggregate, event, NAMESPACE_URL, uuid5 } from "@es/domain";
import { RecordConflictError, type Transcoder, type Transcoding } from "@es/persistence-core";
import { afterEach, describe, expect, it } from "vitest";
import { Application } from "../src/index.js";

class Page extends Aggregate {
  constructor(
    public name: string,
    public body = "",
  ) {
    super();
  }
  @event("NameUpdated")
  updateName(name: string) {
    this.name = name;
  }
}

class Index extends Aggregate {
  constructor(
    public name: string,
    public ref: string | null,
  ) {
    super();
  }
  static override createId(name: string): string {
    return uuid5(NAMESPACE_URL, `/pages/${name}`);
  }
  @event("RefUpdated")
  updateRef(ref: string | null) {
    this.ref = ref;
  }
}

class Wiki extends Application {
  async createPage(name: string, body: string): Promise<void> {
    const page = Page.create(name, body);
    const index = Index.create(page.name, page.id);
    await this.save(page, index);
  }

  async renamePage(name: string, newName: string): Promise<string> {
    const page = await this.getPage(name);
    page.updateName(newName);
    const index = Index.create(page.name, page.id);
    await this.save(page, index);
    return page.body;
  }

  async getPage(name: string): Promise<Page> {
    const index = await this.repository.get<Index>(Index.createId(name));
    if (!index.ref) throw new Error(`No page named ${name}`);
    return this.repository.get<Page>(index.ref);
  }
}

const apps: Application[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe("Wiki: saving multiple aggregates", () => {
  it("creates, renames, and refuses name collisions atomically", async () => {
    const wiki = new Wiki();
    apps.push(wiki);
    await wiki.createPage("Erth", "Lorem ipsum...");
    expect((await wiki.getPage("Erth")).body).toBe("Lorem ipsum...");

    await wiki.renamePage("Erth", "Earth");
    expect((await wiki.getPage("Earth")).body).toBe("Lorem ipsum...");

    await expect(wiki.createPage("Earth", "Neque porro quisquam...")).rejects.toBeInstanceOf(
      RecordConflictError,
    );
    expect((await wiki.getPage("Earth")).body).toBe("Lorem ipsum...");

    await wiki.createPage("Mars", "Neque porro quisquam...");
    const before = await wiki.recorder.maxNotificationId();
    await expect(wiki.renamePage("Mars", "Earth")).rejects.toBeInstanceOf(RecordConflictError);
    // Nothing of the failed save was recorded: not the page's rename either.
    expect(await wiki.recorder.maxNotificationId()).toBe(before);
    expect((await wiki.getPage("Earth")).body).toBe("Lorem ipsum...");
    expect((await wiki.getPage("Mars")).body).toBe("Neque porro quisquam...");
    expect((await wiki.getPage("Mars")).name).toBe("Mars");
  });
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

describe("encryption and compression by environment", () => {
  it("encrypts and compresses stored events, and reads them back", async () => {
    const cipherKey = AESCipher.createKey(32);
    const app = new Wiki({
      env: {
        CIPHER_KEY: cipherKey,
        CIPHER_TOPIC: "@es/cipher:AESCipher",
        COMPRESSOR_TOPIC: "@es/cipher:ZlibCompressor",
      },
    });
    apps.push(app);
    await app.createPage("Venus", "Hot and cloudy");
    expect((await app.getPage("Venus")).body).toBe("Hot and cloudy");
    expect(app.mapper.cipher).toBeInstanceOf(AESCipher);
    expect(app.mapper.compressor).toBeInstanceOf(ZlibCompressor);
    const [first] = await app.log.select(1, 1);
    expect(Buffer.from(first?.state ?? []).toString("latin1")).not.toContain("Hot and cloudy");
    // The state is bound to its row: the originator id and version are its associated data.
    const row = new TextEncoder().encode(`${first?.originatorId}\n${first?.originatorVersion}`);
    const decrypted = new ZlibCompressor().decompress(
      new AESCipher(cipherKey).decrypt(first?.state ?? new Uint8Array(), row),
    );
    expect(new TextDecoder().decode(decrypted)).toContain("Hot and cloudy");
  });
});
