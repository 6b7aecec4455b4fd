/**
 * The wiki's aggregates: a `Page` (its name, body and author, and who edited it last), and an
 * `Index` that maps a page's name to the page. An index's id is made from the name, so there is
 * at most one index per name.
 */
import { Aggregate, type AggregateEvent, aggregate, event, NAMESPACE_URL, uuid5 } from "@es/domain";

@aggregate("Page")
export class Page extends Aggregate {
  declare static readonly NameUpdated: typeof AggregateEvent;
  declare static readonly BodyUpdated: typeof AggregateEvent;

  constructor(
    public name: string,
    public body = "",
    public author = "anonymous",
  ) {
    super();
  }

  @event("NameUpdated")
  updateName(name: string) {
    this.name = name;
  }

  @event("BodyUpdated")
  updateBody(body: string) {
    this.body = body;
  }
}

@aggregate("Index")
export class Index extends Aggregate {
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
