import fc from 'fast-check';
import { PlaceholderError, scanPlaceholders, toNamedParameters } from '../../../lambdas/database/placeholders';

const indexes = (sql: string, dialect: 'postgres' | 'mysql') =>
  scanPlaceholders(sql, dialect).placeholders.map((p) => p.index);

describe('toNamedParameters', () => {
  describe('PostgreSQL', () => {
    it('rewrites $n to :pn, keeping casts and repeated parameters', () => {
      expect(toNamedParameters('SELECT $1::text, $2, $1 FROM t WHERE a = $2', 'postgres', 2)).toBe(
        'SELECT :p1::text, :p2, :p1 FROM t WHERE a = :p2',
      );
    });

    it('rewrites parameters numbered 10 and up whole', () => {
      const sql = `SELECT ${Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(', ')}`;
      expect(toNamedParameters(sql, 'postgres', 12)).toBe(
        `SELECT ${Array.from({ length: 12 }, (_, i) => `:p${i + 1}`).join(', ')}`,
      );
    });

    it.each([
      ['a string literal with a doubled quote', "SELECT 'it''s $1', $1"],
      ['a backslash that does not escape in a standard string', "SELECT 'C:\\', $1"],
      ['a quoted identifier', 'SELECT "col$1""x", $1'],
      ['a line comment', 'SELECT $1 -- and $2\n'],
      ['a block comment', 'SELECT /* $2 */ $1'],
      ['a nested block comment', 'SELECT /* a /* $2 */ still $2 */ $1'],
      ['a dollar-quoted string', 'SELECT $$ $2 $$, $1'],
      ['a tagged dollar-quoted string', 'SELECT $fn$ it is $$ $2 $fn$, $1'],
      ['an E string with an escaped quote', "SELECT E'\\' $2', $1"],
      ['a lower-case e string', "SELECT e'\\\\' , $1"],
      ['an identifier with a dollar', 'SELECT a$2, $1 FROM t'],
      ['a question mark (a jsonb operator)', "SELECT '{}'::jsonb ? 'a', $1"],
    ])('ignores placeholders inside %s', (_, sql) => {
      expect(indexes(sql, 'postgres')).toEqual([1]);
      const at = sql.lastIndexOf('$1');
      expect(toNamedParameters(sql, 'postgres', 1)).toBe(`${sql.slice(0, at)}:p1${sql.slice(at + 2)}`);
    });

    it('treats a quote after an identifier ending in E as an ordinary string', () => {
      // `somE'...'` is not an escape string: the backslash does not escape, so the quote closes it.
      expect(indexes("SELECT typE'\\', $1", 'postgres')).toEqual([1]);
    });

    it('runs an unterminated string to the end, as the server reads it', () => {
      expect(indexes("SELECT $1, 'open $2", 'postgres')).toEqual([1]);
      expect(indexes('SELECT $1, $tag$ open $2', 'postgres')).toEqual([1]);
    });

    it('refuses a parameter the SQL does not use', () => {
      expect(() => toNamedParameters('SELECT $1, $3', 'postgres', 3)).toThrow(
        new PlaceholderError('parameter 2 of 3 is not used by the SQL (expected $2)'),
      );
    });

    it('refuses a placeholder with no parameter', () => {
      expect(() => toNamedParameters('SELECT $1, $2', 'postgres', 1)).toThrow(/uses \$2 but 1 parameter/);
      expect(() => toNamedParameters('SELECT $0', 'postgres', 1)).toThrow(/uses \$0/);
    });

    it('passes SQL without parameters as it is (the dialect quoted it for the session)', () => {
      // With NO_BACKSLASH_ESCAPES this literal is 'a\' followed by ? : a scanner assuming backslash escapes misreads it.
      const sql = "SET PASSWORD = PASSWORD('a\\' '?x')";
      expect(toNamedParameters(sql, 'mysql', 0)).toBe(sql);
    });

    it('refuses a :name outside quotes, which the Data API would bind', () => {
      expect(() => toNamedParameters('SELECT :p1, $1', 'postgres', 1)).toThrow(/must not contain :p1/);
      expect(toNamedParameters("SELECT ':p1', x::int, $1", 'postgres', 1)).toBe("SELECT ':p1', x::int, :p1");
    });
  });

  describe('MySQL', () => {
    it('numbers each ? in order', () => {
      expect(toNamedParameters('INSERT INTO t (a, b) VALUES (?, ?)', 'mysql', 2)).toBe(
        'INSERT INTO t (a, b) VALUES (:p1, :p2)',
      );
    });

    it.each([
      ['a single-quoted string with backslash escapes', "SELECT 'it\\'s ?', ?"],
      ['a single-quoted string with a doubled quote', "SELECT 'it''s ?', ?"],
      ['a double-quoted string', 'SELECT "say \\"?\\"", ?'],
      ['a backtick identifier', 'SELECT `a?``b`, ?'],
      ['a hash comment', 'SELECT ? # and ?\n'],
      ['a dash comment', 'SELECT ? -- and ?\n'],
      ['a block comment', 'SELECT /* ? */ ?'],
    ])('ignores ? inside %s', (_, sql) => {
      expect(indexes(sql, 'mysql')).toEqual([1]);
    });

    it('reads --? without a space as an operator and a placeholder, as MySQL does', () => {
      expect(indexes('SELECT 1 --?', 'mysql')).toEqual([1]);
    });

    it('does not nest block comments', () => {
      expect(indexes('SELECT /* /* */ ?', 'mysql')).toEqual([1]);
    });

    it('does not treat $ specially', () => {
      expect(indexes("SELECT $$ ? $$, '$1'", 'mysql')).toEqual([1]);
    });

    it('refuses a count that does not match', () => {
      expect(() => toNamedParameters('SELECT ?, ?', 'mysql', 1)).toThrow(PlaceholderError);
      expect(() => toNamedParameters('SELECT ?', 'mysql', 2)).toThrow(/parameter 2 of 2 is not used/);
    });

    it('keeps a placeholder apart from a word that follows it without a space', () => {
      expect(toNamedParameters('SELECT * FROM t WHERE a=?AND b=?', 'mysql', 2)).toBe(
        'SELECT * FROM t WHERE a=:p1 AND b=:p2',
      );
    });

    it('keeps the := assignment operator', () => {
      expect(toNamedParameters('SET @a := ?', 'mysql', 1)).toBe('SET @a := :p1');
    });
  });

  describe('properties', () => {
    /** Text with no quote, comment, dollar, question mark or colon: nothing in it is special. */
    const plain = fc.stringMatching(/^[A-Za-z0-9 ,()=+*<>._\n]{0,12}$/);
    /** Pieces inside which no placeholder counts. */
    const pgOpaque = fc.oneof(
      fc.stringMatching(/^[^']{0,8}$/).map((s) => `'${s}'`),
      fc.stringMatching(/^[^"]{0,8}$/).map((s) => `"${s}"`),
      fc.stringMatching(/^[^\n]{0,8}$/).map((s) => `-- ${s}\n`),
      fc.stringMatching(/^[^*/]{0,8}$/).map((s) => `/* ${s} */`),
      fc.stringMatching(/^[^$]{0,8}$/).map((s) => `$q$${s}$q$`),
      fc.stringMatching(/^[^'\\]{0,8}$/).map((s) => ` E'\\'${s}'`),
    );
    const mysqlOpaque = fc.oneof(
      fc.stringMatching(/^[^'\\]{0,8}$/).map((s) => `'\\'${s}'`),
      fc.stringMatching(/^[^"\\]{0,8}$/).map((s) => `"${s}"`),
      fc.stringMatching(/^[^`]{0,8}$/).map((s) => `\`${s}\``),
      fc.stringMatching(/^[^\n]{0,8}$/).map((s) => `# ${s}\n`),
      fc.stringMatching(/^[^*]{0,8}$/).map((s) => `/* ${s} */`),
    );

    it('PostgreSQL: finds exactly the placeholders outside opaque pieces, whatever those pieces hold', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(plain, pgOpaque, fc.integer({ min: 1, max: 30 })), { maxLength: 8 }), (parts) => {
          const sql = parts.map(([text, opaque, n]) => `${text} ${opaque} $${n} `).join('');
          expect(indexes(sql, 'postgres')).toEqual(parts.map(([, , n]) => n));
        }),
      );
    });

    it('MySQL: finds exactly the ? outside opaque pieces, numbered in order', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(plain, mysqlOpaque), { maxLength: 8 }), (parts) => {
          const sql = parts.map(([text, opaque]) => `${text} ${opaque} ? `).join('');
          expect(indexes(sql, 'mysql')).toEqual(parts.map((_, i) => i + 1));
        }),
      );
    });

    it('changes nothing but the placeholders', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(plain, mysqlOpaque), { minLength: 1, maxLength: 6 }), (parts) => {
          const sql = parts.map(([text, opaque]) => `${text} ${opaque} ? `).join('');
          const out = toNamedParameters(sql, 'mysql', parts.length);
          let n = 0;
          expect(out).toBe(parts.map(([text, opaque]) => `${text} ${opaque} :p${++n} `).join(''));
        }),
      );
    });

    it('never throws on arbitrary text and reports positions that hold placeholders', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 60 }), fc.constantFrom('postgres' as const, 'mysql' as const), (sql, d) => {
          for (const p of scanPlaceholders(sql, d).placeholders) {
            const text = sql.slice(p.start, p.end);
            if (d === 'mysql') expect(text).toBe('?');
            else expect(/^\$[0-9]+$/.test(text) && Number(text.slice(1)) === p.index).toBe(true);
          }
        }),
      );
    });
  });
});
