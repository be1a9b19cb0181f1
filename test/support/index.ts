export { freePort } from './free-port';
export { MARIADB_APT_INSTALL, type MariaDbOptions, type MariaDbServer, startMariaDb } from './mariadb';
export { type PostgresOptions, type PostgresServer, startPostgres } from './postgres';
export { selfSignedCert } from './self-signed-cert';
export { sharedMariaDb, sharedPostgres } from './shared-server';
export type { ServerTls } from './tls-files';
