/** The Cargo aggregate of the cargo shipping example. */
import { Aggregate, AggregateCreated, AggregateEvent, aggregate, uuid4 } from "@es/domain";

/** Locations in the world. */
export enum Location {
  HAMBURG = "HAMBURG",
  HONGKONG = "HONGKONG",
  NEWYORK = "NEWYORK",
  STOCKHOLM = "STOCKHOLM",
  TOKYO = "TOKYO",
  NLRTM = "NLRTM",
  USDAL = "USDAL",
  AUMEL = "AUMEL",
}

/** Handling activities. */
export enum HandlingActivity {
  RECEIVE = "RECEIVE",
  LOAD = "LOAD",
  UNLOAD = "UNLOAD",
  CLAIM = "CLAIM",
}

/** Leg of an itinerary. */
export class Leg {
  constructor(
    readonly origin: string,
    readonly destination: string,
    readonly voyageNumber: string,
  ) {}
}

/** An itinerary along which cargo is shipped. */
export class Itinerary {
  constructor(
    readonly origin: string,
    readonly destination: string,
    readonly legs: readonly Leg[],
  ) {}
}

export type NextExpectedActivity =
  | readonly [HandlingActivity, Location]
  | readonly [HandlingActivity, Location, string]
  | null;

/**
 * The Cargo aggregate specifies the routing from origin to destination, and tracks what
 * happens to the cargo after it has been booked. Its events share one `apply()`, which hands
 * each to the aggregate's own projection (the Python original's `@singledispatchmethod` style).
 */
@aggregate
export class Cargo extends Aggregate {
  // Ordinary (not #private) fields: snapshots and equality see an aggregate's enumerable fields.
  private _transportStatus = "NOT_RECEIVED";
  private _routingStatus = "NOT_ROUTED";
  private _isMisdirected = false;
  private _estimatedTimeOfArrival: Date | null = null;
  private _nextExpectedActivity: NextExpectedActivity = null;
  private _route: Itinerary | null = null;
  private _lastKnownLocation: Location | null = null;
  private _currentVoyageNumber: string | null = null;

  private _origin: Location;
  private _destination: Location;
  private _arrivalDeadline: Date;

  // Parameter names are the created event's attribute names.
  constructor(origin: Location, destination: Location, arrivalDeadline: Date) {
    super();
    this._origin = origin;
    this._destination = destination;
    this._arrivalDeadline = arrivalDeadline;
  }

  get origin(): Location {
    return this._origin;
  }
  get destination(): Location {
    return this._destination;
  }
  get arrivalDeadline(): Date {
    return this._arrivalDeadline;
  }
  get transportStatus(): string {
    return this._transportStatus;
  }
  get routingStatus(): string {
    return this._routingStatus;
  }
  get isMisdirected(): boolean {
    return this._isMisdirected;
  }
  get estimatedTimeOfArrival(): Date | null {
    return this._estimatedTimeOfArrival;
  }
  get nextExpectedActivity(): NextExpectedActivity {
    return this._nextExpectedActivity;
  }
  get route(): Itinerary | null {
    return this._route;
  }
  get lastKnownLocation(): Location | null {
    return this._lastKnownLocation;
  }
  get currentVoyageNumber(): string | null {
    return this._currentVoyageNumber;
  }

  static newBooking(origin: Location, destination: Location, arrivalDeadline: Date): Cargo {
    return Cargo._create(Cargo.BookingStarted, {
      id: uuid4(),
      origin,
      destination,
      arrivalDeadline,
    });
  }

  static BookingStarted = class BookingStarted extends AggregateCreated {
    declare readonly origin: Location;
    declare readonly destination: Location;
    declare readonly arrivalDeadline: Date;
  };

  /** The base of Cargo's events: each is applied by the aggregate's projection. */
  static override Event = class Event extends AggregateEvent {
    override apply(cargo: Cargo): void {
      cargo.project(this);
    }
  };

