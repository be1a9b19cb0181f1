import { atomKey, type GrantAtom, parseGrantLine, revokeStatement } from '../../../lambdas/mysql/grants';
import type { MysqlSessionInfo } from '../../../lambdas/mysql/quote';

const INFO: MysqlSessionInfo = { noBackslashEscapes: false, ansiQuotes: false, mariadb: true };
const TARGET = "'app_clone'@'10.0.%'";

describe('parseGrantLine', () => {
  it('re-issues a global grant without the password hash, REQUIRE or resource limits', () => {
    const line = parseGrantLine(
      "GRANT RELOAD, PROCESS ON *.* TO `app`@`10.0.%` IDENTIFIED BY PASSWORD '*2B60' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 7",
      INFO,
    );
    expect(line.replay(TARGET)).toBe(`GRANT RELOAD, PROCESS ON *.* TO ${TARGET}`);
    expect(line.atoms).toEqual([
      { kind: 'privilege', privilege: 'RELOAD', object: '*.*' },
      { kind: 'privilege', privilege: 'PROCESS', object: '*.*' },
    ]);
  });

  it('keeps WITH GRANT OPTION and splits column grants into one privilege per column', () => {
    const line = parseGrantLine(
      'GRANT SELECT (`a`, `b``x`), INSERT ON `d1`.`t` TO `app`@`localhost` WITH GRANT OPTION',
      INFO,
    );
    expect(line.replay(TARGET)).toBe(
      `GRANT SELECT (\`a\`, \`b\`\`x\`), INSERT ON \`d1\`.\`t\` TO ${TARGET} WITH GRANT OPTION`,
    );
    expect(line.atoms.map(atomKey)).toEqual([
      'privilege|SELECT (`a`)|`d1`.`t`',
      'privilege|SELECT (`b``x`)|`d1`.`t`',
      'privilege|INSERT|`d1`.`t`',
      'grant-option|`d1`.`t`',
    ]);
  });

  it('reads routine, package and multi-word privileges', () => {
    expect(parseGrantLine('GRANT EXECUTE, ALTER ROUTINE ON PROCEDURE `d`.`p` TO `u`@`%`', INFO).atoms).toEqual([
      { kind: 'privilege', privilege: 'EXECUTE', object: 'PROCEDURE `d`.`p`' },
      { kind: 'privilege', privilege: 'ALTER ROUTINE', object: 'PROCEDURE `d`.`p`' },
    ]);
    expect(parseGrantLine('GRANT EXECUTE ON PACKAGE BODY `d`.`pk` TO `u`@`%`', INFO).replay(TARGET)).toBe(
      `GRANT EXECUTE ON PACKAGE BODY \`d\`.\`pk\` TO ${TARGET}`,
    );
  });

  it('reads USAGE as no privilege, but its grant option as one', () => {
    expect(parseGrantLine('GRANT USAGE ON *.* TO `u`@`%`', INFO).atoms).toEqual([]);
    expect(parseGrantLine('GRANT USAGE ON *.* TO `u`@`%` WITH GRANT OPTION', INFO).atoms).toEqual([
      { kind: 'grant-option', object: '*.*' },
    ]);
  });

  it('reads MariaDB and MySQL 8 role grants, one role each, with the admin option', () => {
    const mariadb = parseGrantLine('GRANT `r1` TO `u`@`h` WITH ADMIN OPTION', INFO);
    expect(mariadb.atoms).toEqual([
      { kind: 'role', role: '`r1`' },
      { kind: 'admin-option', role: '`r1`' },
    ]);
    expect(mariadb.replay(TARGET)).toBe(`GRANT \`r1\` TO ${TARGET} WITH ADMIN OPTION`);
    const mysql = parseGrantLine('GRANT `r1`@`%`,`r2`@`10.%` TO `u`@`h`', INFO);
    expect(mysql.atoms.map(atomKey)).toEqual(['role|`r1`@`%`', 'role|`r2`@`10.%`']);
  });

  it('reads SET DEFAULT ROLE and PROXY grants', () => {
    const role = parseGrantLine('SET DEFAULT ROLE `r1` FOR `u`@`h`', INFO);
    expect(role.atoms).toEqual([{ kind: 'default-role', role: '`r1`' }]);
    expect(role.replay(TARGET)).toBe(`SET DEFAULT ROLE \`r1\` FOR ${TARGET}`);
    const proxy = parseGrantLine("GRANT PROXY ON ''@'' TO 'u'@'h' WITH GRANT OPTION", INFO);
    expect(proxy.replay(TARGET)).toBe(`GRANT PROXY ON ''@'' TO ${TARGET} WITH GRANT OPTION`);
  });

  it('reads MySQL 8 partial revokes as restrictions', () => {
    const line = parseGrantLine('REVOKE INSERT ON `mysql`.* FROM `u`@`%`', INFO);
    expect(line.atoms).toEqual([{ kind: 'restriction', privilege: 'INSERT', object: '`mysql`.*' }]);
    expect(line.replay(TARGET)).toBe(`REVOKE INSERT ON \`mysql\`.* FROM ${TARGET}`);
  });

  it('reads names quoted with " under ANSI_QUOTES the same as with backticks', () => {
    const ansi = parseGrantLine('GRANT SELECT ("a") ON "d1"."t" TO "u"@"h"', { ...INFO, ansiQuotes: true });
    const plain = parseGrantLine('GRANT SELECT (`a`) ON `d1`.`t` TO `u`@`h`', INFO);
    expect(ansi.atoms).toEqual(plain.atoms);
  });

  it('does not take quoted text that looks like SQL for keywords', () => {
    const line = parseGrantLine('GRANT SELECT ON `TO`.`ON` TO `x TO y`@`%` WITH GRANT OPTION', INFO);
    expect(line.replay(TARGET)).toBe(`GRANT SELECT ON \`TO\`.\`ON\` TO ${TARGET} WITH GRANT OPTION`);
  });

  it('refuses a statement it does not know', () => {
    expect(() => parseGrantLine('CREATE USER `u`@`h`', INFO)).toThrow(/starts with CREATE/);
    expect(() => parseGrantLine('GRANT SELECT ON `d`.* TO', INFO)).toThrow(/grantee/);
    expect(() => parseGrantLine('GRANT SELECT ON `d.* TO `u`', INFO)).toThrow(/unterminated/);
  });
});

describe('revokeStatement', () => {
  const cases: Array<[GrantAtom, string]> = [
    [
      { kind: 'privilege', privilege: 'SELECT (`a`)', object: '`d`.`t`' },
      `REVOKE SELECT (\`a\`) ON \`d\`.\`t\` FROM ${TARGET}`,
    ],
    [{ kind: 'grant-option', object: '`d`.*' }, `REVOKE GRANT OPTION ON \`d\`.* FROM ${TARGET}`],
    [{ kind: 'role', role: '`r`' }, `REVOKE \`r\` FROM ${TARGET}`],
    [{ kind: 'admin-option', role: '`r`' }, `REVOKE ADMIN OPTION FOR \`r\` FROM ${TARGET}`],
    [{ kind: 'default-role', role: '`r`' }, `SET DEFAULT ROLE NONE FOR ${TARGET}`],
    [{ kind: 'restriction', privilege: 'INSERT', object: '`mysql`.*' }, `GRANT INSERT ON \`mysql\`.* TO ${TARGET}`],
  ];

  it.each(cases)('takes away %j', (atom, sql) => {
    expect(revokeStatement(atom, TARGET)).toBe(sql);
  });
});
