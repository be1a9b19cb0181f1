/**
 * An in-process emulator for benchmarks: an SDK client, rotation completion by event, and the peak RSS of every
 * function invocation (read from the runner's answers, which the orchestrator never surfaces).
 */
import { CreateSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rotationFunctionName } from '../lambdas/registry';
import { type Emulator, type EmulatorOptions, startEmulator } from '../local/emulator';
import type { LoggedEvent } from '../local/events/event-log';
import { SECRETS_MANAGER_QUOTAS } from '../local/faults/quotas';

/** Operations that draw on Secrets Manager's 50-per-second write bucket (PutSecretValue's group). */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set(
  SECRETS_MANAGER_QUOTAS.find((group) => group.operations.includes('PutSecretValue'))?.operations ?? [],
);

/** One function invocation seen by the runner. */
export interface InvocationRecord {
  readonly functionName: string;
  readonly step: string;
  readonly coldStart: boolean;
  readonly ok: boolean;
  readonly peakRssBytes?: number;
}

export interface BenchEmulator {
  readonly emulator: Emulator;
  readonly sm: SecretsManagerClient;
  readonly invocations: InvocationRecord[];
  /**
   * Watches for the end of the rotation of `secretArn`, before RotateSecret is sent so that no event is missed.
   * Call `started()` once RotateSecret has answered; `done` resolves true on success, false when it ends otherwise.
   */
  expectRotation(secretArn: string): { readonly done: Promise<boolean>; started(): void };
  close(): Promise<void>;
}

export async function startBenchEmulator(options: EmulatorOptions = {}): Promise<BenchEmulator> {
  const emulator = await startEmulator({ port: 0, scheduleTickMs: 0, rotationBackoffMs: 100, ...options });
  const sm = new SecretsManagerClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const invocations: InvocationRecord[] = [];
  const runner = emulator.runner;
  const invoke = runner.invoke.bind(runner);
  runner.invoke = async (functionArn, event) => {
    const result = await invoke(functionArn, event);
    invocations.push({
      functionName: functionArn.split(':').pop() ?? functionArn,
      step: String((event as { Step?: unknown }).Step),
      coldStart: result.coldStart,
      ok: result.ok,
      peakRssBytes: result.peakRssBytes,
    });
    return result;
  };

  const waiting = new Map<string, (succeeded: boolean) => void>();
  const unsubscribe = emulator.events.subscribe((event: LoggedEvent) => {
    const detail = event.detail as { eventName?: string; additionalEventData?: { SecretId?: string } } | undefined;
    const arn = detail?.additionalEventData?.SecretId;
    if (arn === undefined || detail?.eventName !== 'RotationSucceeded') return;
    waiting.get(arn)?.(true);
  });
  // A rotation that fails for good emits no success: poll for its end, once it is known to have started.
  const expectRotation = (secretArn: string) => {
    let timer: NodeJS.Timeout | undefined;
    let finish: (succeeded: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolveDone) => {
      finish = (succeeded: boolean) => {
        clearInterval(timer);
        waiting.delete(secretArn);
        resolveDone(succeeded);
      };
      waiting.set(secretArn, finish);
    });
    const started = () => {
      timer = setInterval(() => {
        if (!emulator.rotations.isRunning(secretArn)) finish(false);
      }, 250);
    };
    return { done, started };
  };

  return {
    emulator,
    sm,
    invocations,
    expectRotation,
    close: async () => {
      unsubscribe();
      sm.destroy();
      await emulator.close();
    },
  };
}

/** Function ARN of a credential type in this emulator. */
export function functionArnOf(bench: BenchEmulator, typeName: string): string {
  return bench.emulator.runner.functionArn(rotationFunctionName(typeName));
}

/** Creates a secret and returns its ARN. */
export async function createSecret(bench: BenchEmulator, name: string, value: string): Promise<string> {
  const created = await bench.sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return created.ARN as string;
}

/** RotateSecret, then waits for the rotation to end; resolves whether it succeeded. */
export async function rotateAndWait(bench: BenchEmulator, secretArn: string, functionArn: string): Promise<boolean> {
  const expected = bench.expectRotation(secretArn);
  await bench.sm.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      RotationLambdaARN: functionArn,
      RotationRules: { AutomaticallyAfterDays: 30 },
    }),
  );
  expected.started();
  return expected.done;
}
