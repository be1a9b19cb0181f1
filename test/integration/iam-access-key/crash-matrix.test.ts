import type { Emulator } from '../../../local/emulator';
import { Clients, type Key, keyOf, startIamEmulator } from './iam-fixture';

const USER = 'crash-user';
const SECRET = 'keys/crash';

interface Scenario {
  readonly name: string;
  readonly tags: Record<string, string>;
  /** Brings the user and the secret to the state before the rotation under test. */
  prepare(c: Clients): Promise<void>;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'first rotation (one key)', tags: {}, prepare: async () => {} },
  {
    name: 'second rotation (inactive previous key to delete)',
    tags: {},
    prepare: async (c) => {
      const previous = keyOf(await c.value(SECRET));
      await c.rotate(SECRET);
      await c.deactivate(USER, previous.accessKeyId);
    },
  },
  { name: 'emergency rotation', tags: { 'rotation:emergency': 'true' }, prepare: async () => {} },
];

/** One call boundary of a rotation: the nth call of an operation. */
interface Boundary {
  readonly service: string;
  readonly operation: string;
  readonly nth: number;
}

describe('iam-access-key crash matrix: a rotation failing at each IAM, STS and Secrets Manager call, then retried', () => {
  let emulator: Emulator;
  let c: Clients;
  let cases = 0;

  beforeAll(async () => {
    emulator = await startIamEmulator({ rotationRetries: 2 });
    c = new Clients(emulator);
  }, 60_000);

  afterAll(async () => {
    console.log(`iam-access-key crash matrix: ran ${cases} fault cases`);
    c.destroy();
    await emulator.close();
  });

  async function setUp(scenario: Scenario): Promise<Key> {
    await emulator.reset();
    const first = await c.userWithKey(USER);
    await c.createSecret(SECRET, USER, first, scenario.tags);
    await scenario.prepare(c);
    emulator.calls.clear();
    return first;
  }

  /** The invariants of issue 5: at most two keys, no active key unknown to the secret, AWSCURRENT works. */
  async function expectInvariants(): Promise<void> {
    const keys = await c.keys(USER);
    expect(keys.length).toBeLessThanOrEqual(2);
    const current = keyOf(await c.value(SECRET));
    const stages = await c.stages(SECRET);
    const previous = Object.values(stages).some((s) => s.includes('AWSPREVIOUS'))
      ? keyOf(await c.value(SECRET, 'AWSPREVIOUS'))
      : undefined;
    const known = [current.accessKeyId, previous?.accessKeyId];
    for (const key of keys.filter((k) => k.status === 'Active')) expect(known).toContain(key.id);
    expect(await c.whoIs(current)).toBe(`arn:aws:iam::123456789012:user/${USER}`);
  }

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s: recovers from a failure at every call boundary',
    async (_name, scenario) => {
      await setUp(scenario);
      await c.rotate(SECRET);
      const { services } = emulator.calls.snapshot();
      const boundaries: Boundary[] = [];
      for (const [service, operations] of Object.entries(services)) {
        for (const [operation, count] of Object.entries(operations)) {
          if (operation === 'RotateSecret') continue;
          for (let nth = 1; nth <= count; nth++) boundaries.push({ service, operation, nth });
        }
      }
      expect(boundaries.map((b) => b.operation)).toEqual(
        expect.arrayContaining(['CreateAccessKey', 'PutSecretValue', 'GetCallerIdentity', 'UpdateSecretVersionStage']),
      );

      for (const boundary of boundaries) {
        await setUp(scenario);
        emulator.faults.add({
          ...boundary,
          error: { code: 'InjectedFault', message: 'injected by the crash matrix', status: 400 },
        });
        const token = await c.rotate(SECRET);
        const fired = emulator.faults.list().reduce((sum, f) => sum + f.fired, 0);
        expect({ boundary, fired }).toEqual({ boundary, fired: 1 });
        expect({ boundary, stages: (await c.stages(SECRET))[token] }).toEqual({
          boundary,
          stages: expect.arrayContaining(['AWSCURRENT']),
        });
        await expectInvariants();
        cases += 1;
      }
    },
    120_000,
  );
});
