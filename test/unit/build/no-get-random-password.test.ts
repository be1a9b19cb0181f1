import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

describe('password generation', () => {
  it('no rotation function or stack calls GetRandomPassword (passwords come from node:crypto)', () => {
    const offenders = ['lambdas', 'lib', 'bin']
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .filter((file) =>
        /GetRandomPasswordCommand|\.getRandomPassword\(|secretsmanager:GetRandomPassword/.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
