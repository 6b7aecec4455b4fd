/**
 * @es/persistence-core — how domain events are stored: transcoder, mapper, records, recorder
 * interfaces, live subscriptions to notifications, event store, infrastructure factory, errors,
 * in-memory recorders, and views (where projections keep their rows). Database adapters
 * implement these interfaces; `@es/persistence-core/testing` holds the conformance kit.
 */
export {
  type ChangeFeed,
  ChangeNotifier,
  combinedFeed,
  SharedFeed,
  type StopListening,
} from "./change-feed.js";
export { Checkpointer, type CheckpointerOptions } from "./checkpointer.js";
export {
  type Checkpoint,
  CheckpointStore,
  checkpointSigned,
  type ExportedCheckpoint,
  exportCheckpoint,
  generateCheckpointKeys,
  importCheckpoint,
  type StoredCheckpoint,
  signCheckpoint,
  signingKey,
  verifyingKey,
} from "./checkpoints.js";
export type { Cipher, Compressor } from "./codecs.js";
export {
  Environment,
  type EnvValues,
  envSchemas,
  parseOptions,
} from "./environment.js";
export {
  ConfigurationError,
  DatabaseError,
  DataError,
  IntegrityError,
  type IntegrityViolation,
  IntegrityViolationError,
  type IntegrityViolationKind,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  PersistenceError,
  ProgrammingError,
  RecordConflictError,
  TrackingTimeoutError,
  violationPlace,
} from "./errors.js";
export {
  type ChainHead,
  chainHeadOf,
  eventHash,
  genesisHash,
  hashOf,
  isEventHash,
  setChainHeadOf,
  setHashOf,
} from "./event-hashes.js";
export {
  EventStore,
  type EventStoreOptions,
  type GetEventsOptions,
  type PutOptions,
} from "./event-store.js";
export { type ChainState, HashChain, type PreviousHash } from "./hash-chain.js";
export { checkHashes, HASH_LENGTH } from "./hash-checks.js";
export { InMemoryFactory, inMemory } from "./in-memory/factory.js";
export {
  InMemoryAggregateRecorder,
  InMemoryApplicationRecorder,
  InMemoryProcessRecorder,
  InMemoryTrackingRecorder,
} from "./in-memory/recorders.js";
export { InMemoryView } from "./in-memory/view.js";
export {
  CHECKPOINT_INTERVAL,
  CHECKPOINT_SIGNING_KEY,
  CHECKPOINT_VERIFYING_KEY,
  CIPHER_KEY,
  CIPHER_TOPIC,
  COMPRESSOR_TOPIC,
  type Codecs,
  type ConstructOptions,
  CREATE_TABLE,
  type FactoryInit,
  INFRASTRUCTURE_FACTORY,
  type Infrastructure,
  InfrastructureFactory,
  type InfrastructureFactoryClass,
  IS_EVENT_HASHING_ENABLED,
  IS_SNAPSHOTTING_ENABLED,
  type StoreDescription,
} from "./infrastructure-factory.js";
export { LOG_START, LogHasher, type LogPosition } from "./log-hash.js";
export { Mapper, type MapperOptions, StoredEventDecodingError } from "./mapper.js";
export {
  type EventSelection,
  eventSelection,
  type NotificationSelection,
  notificationSelection,
} from "./notification-selection.js";
export {
  type CheckedSubscribeOptions,
  checkSubscribeOptions,
  notificationPages,
  notificationSubscription,
  type SubscribeOptions,
} from "./notification-subscription.js";
export type { Page } from "./page.js";
export type { PromptChannel } from "./prompt-channel.js";
export type {
  AggregateRecorder,
  ApplicationRecorder,
  InsertEventsOptions,
  ProcessRecorder,
  SelectEventsOptions,
  SelectNotificationsOptions,
  TrackingRecorder,
  WaitOptions,
} from "./recorders.js";
export {
  type Notification,
  notification,
  type StoredEvent,
  storedEvent,
  type TextStoredEvent,
  type Tracking,
  tracking,
} from "./records.js";
export {
  keyOf,
  RECORD_KINDS,
  type RecordKey,
  type RecordKind,
  type RecordsOf,
  type StoredRecords,
} from "./stored-records.js";
export { type Subscription, subscription } from "./subscription.js";
export {
  BigIntAsString,
  BytesAsBase64,
  DateAsISO,
  decimalTranscoding,
  JSONTranscoder,
  MapAsEntries,
  SetAsList,
  type Transcoder,
  type Transcoding,
} from "./transcoder.js";
export {
  type IntegrityReport,
  type VerifyProgress,
  type VerifyStoreOptions,
  verifyStore,
} from "./verify-store.js";
export type { View, ViewRebuild } from "./view.js";
export { waitForTracking } from "./wait-for-tracking.js";
