/**
 * Hot queries built once and sent as named prepared statements: drizzle builds the SQL text once per
 * database handle and query shape (not per request), and PostgreSQL parses it once per connection.
 * A query whose conditions depend on the request (a search with optional filters) has one shape per
 * combination of the filters present; the shape is part of the statement's name.
 *
 * Only for statements whose plan does not hinge on the values: after five executions PostgreSQL may
 * keep a generic plan for a named statement. Use it where a profile shows the query builder.
 */
import type { Executor } from './database.js';

type Prepared = { execute: (values?: Record<string, unknown>) => Promise<unknown> };

export function preparedStatements<Query extends Prepared>(
  prefix: string,
  build: (db: Executor, name: string, shape: string) => Query,
): (db: Executor, shape: string) => Query {
  if (!/^[a-z_]+$/.test(prefix)) throw new Error(`Prepared statement prefix ${prefix}: lower-case letters and _ only`);
  const byHandle = new WeakMap<Executor, Map<string, Query>>();
  return (db, shape) => {
    let shapes = byHandle.get(db);
    if (!shapes) {
      shapes = new Map();
      byHandle.set(db, shapes);
    }
    let query = shapes.get(shape);
    if (!query) {
      query = build(db, `kooperacja_${prefix}_${shape}`, shape);
      shapes.set(shape, query);
    }
    return query;
  };
}
