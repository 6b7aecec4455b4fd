/**
 * An application's live subscription: its recorder's subscription, each notification decoded to
 * a domain event by the application's mapper and given with its tracking record (the
 * application's name and the notification's id) — what a projection records when it has
 * processed the event, and resumes after.
 */
import type { DomainEvent } from "@es/domain";
import {
  type ApplicationRecorder,
  type Mapper,
  type SubscribeOptions,
  type Subscription,
  subscription,
  type Tracking,
  tracking,
} from "@es/persistence-core";

/** A domain event of a subscription, and where it is in its application's notification log. */
export interface SubscribedEvent<E extends DomainEvent = DomainEvent> {
  /** The event, decoded by the application's mapper. */
  readonly domainEvent: E;
  /** The application's name and the event's notification id. */
  readonly tracking: Tracking;
}

/** What a subscription of an application reads with, once the application is ready. */
export interface SubscriptionSource {
  /** The application's name, which the tracking records carry. */
  readonly name: string;
  /** The application's recorder and mapper, once it is ready (undefined if it has closed). */
  readonly ready: () => Promise<
    { readonly recorder: ApplicationRecorder; readonly mapper: Mapper } | undefined
  >;
  /** Told when the subscription has ended (if it ever started). */
  readonly ended: () => void;
}

/**
 * A subscription to an application's domain events, from the notification after
 * `options.after` on: the options are the recorder's (checked there, when the application is
 * ready, so the caller checks them first).
 */
export function applicationSubscription<E extends DomainEvent>(
  source: SubscriptionSource,
  options: SubscribeOptions,
): Subscription<SubscribedEvent<E>> {
  return subscription(async function* (signal) {
    try {
      const ready = await source.ready();
      if (ready === undefined || signal.aborted) return;
      const { recorder, mapper } = ready;
      for await (const notification of recorder.subscribe({ ...options, signal })) {
        yield {
          domainEvent: mapper.toDomainEvent<E>(notification),
          tracking: tracking(source.name, notification.id),
        };
      }
    } finally {
      source.ended();
    }
  }, options.signal);
}
