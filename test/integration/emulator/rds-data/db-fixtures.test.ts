import { existsSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { selfSignedCert, startMariaDb, startPostgres } from '../../../support';

describe('test database fixtures', () => {
  describe('startPostgres', () => {
    it('serves TLS only, logs connections, and removes its data directory on stop', async () => {
      const tls = await selfSignedCert();
      const pg = await startPostgres({ tls, requireTls: true, logConnections: true, database: 'app' });
      try {
        const client = new Client({ connectionString: pg.url, ssl: { ca: tls.cert } });
        await client.connect();
        const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
        await client.end();
        expect(rows).toEqual([{ db: 'app' }]);
        expect(pg.log()).toMatch(/connection authorized: user=postgres database=app SSL enabled/);

        const plain = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password });
        await expect(plain.connect()).rejects.toThrow(/no encryption/);
      } finally {
        await pg.stop();
      }
      const dataDir = /\/tmp\/pg-fixture-[^/]+/.exec(pg.log())?.[0];
      expect(dataDir).toBeDefined();
      expect(existsSync(dataDir as string)).toBe(false);
    }, 60_000);
  });

  describe('startMariaDb', () => {
    it('gives root a password that works over TCP and refuses a wrong one', async () => {
      const db = await startMariaDb({ database: 'app' });
      try {
        const connection = await createConnection({ uri: db.url });
        const [rows] = await connection.query('SELECT DATABASE() AS db, CURRENT_USER() AS who');
        await connection.end();
        expect(rows).toEqual([{ db: 'app', who: 'root@127.0.0.1' }]);

        const wrong = { host: db.host, port: db.port, user: db.rootUser, password: 'not-the-password' };
        await expect(createConnection(wrong)).rejects.toThrow(/Access denied/);
      } finally {
        await db.stop();
      }
    }, 60_000);

    it('serves TLS when given a certificate', async () => {
      const tls = await selfSignedCert();
      const db = await startMariaDb({ tls, requireTls: true });
      try {
        const connection = await createConnection({ uri: db.url, ssl: { ca: tls.cert } });
        const [rows] = await connection.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
        await connection.end();
        expect(rows).toEqual([{ Variable_name: 'Ssl_version', Value: expect.stringMatching(/^TLSv1\.[23]$/) }]);
      } finally {
        await db.stop();
      }
    }, 60_000);
  });
});
