import { escapeIdentifier, escapeLiteral } from 'pg';

/**
 * `ALTER ROLE "<name>" PASSWORD '<password>'`. ALTER ROLE is a utility statement and takes no bind parameters,
 * so both parts are quoted here with pg's own escaping (doubled quotes; `E'...'` with doubled backslashes when
 * the literal holds one). The result holds the password: never log it.
 */
export function alterRolePasswordSql(username: string, password: string): string {
  return `ALTER ROLE ${escapeIdentifier(username)} PASSWORD ${escapeLiteral(password).trimStart()}`;
}
