/**
 * The cargo shipping example, run on the in-memory store, SQLite and PostgreSQL, chosen by
 * environment only. The PostgreSQL server's POSTGRES_* variables come from the environment
 * the test run provides; each application gets a schema of its own.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryFactory } from "@es/persistence-core";
import { PostgresFactory } from "@es/postgres";
import { SqliteFactory } from "@es/sqlite";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BookingApplication } from "../src/application.js";
import { BookingService, selectPreferredItinerary } from "../src/interface.js";

const dir = mkdtempSync(join(tmpdir(), "es-cargo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const WEEK = 7 * 24 * 3600 * 1000;

type Factory = typeof InMemoryFactory | typeof SqliteFactory | typeof PostgresFactory;

const stores: [string, () => Record<string, string>, Factory][] = [
  ["in-memory", () => ({}), InMemoryFactory],
  [
    "sqlite",
    () => ({
      INFRASTRUCTURE_FACTORY: "@es/sqlite",
      SQLITE_DBNAME: join(dir, `cargo-${randomUUID()}.db`),
    }),
    SqliteFactory,
  ],
  [
    "postgres",
    () => ({
      INFRASTRUCTURE_FACTORY: "@es/postgres",
      POSTGRES_SCHEMA: `cargo_${randomUUID().replaceAll("-", "")}`,
    }),
    PostgresFactory,
  ],
];

describe.each(stores)("cargo shipping (%s)", (_store, env, factory) => {
  let service: BookingService;
  afterEach(() => service.app.close());

  it("lets an admin book new cargo and change its destination", async () => {
    service = new BookingService(new BookingApplication({ env: env() }));
    await service.app.ready;
    expect(service.app.factory).toBeInstanceOf(factory);
    const arrivalDeadline = new Date(Date.now() + 3 * WEEK);
    const cargoId = await service.bookNewCargo("NLRTM", "USDAL", arrivalDeadline);
    let details = await service.getCargoDetails(cargoId);
    expect(details.id).toBeTruthy();
    expect(details.origin).toBe("NLRTM");
    expect(details.destination).toBe("USDAL");
    await service.changeDestination(cargoId, "AUMEL");
    details = await service.getCargoDetails(cargoId);
    expect(details.destination).toBe("AUMEL");
    expect(details.arrivalDeadline).toEqual(arrivalDeadline);
    await expect(service.changeDestination(cargoId, "ATLANTIS")).rejects.toThrow(
      "Unknown location: ATLANTIS",
    );
  });

  it("ships cargo from Hongkong to Stockholm", async () => {
    service = new BookingService(new BookingApplication({ env: env() }));
    // A cargo should be shipped from Hongkong to Stockholm, arriving within two weeks.
    const trackingId = await service.bookNewCargo(
      "HONGKONG",
      "STOCKHOLM",
      new Date(Date.now() + 2 * WEEK),
    );

    // Use case 1: booking.
    let details = await service.getCargoDetails(trackingId);
    expect(details.transportStatus).toBe("NOT_RECEIVED");
    expect(details.routingStatus).toBe("NOT_ROUTED");
    expect(details.isMisdirected).toBe(false);
    expect(details.estimatedTimeOfArrival).toBeNull();
    expect(details.nextExpectedActivity).toBeNull();

    // Use case 2: routing.
    let route = selectPreferredItinerary(await service.requestPossibleRoutesForCargo(trackingId));
    await service.assignRoute(trackingId, route);
    details = await service.getCargoDetails(trackingId);
    expect(details.transportStatus).toBe("NOT_RECEIVED");
    expect(details.routingStatus).toBe("ROUTED");
    expect(details.isMisdirected).toBe(false);
    expect(details.estimatedTimeOfArrival).toBeInstanceOf(Date);
    expect(details.nextExpectedActivity).toEqual(["RECEIVE", "HONGKONG"]);

    // Use case 3: handling. Received in Hongkong.
    await service.registerHandlingEvent(trackingId, null, "HONGKONG", "RECEIVE");
    details = await service.getCargoDetails(trackingId);
    expect(details.transportStatus).toBe("IN_PORT");
    expect(details.lastKnownLocation).toBe("HONGKONG");
    expect(details.nextExpectedActivity).toEqual(["LOAD", "HONGKONG", "V1"]);

    // Loaded onto voyage V1.
    await service.registerHandlingEvent(trackingId, "V1", "HONGKONG", "LOAD");
    details = await service.getCargoDetails(trackingId);
    expect(details.currentVoyageNumber).toBe("V1");
    expect(details.lastKnownLocation).toBe("HONGKONG");
    expect(details.transportStatus).toBe("ONBOARD_CARRIER");
    expect(details.nextExpectedActivity).toEqual(["UNLOAD", "NEWYORK", "V1"]);

    // Incorrectly unloaded in Tokyo.
    await service.registerHandlingEvent(trackingId, "V1", "TOKYO", "UNLOAD");
    details = await service.getCargoDetails(trackingId);
    expect(details.currentVoyageNumber).toBeNull();
    expect(details.lastKnownLocation).toBe("TOKYO");
    expect(details.transportStatus).toBe("IN_PORT");
    expect(details.isMisdirected).toBe(true);
    expect(details.nextExpectedActivity).toBeNull();

    // Rerouted.
    route = selectPreferredItinerary(await service.requestPossibleRoutesForCargo(trackingId));
    await service.assignRoute(trackingId, route);

    // Loaded in Tokyo.
    await service.registerHandlingEvent(trackingId, "V3", "TOKYO", "LOAD");
    details = await service.getCargoDetails(trackingId);
    expect(details.currentVoyageNumber).toBe("V3");
    expect(details.lastKnownLocation).toBe("TOKYO");
    expect(details.transportStatus).toBe("ONBOARD_CARRIER");
    expect(details.isMisdirected).toBe(false);
    expect(details.nextExpectedActivity).toEqual(["UNLOAD", "HAMBURG", "V3"]);

    // Unloaded in Hamburg.
    await service.registerHandlingEvent(trackingId, "V3", "HAMBURG", "UNLOAD");
    details = await service.getCargoDetails(trackingId);
    expect(details.currentVoyageNumber).toBeNull();
    expect(details.lastKnownLocation).toBe("HAMBURG");
    expect(details.transportStatus).toBe("IN_PORT");
    expect(details.isMisdirected).toBe(false);
    expect(details.nextExpectedActivity).toEqual(["LOAD", "HAMBURG", "V4"]);

    // Loaded in Hamburg.
    await service.registerHandlingEvent(trackingId, "V4", "HAMBURG", "LOAD");
    details = await service.getCargoDetails(trackingId);
    expect(details.currentVoyageNumber).toBe("V4");
    expect(details.lastKnownLocation).toBe("HAMBURG");
    expect(details.transportStatus).toBe("ONBOARD_CARRIER");
    expect(details.isMisdirected).toBe(false);
    expect(details.nextExpectedActivity).toEqual(["UNLOAD", "STOCKHOLM", "V4"]);

    // Unloaded in Stockholm.
    await service.registerHandlingEvent(trackingId, "V4", "STOCKHOLM", "UNLOAD");
    details = await service.getCargoDetails(trackingId);
    expect(details.currentVoyageNumber).toBeNull();
    expect(details.lastKnownLocation).toBe("STOCKHOLM");
    expect(details.transportStatus).toBe("IN_PORT");
    expect(details.isMisdirected).toBe(false);
    expect(details.nextExpectedActivity).toEqual(["CLAIM", "STOCKHOLM"]);

    // Finally claimed in Stockholm.
    await service.registerHandlingEvent(trackingId, null, "STOCKHOLM", "CLAIM");
    details = await service.getCargoDetails(trackingId);
    expect(details.currentVoyageNumber).toBeNull();
    expect(details.lastKnownLocation).toBe("STOCKHOLM");
    expect(details.transportStatus).toBe("CLAIMED");
    expect(details.isMisdirected).toBe(false);
    expect(details.nextExpectedActivity).toBeNull();
  });
});
