/** The BookingApplication of the cargo shipping example. */
import { Application } from "@es/application";
import type { Transcoder, Transcoding } from "@es/persistence-core";
import { Cargo, type HandlingActivity, Itinerary, Leg, type Location } from "./domain-model.js";

const ItineraryAsDict: Transcoding<Itinerary, Record<string, unknown>> = {
  type: Itinerary,
  name: "itinerary",
  encode: (itinerary) => ({
    origin: itinerary.origin,
    destination: itinerary.destination,
    legs: itinerary.legs,
  }),
  decode: (data) =>
    new Itinerary(data.origin as string, data.destination as string, data.legs as Leg[]),
};

const LegAsDict: Transcoding<Leg, Record<string, string>> = {
  type: Leg,
  name: "leg",
  encode: (leg) => ({
    origin: leg.origin,
    destination: leg.destination,
    voyageNumber: leg.voyageNumber,
  }),
  decode: (data) => new Leg(data.origin ?? "", data.destination ?? "", data.voyageNumber ?? ""),
};

export const REGISTERED_ROUTES: ReadonlyMap<string, readonly Itinerary[]> = new Map([
  [
    "HONGKONG,STOCKHOLM",
    [
      new Itinerary("HONGKONG", "STOCKHOLM", [
        new Leg("HONGKONG", "NEWYORK", "V1"),
        new Leg("NEWYORK", "STOCKHOLM", "V2"),
      ]),
    ],
  ],
  [
    "TOKYO,STOCKHOLM",
    [
      new Itinerary("TOKYO", "STOCKHOLM", [
        new Leg("TOKYO", "HAMBURG", "V3"),
        new Leg("HAMBURG", "STOCKHOLM", "V4"),
      ]),
    ],
  ],
]);

export class BookingApplication extends Application {
  protected override registerTranscodings(transcoder: Transcoder): void {
    super.registerTranscodings(transcoder);
    // Location and HandlingActivity are string enums: JSON carries them as they are.
    transcoder.register(ItineraryAsDict);
    transcoder.register(LegAsDict);
  }

  async bookNewCargo(
    origin: Location,
    destination: Location,
    arrivalDeadline: Date,
  ): Promise<string> {
    const cargo = Cargo.newBooking(origin, destination, arrivalDeadline);
    await this.save(cargo);
    return cargo.id;
  }

  async changeDestination(trackingId: string, destination: Location): Promise<void> {
    const cargo = await this.getCargo(trackingId);
    cargo.changeDestination(destination);
    await this.save(cargo);
  }

  async requestPossibleRoutesForCargo(trackingId: string): Promise<readonly Itinerary[]> {
    const cargo = await this.getCargo(trackingId);
    const from = cargo.lastKnownLocation ?? cargo.origin;
    const routes = REGISTERED_ROUTES.get(`${from},${cargo.destination}`);
    if (!routes) throw new Error(`Can't find routes from ${from} to ${cargo.destination}`);
    return routes;
  }

  async assignRoute(trackingId: string, itinerary: Itinerary): Promise<void> {
    const cargo = await this.getCargo(trackingId);
    cargo.assignRoute(itinerary);
    await this.save(cargo);
  }

  async registerHandlingEvent(
    trackingId: string,
    voyageNumber: string | null,
    location: Location,
    handlingActivity: HandlingActivity,
  ): Promise<void> {
    const cargo = await this.getCargo(trackingId);
    cargo.registerHandlingEvent(trackingId, voyageNumber, location, handlingActivity);
    await this.save(cargo);
  }

  getCargo(trackingId: string): Promise<Cargo> {
    return this.repository.get<Cargo>(trackingId);
  }
}
