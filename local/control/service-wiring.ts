import type { CallerIdentity, EmulatorRequest, ServiceHandler, ServiceName } from '../http-types';
import type { RotationRequest } from '../rotation/orchestrator';
import type { RotationStorePort } from '../rotation/ports';
import type { SchedulePort } from '../rotation/scheduler';

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
  readonly handlers: readonly ServiceHandler[];
  authenticate(req: EmulatorRequest, service: ServiceName): CallerIdentity;
  readonly rotationStore: RotationStorePort;
  readonly schedulePort: SchedulePort;
  exportState(): Record<string, unknown>;
  importState(saved: Record<string, unknown>): void;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Loads an optional emulator module. The service modules are built in parallel with this wiring; until one
 * exists its service is simply not served (requests for it get `UnrecognizedClientException`).
 */
function optionalModule<T>(path: string): T | undefined {
  try {
    return require(path) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String(error).includes(path.slice(2))) {
      return undefined;
    }
    throw error;
  }
}

const ROOT_IDENTITY = (account: string): CallerIdentity => ({
  accessKeyId: 'test',
  arn: `arn:aws:iam::${account}:root`,
  userId: account,
  account,
});

/** Builds every available service and the ports that connect them to rotation, schedules and persistence. */
export function createServices(input: ServiceWiringInput): EmulatorServices {
  const handlers: ServiceHandler[] = [];
  const noRotation: RotationStorePort = {
    isActive: () => false,
    addTestVersion: () => undefined,
    removeTestVersion: () => undefined,
    markRotated: () => undefined,
  };
  const noSchedule: SchedulePort = {
    dueRotations: () => [],
    beginScheduledRotation: () => undefined,
    purgeDeleted: () => 0,
  };
  optionalModule('../secrets-manager');
  return {
    handlers,
    authenticate: () => ROOT_IDENTITY(input.account),
    rotationStore: noRotation,
    schedulePort: noSchedule,
    exportState: () => ({}),
    importState: () => undefined,
    reset: () => undefined,
    close: async () => undefined,
  };
}
