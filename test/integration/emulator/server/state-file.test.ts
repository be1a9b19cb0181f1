import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateFile } from '../../../../local/persistence/state-file';

describe('StateFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));

  it('writes a snapshot taken after every flush call, grouping concurrent flushes', async () => {
    let counter = 0;
    let snapshots = 0;
    const file = new StateFile(join(dir, 'group.json'), () => {
      snapshots += 1;
      return { counter };
    });

    const flushes = [];
    for (let i = 0; i < 20; i += 1) {
      counter += 1;
      flushes.push(file.flush());
    }
    await Promise.all(flushes);

    expect(file.load()).toEqual({ counter: 20 });
    expect(snapshots).toBeLessThanOrEqual(2);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('loads nothing when the file does not exist and reports a corrupt file without its content', () => {
    const missing = new StateFile(join(dir, 'missing.json'), () => ({}));
    const corrupt = new StateFile(join(dir, 'corrupt.json'), () => ({}));
    writeFileSync(corrupt.path, '{"secret": "hunter2"');

    expect(missing.load()).toBeUndefined();
    expect(() => corrupt.load()).toThrow(/is not valid JSON \(20 bytes\)/);
    expect(() => corrupt.load()).not.toThrow(/hunter2/);
  });

  it('flushes synchronously for shutdown', () => {
    const file = new StateFile(join(dir, 'sync.json'), () => ({ done: true }));

    file.flushSync();

    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toEqual({ done: true });
  });
});
