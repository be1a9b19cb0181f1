import type { Logger } from '../core/logger';
import type { Connector, DirectDriver, LoginAs, LoginResult, TlsTrust } from './types';

/** Connection timeout of a direct login, as AWS's sample functions use. */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * Direct connections (pg, mysql2). TLS with verification unless the secret says `"ssl": false`, which is logged as a
 * warning on every login; never a fallback from TLS to plaintext.
 */
export class DirectConnector implements Connector {
  readonly mode = 'direct';

  constructor(
    private readonly driver: DirectDriver,
    private readonly trust: () => TlsTrust,
    private readonly logger: Logger,
  ) {}

  login({ secret, stage }: LoginAs): Promise<LoginResult> {
    if (!secret.ssl) {
      this.logger.warn('connecting WITHOUT TLS because the secret says "ssl": false', {
        host: secret.host,
        port: secret.port,
        user: secret.username,
        stage,
      });
    }
    return this.driver.connect(
      {
        host: secret.host,
        port: secret.port,
        username: secret.username,
        password: secret.password,
        dbname: secret.dbname,
      },
      secret.ssl ? this.trust() : false,
    );
  }
}
