import type { EngineSpec } from '../database/db-secret';

/** MySQL, Aurora MySQL and MariaDB in AWS's RDS secret format. */
export const MYSQL_SPEC: EngineSpec = {
  name: 'MySQL',
  engines: ['mysql', 'aurora-mysql', 'mariadb'],
  defaultPort: 3306,
  // AWS's functions connect to no database when the secret names none; so do we.
  defaultDbname: undefined,
  // The widest of the three: the dialect cuts `_clone` names to 32 for mysql / aurora-mysql.
  maxUsernameLength: 80,
  usernameLimitUnit: 'characters',
  usernameLimitReason: 'MariaDB user names; MySQL and Aurora MySQL allow 32',
  usernameBmpOnly: true,
};
