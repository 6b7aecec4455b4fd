/**
 * @es/postgres — PostgreSQL recorders and infrastructure factory (pg). Configure it in code
 * with `postgres({ host, user, password, database })`, or select it by environment with
 * `INFRASTRUCTURE_FACTORY=@es/postgres` and the `POSTGRES_*` variables.
 */
export {
  type Connection,
  type ListeningConnection,
  type PostgresConnectionOptions,
  PostgresDatastore,
  type Rows,
  type StatementResult,
} from "./datastore.js";
export {
  POSTGRES_CONN_MAX_AGE,
  POSTGRES_DBNAME,
  POSTGRES_HOST,
  POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
  POSTGRES_LOCK_TIMEOUT,
  POSTGRES_MAX_CONNECTIONS,
  POSTGRES_NOTIFY_SUBSCRIBERS,
  POSTGRES_PASSWORD,
  POSTGRES_PORT,
  POSTGRES_PRE_PING,
  POSTGRES_SCHEMA,
  POSTGRES_SSLCERT,
  POSTGRES_SSLKEY,
  POSTGRES_SSLMODE,
  POSTGRES_SSLROOTCERT,
  POSTGRES_URL,
  PostgresFactory,
  PostgresFactory as default,
  type PostgresOptions,
  type PostgresUrlOptions,
  postgres,
  type ResolvedPostgresOptions,
} from "./factory.js";
export {
  PostgresPromptChannel,
  PROMPT_CHANNEL,
  PROMPTS_LOST_WARNING,
  type PromptChannelOptions,
} from "./prompt-channel.js";
export {
  PostgresAggregateRecorder,
  PostgresApplicationRecorder,
  PostgresProcessRecorder,
  PostgresTrackingRecorder,
} from "./recorders.js";
export { TableName } from "./schema.js";
