import fc from 'fast-check';
import type { SqlSession } from '../../../lambdas/database/types';
import { parseGrantLine } from '../../../lambdas/mysql/grants';
import { quoteName, quoteString, sessionInfo } from '../../../lambdas/mysql/quote';
import { sharedMariaDb } from '../../support';
import { rootSession, unique } from './mysql-fixture';

const server = sharedMariaDb();
/** Any characters, weighted towards those that need escaping. */
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\0', '\b', '\n', '\r', '\t', '\x1a', '\\', "'", '"', '`', '?', '%', '_'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});
/** Names MariaDB stores: no NUL, no 4-byte characters (utf8mb3 columns), no trailing space. */
const name = fc
  .string({ unit: 'binary-ascii', minLength: 1, maxLength: 20 })
  .map((value) => value.replace(/\0/g, 'x'))
  .filter((value) => !value.endsWith(' '));

describe('MySQL quoting against a real server (property)', () => {
  let root: SqlSession;

  beforeAll(async () => {
    root = await rootSession(server());
  });

  afterAll(async () => {
    await root?.close();
  });

  it.each(['', 'NO_BACKSLASH_ESCAPES', 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'])(
    'reads back every string literal unchanged in sql_mode %j',
    async (mode) => {
      await root.query(`SET SESSION sql_mode = '${mode}'`);
      const info = await sessionInfo(root);
      await fc.assert(
        fc.asyncProperty(text, async (value) => {
          const [row] = await root.query(`SELECT ${quoteString(value, info)} AS v`);
          expect(row.v).toBe(value);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('re-issues any grant SHOW GRANTS prints for odd user, database and table names', async () => {
    await root.query("SET SESSION sql_mode = ''");
    const info = await sessionInfo(root);
    await fc.assert(
      fc.asyncProperty(name, name, name, async (user, db, table) => {
        const id = unique('');
        const [u, d, t] = [`${user}${id}`, `${db}${id}`, `${table}${id}`];
        await root.query(`CREATE DATABASE ${quoteName(d)}`);
        try {
          await root.query(`CREATE TABLE ${quoteName(d)}.${quoteName(t)} (${quoteName(u)} int)`);
          await root.query(`CREATE USER ${quoteString(u, info)}@'h1', ${quoteString(u, info)}@'h2'`);
          await root.query(
            `GRANT SELECT (${quoteName(u)}), INSERT ON ${quoteName(d)}.${quoteName(t)} TO ${quoteString(u, info)}@'h1' WITH GRANT OPTION`,
          );
          const shown = await root.query(`SHOW GRANTS FOR ${quoteString(u, info)}@'h1'`);
          for (const row of shown) {
            await root.query(
              parseGrantLine(String(Object.values(row)[0]), info).replay(`${quoteString(u, info)}@'h2'`),
            );
          }
          const again = await root.query(`SHOW GRANTS FOR ${quoteString(u, info)}@'h2'`);
          const strip = (rows: readonly Record<string, unknown>[], host: string) =>
            rows.map((row) => String(Object.values(row)[0]).split(`@\`${host}\``).join('@<host>'));
          expect(strip(again, 'h2')).toEqual(strip(shown, 'h1'));
        } finally {
          await root.query(`DROP USER IF EXISTS ${quoteString(u, info)}@'h1', ${quoteString(u, info)}@'h2'`);
          await root.query(`DROP DATABASE ${quoteName(d)}`);
        }
      }),
      { numRuns: 40 },
    );
  });
});
