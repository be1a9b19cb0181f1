import type { EngineSpec } from '../database/db-secret';

/** PostgreSQL in AWS's RDS secret format. */
export const POSTGRES_SPEC: EngineSpec = {
  name: 'PostgreSQL',
  engines: ['postgres', 'aurora-postgresql'],
  defaultPort: 5432,
  defaultDbname: 'postgres',
  // NAMEDATALEN - 1 is 63 bytes; the dialect cuts clone names on a character boundary to fit in bytes.
  maxUsernameLength: 63,
  usernameLimitUnit: 'bytes',
  usernameLimitReason: 'PostgreSQL NAMEDATALEN',
};
