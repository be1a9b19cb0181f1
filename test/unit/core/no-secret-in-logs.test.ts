import { RotationEngine } from '../../../lambdas/core/engine';
import { Logger, setLogSink } from '../../../lambdas/core/logger';
import { clearRememberedSecrets } from '../../../lambdas/core/redaction';
import { SecretsGateway, VersionValueCache } from '../../../lambdas/core/secrets-gateway';
import type { RotationContext, RotationStrategy } from '../../../lambdas/core/strategy';
import { RandomSecretStrategy } from '../../../lambdas/random-secret/strategy';
import { FakeSecretsManager, rotationEvent, STEPS } from './fake-secrets-manager';

/**
 * Captures every byte a rotation could log (the logger's sink, process.stdout/stderr and console) over many
 * rotations at DEBUG level, including failing ones whose errors echo a password, and looks for every secret
 * value the fake Secrets Manager ever held.
 */

/** A database-like credential type that logs eagerly and whose "driver" errors echo the password. */
class ChattyDatabaseStrategy implements RotationStrategy {
  readonly type = 'chatty-db';
  constructor(private readonly failApply: boolean) {}

  async createCredential(ctx: RotationContext): Promise<string> {
    const current = JSON.parse((await ctx.current()).secretString);
    ctx.logger.debug('building the new credential', { current, username: current.username });
    return JSON.stringify({ ...current, password: ctx.generatePassword({ length: 24 }) });
  }

  async applyCredential(ctx: RotationContext): Promise<void> {
    const pending = JSON.parse((await ctx.pending()).secretString);
    ctx.logger.debug(`connecting as ${pending.username}`, {
      pending,
      connectionString: `postgres://${pending.username}:${pending.password}@db:5432/app`,
    });
    if (this.failApply) {
      throw new Error(`password authentication failed for user "${pending.username}" (tried "${pending.password}")`, {
        cause: new Error(`server said: bad password ${pending.password}`),
      });
    }
  }

  async verifyCredential(ctx: RotationContext): Promise<void> {
    ctx.logger.info('pending secret', { secretString: (await ctx.pending()).secretString });
  }
}

describe('no secret value reaches the logs', () => {
  const fake = new FakeSecretsManager();
  const captured: string[] = [];
  const restores: (() => void)[] = [];

  beforeAll(() => {
    setLogSink((line) => captured.push(line));
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        captured.push(String(chunk));
        return original(chunk as string, ...(rest as []));
      }) as typeof stream.write;
      restores.push(() => {
        stream.write = original as typeof stream.write;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = jest
        .spyOn(console, method)
        .mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(' ')));
      restores.push(() => spy.mockRestore());
    }
  });

  afterAll(() => {
    for (const restore of restores) restore();
  });

  it('holds over 60 rotations of three credential shapes, with failures, at DEBUG level', async () => {
    clearRememberedSecrets();
    const strategies: RotationStrategy[] = [
      new RandomSecretStrategy(),
      new ChattyDatabaseStrategy(false),
      new ChattyDatabaseStrategy(true),
    ];
    let failures = 0;
    for (let i = 0; i < 60; i++) {
      const strategy = strategies[i % strategies.length] as RotationStrategy;
      const secret =
        strategy instanceof RandomSecretStrategy
          ? fake.addSecret(`app/key-${i}`, `initial-api-key-${i}-${'x'.repeat(20)}`, {
              tags: { 'rotation:prefix': 'sk_' },
            })
          : fake.addSecret(
              `app/db-${i}`,
              JSON.stringify({
                engine: 'postgres',
                host: 'db',
                username: `user${i}`,
                password: `InitialPw-${i}-secret`,
              }),
            );
      const engine = new RotationEngine(strategy, new SecretsGateway(fake.client, new VersionValueCache()), {
        env: {},
        logger: new Logger('test', {}, 'DEBUG'),
      });
      for (let round = 0; round < 2; round++) {
        const token = `${String(i).padStart(8, '0')}-0000-4000-8000-00000000000${round}`;
        fake.startRotation(secret, token);
        for (const step of STEPS) {
          try {
            await engine.handle(rotationEvent(secret, token, step, `rotation-token-${i}`));
          } catch {
            failures++;
            break;
          }
        }
      }
    }

    const secretValues = new Set<string>();
    for (const secret of fake.secrets.values()) {
      for (const version of Object.values(secret.versions)) {
        if (version.value === undefined) continue;
        secretValues.add(version.value);
        try {
          const parsed = JSON.parse(version.value);
          if (typeof parsed.password === 'string') secretValues.add(parsed.password);
        } catch {
          // plain value
        }
      }
    }
    const output = captured.join('\n');
    const leaked = [...secretValues].filter(
      (value) => output.includes(value) || output.includes(JSON.stringify(value).slice(1, -1)),
    );

    expect(failures).toBeGreaterThan(10);
    expect(secretValues.size).toBeGreaterThan(150);
    expect(captured.length).toBeGreaterThan(500);
    expect(output).toContain('[REDACTED]');
    expect(output).toContain('password authentication failed for user');
    expect(leaked).toEqual([]);
  });
});