  changeDestination(destination: Location): void {
    this.triggerEvent(Cargo.DestinationChanged, { destination });
  }

  static DestinationChanged = class DestinationChanged extends Cargo.Event {
    declare readonly destination: Location;
  };

  assignRoute(itinerary: Itinerary): void {
    this.triggerEvent(Cargo.RouteAssigned, { route: itinerary });
  }

  static RouteAssigned = class RouteAssigned extends Cargo.Event {
    declare readonly route: Itinerary;
  };

  registerHandlingEvent(
    trackingId: string,
    voyageNumber: string | null,
    location: Location,
    handlingActivity: HandlingActivity,
  ): void {
    this.triggerEvent(Cargo.HandlingEventRegistered, {
      trackingId,
      voyageNumber,
      location,
      handlingActivity,
    });
  }

  static HandlingEventRegistered = class HandlingEventRegistered extends Cargo.Event {
    declare readonly trackingId: string;
    declare readonly voyageNumber: string | null;
    declare readonly location: Location;
    declare readonly handlingActivity: HandlingActivity;
  };

  /** The aggregate projection: how each event changes the cargo. */
  protected project(event: AggregateEvent): void {
    if (event instanceof Cargo.DestinationChanged) {
      this._destination = event.destination;
    } else if (event instanceof Cargo.RouteAssigned) {
      this._route = event.route;
      this._routingStatus = "ROUTED";
      this._estimatedTimeOfArrival = new Date(Date.now() + 7 * 24 * 3600 * 1000);
      this._nextExpectedActivity = [HandlingActivity.RECEIVE, this.origin];
      this._isMisdirected = false;
    } else if (event instanceof Cargo.HandlingEventRegistered) {
      this.#handlingEventRegistered(event);
    }
  }

  #handlingEventRegistered(event: InstanceType<typeof Cargo.HandlingEventRegistered>): void {
    const route = this._route;
    if (!route) throw new Error("Cargo has no route");
    switch (event.handlingActivity) {
      case HandlingActivity.RECEIVE:
        this._transportStatus = "IN_PORT";
        this._lastKnownLocation = event.location;
        this._nextExpectedActivity = [
          HandlingActivity.LOAD,
          event.location,
          route.legs[0]?.voyageNumber ?? "",
        ];
        break;
      case HandlingActivity.LOAD: {
        this._transportStatus = "ONBOARD_CARRIER";
        this._currentVoyageNumber = event.voyageNumber;
        const leg = route.legs.find(
          (l) => l.origin === event.location && l.voyageNumber === event.voyageNumber,
        );
        if (!leg) {
          throw new Error(
            `Can't find leg with origin=${event.location} and voyage_number=${event.voyageNumber}`,
          );
        }
        this._nextExpectedActivity = [
          HandlingActivity.UNLOAD,
          leg.destination as Location,
          event.voyageNumber ?? "",
        ];
        break;
      }
      case HandlingActivity.UNLOAD: {
        this._currentVoyageNumber = null;
        this._lastKnownLocation = event.location;
        this._transportStatus = "IN_PORT";
        if (event.location === this.destination) {
          this._nextExpectedActivity = [HandlingActivity.CLAIM, event.location];
        } else if (route.legs.some((l) => l.destination === event.location)) {
          const index = route.legs.findIndex((l) => l.voyageNumber === event.voyageNumber);
          const next = route.legs[index + 1];
          if (!next || next.origin !== event.location)
            throw new Error("Unexpected unload location");
          this._nextExpectedActivity = [HandlingActivity.LOAD, event.location, next.voyageNumber];
        } else {
          this._isMisdirected = true;
          this._nextExpectedActivity = null;
        }
        break;
      }
      case HandlingActivity.CLAIM:
        this._nextExpectedActivity = null;
        this._transportStatus = "CLAIMED";
        break;
      default:
        throw new Error(`Unsupported handling event: ${String(event.handlingActivity)}`);
    }
  }
}
