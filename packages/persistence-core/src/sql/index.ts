/**
 * @es/persistence-core/sql — a small toolkit for SQL adapters (the SQLite and PostgreSQL ones
 * use it, and a third-party adapter may): checked table names, statements written as text with
 * their parameters made in the same template, the recorders' statements that every dialect
 * shares (and each dialect's way of selecting by topic), rows read as records, the base of an
 * adapter's infrastructure factory, and the checks of pages that every view's transaction and
 * every process recorder's insert of a page makes; the states every view's rebuild goes
 * through; and what describing a store (`describeStore`) takes.
 */

export { checkPageOf, insertedTracking, pageRefusedBy, refuseTracking } from "../page.js";
export { beginRebuild, RebuildGuard, type RebuildSteps, viewRebuild } from "../rebuild.js";
export { withTracking } from "../tracking-delegate.js";
export { checkPage, pageRefused } from "../view.js";
export { toBuffer } from "./bytes.js";
export { identifier, isIdentifier, tableName, tablePrefix } from "./identifiers.js";
export {
  EVENT_COLUMNS,
  type EventColumns,
  type HashColumn,
  hashParameter,
  hasTrackingId,
  insertEvent,
  insertTracking,
  maxNotificationId,
  maxTrackingId,
  type SelectEventsArgs,
  type SelectNotificationsArgs,
  type SelectNotificationsShape,
  STORED_HASH,
  STORED_STATE,
  type StateColumn,
  selectEvents,
  selectEventsStatements,
  selectedEventColumns,
  selectNotificationId,
  selectNotifications,
} from "./recorder-statements.js";
export {
  columnHash,
  type HashReader,
  type NotificationRow,
  type NotificationValues,
  notificationOfValues,
  type StoredEventRow,
  type StoredEventValues,
  storedEventOfValues,
  toNotification,
  toStoredEvent,
  valuesReader,
} from "./rows.js";
export {
  type CreatesTables,
  requiredVariable,
  type SqlAdapterTypes,
  type SqlFactoryClass,
  SqlInfrastructureFactory,
  type SqlRecorderClasses,
} from "./sql-infrastructure-factory.js";
export {
  DOLLAR_NUMBERS,
  type Parameter,
  type ParameterStyle,
  QUESTION_MARKS,
  raw,
  Sql,
  type SqlPart,
  type Statement,
  sql,
} from "./statement.js";
export {
  isTrackingTable,
  quotedIdentifier,
  selectTrackingPositions,
  sortedDescription,
  TRACKING_COLUMNS,
} from "./store-description.js";
export { recordValues, selectLastKey, selectRecordsPage } from "./stored-records.js";
export { ARRAY_TOPICS, jsonTopics, type TopicList } from "./topic-lists.js";
