import { type Compilable, CompiledQuery } from 'kysely';
import { StoreError } from '../errors.js';

/**
 * A query built and compiled by Kysely once, then run many times with new
 * values. Building and compiling a query costs several times what SQLite takes
 * to run it, so the hot paths (refresh rotation, rate limits) bind values into
 * SQL compiled on first use. The builder receives placeholders, one per named
 * value; every other value in the query stays as compiled.
 *
 * @example
 * const find = new PreparedQuery(['id'], (p) => db.selectFrom('sessions').selectAll().where('id', '=', p.id));
 * const { rows } = await db.executeQuery(find.bind({ id }));
 */
export class PreparedQuery<Name extends string, Row> {
  readonly #sql: string;
  /** Per parameter: the name of the value to bind, or a constant compiled into the query. */
  readonly #slots: ({ name: Name } | { constant: unknown })[];

  constructor(names: readonly Name[], build: (placeholders: Record<Name, never>) => Compilable<Row>) {
    const placeholders = {} as Record<Name, never>;
    const byPlaceholder = new Map<unknown, Name>();
    for (const name of names) {
      const placeholder = Symbol(name);
      placeholders[name] = placeholder as never;
      byPlaceholder.set(placeholder, name);
    }
    const compiled = build(placeholders).compile();
    this.#sql = compiled.sql;
    this.#slots = compiled.parameters.map((value) => {
      const name = byPlaceholder.get(value);
      return name === undefined ? { constant: value } : { name };
    });
    const bound = new Set(this.#slots.flatMap((slot) => ('name' in slot ? [slot.name] : [])));
    for (const name of names) {
      if (!bound.has(name))
        throw new StoreError('ERR_STORE_QUERY', `prepared query: ${name} is not a parameter of the query`);
    }
  }

  /** The compiled query with these values in place of the placeholders. */
  bind(values: Record<Name, unknown>): CompiledQuery<Row> {
    return CompiledQuery.raw(
      this.#sql,
      this.#slots.map((slot) => ('name' in slot ? values[slot.name] : slot.constant)),
    ) as CompiledQuery<Row>;
  }
}
