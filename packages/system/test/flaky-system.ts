/**
 * A system whose follower fails once as a store does when its connection is lost (an
 * OperationalError): the first time, in whichever process, that the file named by
 * FLAKY_MARKER doesn't exist yet.
 */
import { existsSync, writeFileSync } from "node:fs";
import type { DomainEvent } from "@es/domain";
import { OperationalError } from "@es/persistence-core";
import { type ProcessEvent, System } from "../src/index.js";
import { Counters, World, Worlds } from "./worlds.js";

export class Flaky extends Counters {
  static override applicationName = "Flaky";

  override async policy(domainEvent: DomainEvent, processEvent: ProcessEvent): Promise<void> {
    const marker = process.env.FLAKY_MARKER;
    if (marker && domainEvent instanceof World.SomethingHappened && !existsSync(marker)) {
      writeFileSync(marker, "");
      throw new OperationalError("The connection was lost");
    }
    await super.policy(domainEvent, processEvent);
  }
}

export const system = new System([[Worlds, Flaky]]);
