import type { CallerIdentity, EmulatorRequest, ServiceHandler, ServiceName } from '../http-types';
import type { RotationRequest } from '../rotation/orchestrator';
import type { RotationStorePort } from '../rotation/ports';
import type { SchedulePort } from '../rotation/scheduler';
import { createSecretsManager, type SecretsManagerService } from '../secrets-manager';
import { type AccessKeyRecord, createAuthenticator, type KeyLookup } from '../sigv4';

/** What the emulator gives the services. */
export interface ServiceWiringInput {
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
  readonly emit: (event: Readonly<Record<string, unknown>>) => void;
  readonly canInvoke: (functionArn: string) => boolean;
  readonly rotationRequested: (request: RotationRequest) => void;
  readonly iamPropagationSeconds: number;
  readonly dataApi: readonly string[];
}

/** The services of a running emulator and the ports the rest of the emulator uses. */
export interface EmulatorServices {
  readonly secretsManager: SecretsManagerService;
  readonly handlers: readonly ServiceHandler[];
  authenticate(req: EmulatorRequest, service: ServiceName): CallerIdentity;
  readonly rotationStore: RotationStorePort;
  readonly schedulePort: SchedulePort;
  exportState(): Record<string, unknown>;
  importState(saved: Record<string, unknown>): void;
  reset(): void;
  close(): Promise<void>;
}

/** A service module that keeps state the state file must carry. */
interface StatefulService extends ServiceHandler {
  exportState?(): unknown;
  importState?(state: unknown): void;
  close?(): Promise<void>;
}

/**
 * Loads a service module that is built in parallel with this wiring; until it exists its service is not
 * served (requests for it get `UnrecognizedClientException`).
 */
function optionalModule<T>(path: string): T | undefined {
  try {
    return require(path) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String(error).includes(path.slice(3))) {
      return undefined;
    }
    throw error;
  }
}

/** The root key `test`/`test`, when the IAM module is not there to look keys up. */
function rootKeyOnly(account: string): KeyLookup {
  const root: AccessKeyRecord = {
    accessKeyId: 'test',
    secretAccessKey: 'test',
    status: 'Active',
    identity: { accessKeyId: 'test', arn: `arn:aws:iam::${account}:root`, userId: account, account },
  };
  return { find: (accessKeyId) => (accessKeyId === 'test' ? root : undefined) };
}

interface IamModule {
  createIam(options: {
    account: string;
    now(): Date;
    propagationSeconds: number;
  }): StatefulService &
    KeyLookup & { recordKeyUse?(accessKeyId: string, service: string, region: string, when: Date): void };
}
interface StsModule {
  createSts(options?: unknown): StatefulService;
}

/** Builds every available service and the ports that connect them to rotation, schedules and persistence. */
export function createServices(input: ServiceWiringInput): EmulatorServices {
  const secretsManager = createSecretsManager({
    account: input.account,
    region: input.region,
    now: input.now,
    emit: input.emit,
    rotation: { canInvoke: input.canInvoke, rotationRequested: input.rotationRequested },
  });
  const iam = optionalModule<IamModule>('../iam')?.createIam({
    account: input.account,
    now: input.now,
    propagationSeconds: input.iamPropagationSeconds,
  });
  const sts = optionalModule<StsModule>('../sts')?.createSts({ account: input.account });
  const handlers: StatefulService[] = [secretsManager];
  if (iam !== undefined) handlers.push(iam);
  if (sts !== undefined) handlers.push(sts);
  const authenticate = createAuthenticator({
    keys: iam ?? rootKeyOnly(input.account),
    now: input.now,
    onAccepted: iam?.recordKeyUse?.bind(iam),
  });
  const stateful = handlers.filter((handler) => handler.exportState !== undefined && handler.importState !== undefined);
  const emptyState = Object.fromEntries(stateful.map((handler) => [handler.name, handler.exportState?.()]));
  return {
    secretsManager,
    handlers,
    authenticate,
    rotationStore: secretsManager.store,
    schedulePort: secretsManager.store,
    exportState: () => Object.fromEntries(stateful.map((handler) => [handler.name, handler.exportState?.()])),
    importState: (saved) => {
      for (const handler of stateful) if (saved[handler.name] !== undefined) handler.importState?.(saved[handler.name]);
    },
    reset: () => {
      for (const handler of stateful) handler.importState?.(emptyState[handler.name]);
    },
    close: async () => {
      await Promise.all(handlers.map((handler) => handler.close?.()));
    },
  };
}
