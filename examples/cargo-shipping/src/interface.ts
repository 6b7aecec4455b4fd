/** The BookingService of the cargo shipping example: an interface of simple types. */
import { BookingApplication } from "./application.js";
import { HandlingActivity, type Itinerary, Location } from "./domain-model.js";

export interface LegDetails {
  readonly origin: string;
  readonly destination: string;
  readonly voyageNumber: string;
}

export interface ItineraryDetails {
  readonly origin: string;
  readonly destination: string;
  readonly legs: readonly LegDetails[];
}

export interface CargoDetails {
  readonly id: string;
  readonly origin: string;
  readonly destination: string;
  readonly arrivalDeadline: Date;
  readonly transportStatus: string;
  readonly routingStatus: string;
  readonly isMisdirected: boolean;
  readonly estimatedTimeOfArrival: Date | null;
  readonly nextExpectedActivity: readonly string[] | null;
  readonly lastKnownLocation: string | null;
  readonly currentVoyageNumber: string | null;
}

function parseEnum<E extends Record<string, string>>(
  values: E,
  name: string,
  what: string,
): E[keyof E] {
  if (!Object.hasOwn(values, name)) throw new RangeError(`Unknown ${what}: ${name}`);
  return values[name as keyof E];
}

export class BookingService {
  constructor(readonly app: BookingApplication = new BookingApplication()) {}

  async bookNewCargo(origin: string, destination: string, arrivalDeadline: Date): Promise<string> {
    return this.app.bookNewCargo(
      parseEnum(Location, origin, "location"),
      parseEnum(Location, destination, "location"),
      arrivalDeadline,
    );
  }

  async getCargoDetails(trackingId: string): Promise<CargoDetails> {
    const cargo = await this.app.getCargo(trackingId);
    return {
      id: cargo.id,
      origin: cargo.origin,
      destination: cargo.destination,
      arrivalDeadline: cargo.arrivalDeadline,
      transportStatus: cargo.transportStatus,
      routingStatus: cargo.routingStatus,
      isMisdirected: cargo.isMisdirected,
      estimatedTimeOfArrival: cargo.estimatedTimeOfArrival,
      nextExpectedActivity: cargo.nextExpectedActivity ? [...cargo.nextExpectedActivity] : null,
      lastKnownLocation: cargo.lastKnownLocation,
      currentVoyageNumber: cargo.currentVoyageNumber,
    };
  }

  async changeDestination(trackingId: string, destination: string): Promise<void> {
    return this.app.changeDestination(trackingId, parseEnum(Location, destination, "location"));
  }

  async requestPossibleRoutesForCargo(trackingId: string): Promise<ItineraryDetails[]> {
    const routes = await this.app.requestPossibleRoutesForCargo(trackingId);
    return routes.map(detailsOf);
  }

  async assignRoute(trackingId: string, routeDetails: ItineraryDetails): Promise<void> {
    const routes = await this.app.requestPossibleRoutesForCargo(trackingId);
    const wanted = JSON.stringify(routeDetails);
    for (const route of routes) {
      if (JSON.stringify(detailsOf(route)) === wanted)
        await this.app.assignRoute(trackingId, route);
    }
  }

  async registerHandlingEvent(
    trackingId: string,
    voyageNumber: string | null,
    location: string,
    handlingActivity: string,
  ): Promise<void> {
    return this.app.registerHandlingEvent(
      trackingId,
      voyageNumber,
      parseEnum(Location, location, "location"),
      parseEnum(HandlingActivity, handlingActivity, "handling activity"),
    );
  }
}

function detailsOf(itinerary: Itinerary): ItineraryDetails {
  return {
    origin: itinerary.origin,
    destination: itinerary.destination,
    legs: itinerary.legs.map((leg) => ({
      origin: leg.origin,
      destination: leg.destination,
      voyageNumber: leg.voyageNumber,
    })),
  };
}

export function selectPreferredItinerary(
  itineraries: readonly ItineraryDetails[],
): ItineraryDetails {
  const [first] = itineraries;
  if (!first) throw new Error("No itineraries to choose from");
  return first;
}
