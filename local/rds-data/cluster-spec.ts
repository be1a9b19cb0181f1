/** Which database engine a cluster runs, from its URL scheme. */
export type Engine = 'postgres' | 'mysql';

/** Where a registered cluster's writer is. Credentials never live here: they come from the secret. */
export interface ClusterTarget {
  readonly engine: Engine;
  readonly host: string;
  readonly port: number;
  /** Default database when the request names none. */
  readonly database: string;
}

const SCHEMES: Readonly<Record<string, { engine: Engine; port: number; database: string }>> = {
  'postgres:': { engine: 'postgres', port: 5432, database: 'postgres' },
  'postgresql:': { engine: 'postgres', port: 5432, database: 'postgres' },
  'mysql:': { engine: 'mysql', port: 3306, database: '' },
};

const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;

/**
 * Parses the value of `--data-api <clusterArn>=<url>`, e.g.
 * `arn:aws:rds:us-east-1:123456789012:cluster:app=postgres://127.0.0.1:5432/app`.
 * Throws naming the flag and the part that is wrong.
 */
export function parseDataApiSpec(spec: string): [clusterArn: string, url: string] {
  const at = spec.indexOf('=');
  if (at < 0) {
    throw new Error(`--data-api expects <clusterArn>=<url>, got "${spec}" (no "=")`);
  }
  const clusterArn = spec.slice(0, at);
  const url = spec.slice(at + 1);
  if (!CLUSTER_ARN.test(clusterArn)) {
    throw new Error(
      `--data-api cluster ARN must look like arn:aws:rds:<region>:<12-digit account>:cluster:<name>, got "${clusterArn}"`,
    );
  }
  parseClusterUrl(url);
  return [clusterArn, url];
}

/** Parses a cluster URL (`postgres://host:port/db` or `mysql://host:port/db`), refusing embedded credentials. */
export function parseClusterUrl(url: string): ClusterTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--data-api URL must be postgres://host:port/db or mysql://host:port/db, got "${url}"`);
  }
  const scheme = SCHEMES[parsed.protocol];
  if (scheme === undefined) {
    throw new Error(`--data-api URL scheme must be postgres:// or mysql://, got "${parsed.protocol}//"`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Not echoing the URL: it holds a credential.
    throw new Error(
      '--data-api URL must not contain credentials: the Data API logs in with the secret named in each request',
    );
  }
  if (parsed.hostname === '') throw new Error(`--data-api URL needs a host, got "${url}"`);
  const port = parsed.port === '' ? scheme.port : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || scheme.database;
  return { engine: scheme.engine, host: parsed.hostname.replace(/^\[|\]$/g, ''), port, database };
}
