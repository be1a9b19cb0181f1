import type { DatabaseEngine } from '../database/strategy';
import { MYSQL_DRIVER } from './connect';
import { MYSQL_DIALECT } from './dialect';
import { MYSQL_SPEC } from './spec';

/** MySQL, Aurora MySQL and MariaDB: the parts the database strategies need. */
export const MYSQL_ENGINE: DatabaseEngine = {
  type: 'mysql',
  spec: MYSQL_SPEC,
  dialect: MYSQL_DIALECT,
  driver: MYSQL_DRIVER,
  dataApiEngine: 'mysql',
  // AWS's MySQL and MariaDB functions leave these out: they need escaping in connection strings and shells.
  defaultExcludeCharacters: '/@"\'\\',
};
