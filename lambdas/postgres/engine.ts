import type { DatabaseEngine } from '../database/strategy';
import { POSTGRES_DIALECT } from './dialect';
import { POSTGRES_DRIVER } from './driver';
import { POSTGRES_SPEC } from './spec';

/** PostgreSQL and Aurora PostgreSQL: the parts the database strategies need. */
export const POSTGRES_ENGINE: DatabaseEngine = {
  type: 'postgres',
  spec: POSTGRES_SPEC,
  dialect: POSTGRES_DIALECT,
  driver: POSTGRES_DRIVER,
  dataApiEngine: 'postgres',
  // AWS's PostgreSQL functions leave these out: they need escaping in connection strings (URLs, key=value).
  defaultExcludeCharacters: ':/@"\'\\',
};
