/**
 * The aggregate cache itself: copies in and out, the least recently used forgotten first, and
 * never an older version over a newer one.
 */
import { Aggregate, event } from "@es/domain";
import { JSONTranscoder } from "@es/persistence-core";
import { describe, expect, it } from "vitest";
import { AggregateCache } from "../src/index.js";

class Shelf extends Aggregate {
  books: string[] = [];

  @event("Shelved")
  shelve({ title }: { title: string }) {
    this.books.push(title);
  }
}

function shelfWith(...titles: string[]): Shelf {
  const shelf = Shelf.create();
  for (const title of titles) shelf.shelve({ title });
  shelf.collectEvents();
  return shelf;
}

describe("an aggregate cache", () => {
  it("gives a copy of what was put, which shares nothing with it or with other copies", () => {
    const cache = new AggregateCache(new JSONTranscoder());
    const shelf = shelfWith("Emma");
    cache.put(shelf);
    shelf.books.push("changed after it was put");
    const one = cache.get<Shelf>(shelf.id) as Shelf;
    const two = cache.get<Shelf>(shelf.id) as Shelf;
    expect(one).toBeInstanceOf(Shelf);
    expect(one.books).toEqual(["Emma"]);
    expect(one).not.toBe(two);
    one.books.push("changed in a copy");
    expect(two.books).toEqual(["Emma"]);
    expect(one.id).toBe(shelf.id);
    expect(one.version).toBe(2);
    expect(one.createdOn).toEqual(shelf.createdOn);
    expect(one.pendingEvents).toEqual([]);
    expect(cache.get("no such id")).toBeUndefined();
  });

  it("forgets the least recently used past its size", () => {
    const cache = new AggregateCache(new JSONTranscoder(), 2);
    const [a, b, c] = [shelfWith("A"), shelfWith("B"), shelfWith("C")];
    cache.put(a);
    cache.put(b);
    cache.get(a.id); // a is now used more lately than b
    cache.put(c);
    expect(cache.size).toBe(2);
    expect(cache.versionOf(a.id)).toBe(2);
    expect(cache.versionOf(b.id)).toBeUndefined();
    expect(cache.versionOf(c.id)).toBe(2);
    cache.forget(a.id);
    expect(cache.size).toBe(1);
    cache.put(b);
    cache.put(a);
    expect(cache.versionOf(c.id)).toBeUndefined();
  });

  it("keeps every aggregate with size 0", () => {
    const cache = new AggregateCache(new JSONTranscoder(), 0);
    for (let i = 0; i < 100; i++) cache.put(shelfWith(String(i)));
    expect(cache.size).toBe(100);
  });

  it("never puts an older version over a newer one", () => {
    const cache = new AggregateCache(new JSONTranscoder());
    const shelf = shelfWith("Emma");
    cache.put(shelf);
    const older = cache.get<Shelf>(shelf.id) as Shelf;
    shelf.shelve({ title: "Persuasion" });
    cache.put(shelf);
    cache.put(older);
    expect(cache.versionOf(shelf.id)).toBe(3);
    expect(cache.get<Shelf>(shelf.id)?.books).toEqual(["Emma", "Persuasion"]);
  });

  it("refuses a size that isn't a whole number >= 0", () => {
    for (const size of [-1, 1.5, Number.NaN]) {
      expect(() => new AggregateCache(new JSONTranscoder(), size)).toThrow(RangeError);
    }
  });
});
