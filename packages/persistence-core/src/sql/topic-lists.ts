/**
 * How each dialect selects a page of the notifications of some topics in one statement, the
 * topics given as one parameter, so that one prepared statement serves any list. For each
 * topic, its rows come from the table's index on (topic, notification_id), already in id order,
 * and no more of them are read than the page's limit; the topics' rows are then merged by id.
 * A page then costs about the same wherever it is in a log of any size, for a rare topic or a
 * common one.
 *
 * Planners have to be held to that plan. Left to themselves — with statistics that say every
 * topic is common, or with a generic plan, which doesn't know the topics it will be given —
 * they scan the id index and filter by topic, which reads the whole log to fill a page of a
 * rare topic (about 0.3 s a page at 1,000,000 events).
 */

import type { SelectNotificationsArgs } from "./recorder-statements.js";
import { EVENT_COLUMNS, notificationParameters } from "./recorder-statements.js";
import { raw, type Sql, sql } from "./statement.js";

/** How a dialect selects the rows of the topics a call lists. */
export interface TopicList {
  /**
   * A FROM clause (with its WHERE) giving, as `e`, the table's rows whose topic is listed and
   * whose id is from `start` and below `bound`, reading each topic's in id order, no further
   * than the page's limit.
   */
  rows(table: string): Sql<SelectNotificationsArgs>;
}

const { start, bound, limit, topics } = notificationParameters;

/**
 * SQLite's topic list: a JSON array in one text parameter, read by `json_each`. `CROSS JOIN`
 * makes the list the outer loop and `INDEXED BY` the topic index the inner one (with statistics,
 * SQLite may otherwise scan the ids); SQLite then stops each topic's scan as soon as the page
 * can take no more of its rows (its ORDER BY … LIMIT optimisation for an inner loop in order).
 *
 * @param index the table's index on (topic, notification_id), quoted. The statement fails to
 *   prepare if it is missing (a table made before it, with `CREATE_TABLE` off since).
 */
export function jsonTopics(index: string): TopicList {
  const list = (a: SelectNotificationsArgs) => JSON.stringify(a.topics ?? []);
  return {
    rows: (table) =>
      sql<SelectNotificationsArgs>`json_each(${list}) AS t CROSS JOIN ${raw(table)} AS e INDEXED BY ${raw(index)} WHERE e.topic = t.value AND e.notification_id >= ${start} AND e.notification_id < ${bound}`,
  };
}

/**
 * PostgreSQL's topic list: one `text[]` parameter. For each topic a LATERAL subquery reads at
 * most the page's limit of its rows. Their range is written as row comparisons on (topic,
 * notification_id): only the topic index can take them as its range, and ordering by (topic,
 * notification_id), which the planner can't drop as it would for `topic = …`, rules out the id
 * index, whatever a generic plan guesses of the topics' frequencies.
 */
export const ARRAY_TOPICS: TopicList = {
  rows: (table) =>
    sql<SelectNotificationsArgs>`unnest(${topics}::text[]) AS t(value) CROSS JOIN LATERAL (SELECT notification_id, ${raw(EVENT_COLUMNS)} FROM ${raw(table)} WHERE (topic, notification_id) >= (t.value, ${start}) AND (topic, notification_id) < (t.value, ${bound}) ORDER BY topic, notification_id LIMIT ${limit}) AS e`,
};
