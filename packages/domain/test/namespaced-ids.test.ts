/**
 * Namespaced ids, explicit and declarative: version 5 UUIDs
 * derived from names let an index aggregate be found again from a page's name.
 */
import { describe, expect, it } from "vitest";
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  event,
  NAMESPACE_URL,
  registerTopic,
  uuid4,
  uuid5,
} from "../src/index.js";

describe("Page and Index, explicit style", () => {
  class Page extends Aggregate {
    constructor(
      public name: string,
      public body: string,
    ) {
      super();
    }

    static make(name: string, body = ""): Page {
      return Page._create(Page.Created, { id: uuid4(), name, body });
    }

    static override Created = class Created extends AggregateCreated {
      declare readonly name: string;
      declare readonly body: string;
    };

    updateName(name: string): void {
      this.triggerEvent(Page.NameUpdated, { name });
    }

    static NameUpdated = class NameUpdated extends AggregateEvent {
      declare readonly name: string;
      override apply(page: Page): void {
        page.name = this.name;
      }
    };
  }

  class Index extends Aggregate {
    constructor(
      public name: string,
      public ref: string | null,
    ) {
      super();
    }

    static make(page: Page): Index {
      return Index._create(Index.Created, {
        id: Index.createId(page.name),
        name: page.name,
        ref: page.id,
      });
    }

    static override createId(name: string): string {
      return uuid5(NAMESPACE_URL, `/pages/${name}`);
    }

    static override Created = class Created extends AggregateCreated {
      declare readonly name: string;
      declare readonly ref: string;
    };

    updateRef(ref: string | null): void {
      this.triggerEvent(Index.RefUpdated, { ref });
    }

    static RefUpdated = class RefUpdated extends AggregateEvent {
      declare readonly ref: string | null;
      override apply(index: Index): void {
        index.ref = this.ref;
      }
    };
  }

  it("finds a page by name through its index, before and after a rename", () => {
    const page = Page.make("Erth");
    const index1 = Index.make(page);
    expect(Index.createId("Erth")).toBe(index1.id);
    expect(index1.ref).toBe(page.id);

    page.updateName("Earth");
    const index2 = Index.make(page);
    index1.updateRef(null);
    expect(Index.createId("Earth")).toBe(index2.id);
    expect(index2.ref).toBe(page.id);
    expect(index1.ref).toBeNull();
    expect(page.name).toBe("Earth");
    expect(page.body).toBe("");
  });
});

describe("Page and Index, declarative style", () => {
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

  // Both describe blocks define a `Page` and an `Index`: one topic can't name two classes, so
  // these get their own topics before first use.
  registerTopic("declarative.Page", Page);
  registerTopic("declarative.Index", Index);

  it("creates pages and indexes by calling create() with the constructor's arguments", () => {
    const page = Page.create("Erth");
    const index1 = Index.create(page.name, page.id);
    expect(Index.createId("Erth")).toBe(index1.id);
    expect(index1.ref).toBe(page.id);
    expect(index1.name).toBe(page.name);

    page.updateName("Earth");
    index1.updateRef(null);
    const index2 = Index.create(page.name, page.id);
    expect(Index.createId("Earth")).toBe(index2.id);
    expect(index2.ref).toBe(page.id);
    expect(index2.name).toBe(page.name);

    for (const aggregate of [page, index1, index2]) {
      let copy: Aggregate | null | undefined = null;
      for (const e of aggregate.collectEvents()) copy = e.mutate(copy);
      expect(copy?.equals(aggregate)).toBe(true);
    }
  });
});
