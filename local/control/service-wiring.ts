import {
  AwsServiceError,
  type CallerIdentity,
  type EmulatorRequest,
  type ServiceHandler,
  type ServiceName,
} from '../http-types';
import { createIam, type IamService } from '../iam';
import { createRdsData, parseDataApiSpec } from '../rds-data';
import type { RotationRequest } from '../rotation/orchestrator';
import type { RotationStorePort } from '../rotation/ports';
import type { IncompleteRotation } from '../rotation/resume';
import type { SchedulePort } from '../rotation/scheduler';
import { createSecretsManager, rotationIncomplete, type SecretsManagerService } from '../secrets-manager';
import { createAuthenticator } from '../sigv4';
import { createSts } from '../sts';

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
  readonly iam: IamService;
  readonly handlers: readonly ServiceHandler[];
  authenticate(req: EmulatorRequest, service: ServiceName): CallerIdentity;
  readonly rotationStore: RotationStorePort;
  readonly schedulePort: SchedulePort;
  /** Rotations left incomplete (AWSPENDING without AWSCURRENT) on secrets with rotation enabled. */
  incompleteRotations(): IncompleteRotation[];
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

/** The AWSCURRENT SecretString of a secret, as the RDS Data API reads it (AWS-BEHAVIOUR.md section 8). */
function currentSecretString(secretsManager: SecretsManagerService, secretArn: string): string {
  const { store } = secretsManager;
  const stages = store.versionStages(secretArn);
  const currentId = Object.keys(stages).find((id) => stages[id].includes('AWSCURRENT'));
  const value = currentId === undefined ? undefined : store.getVersionValue(secretArn, currentId);
  if (value?.kind !== 'string') {
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for staging label: AWSCURRENT`,
    );
  }
  return value.text;
}

/** Builds every service and the ports that connect them to rotation, schedules and persistence. */
export function createServices(input: ServiceWiringInput): EmulatorServices {
  const secretsManager = createSecretsManager({
    account: input.account,
    region: input.region,
    now: input.now,
    emit: input.emit,
    rotation: { canInvoke: input.canInvoke, rotationRequested: input.rotationRequested },
  });
  const iam = createIam({ account: input.account, now: input.now, propagationSeconds: input.iamPropagationSeconds });
  const sts = createSts();
  const rdsData = createRdsData({
    clusters: new Map(input.dataApi.map((spec) => parseDataApiSpec(spec))),
    currentSecretString: (secretArn) => currentSecretString(secretsManager, secretArn),
  });
  const handlers: StatefulService[] = [secretsManager, iam, sts, rdsData];
  const authenticate = createAuthenticator({
    keys: iam,
    now: input.now,
    onAccepted: (accessKeyId, service, region, when) => iam.recordKeyUse(accessKeyId, service, region, when),
  });
  const emptySecretsManager = secretsManager.exportState();
  return {
    secretsManager,
    iam,
    handlers,
    authenticate,
    rotationStore: secretsManager.store,
    schedulePort: secretsManager.store,
    incompleteRotations: () =>
      secretsManager.store.list().flatMap((secret) => {
        const pending = rotationIncomplete(secret);
        if (pending === undefined || secret.rotationEnabled !== true || secret.deletedDate !== undefined) return [];
        if (secret.rotationLambdaArn === undefined) return [];
        return [{ secretArn: secret.arn, functionArn: secret.rotationLambdaArn, token: pending.id }];
      }),
    exportState: () => ({ secretsmanager: secretsManager.exportState(), iam: iam.exportState() }),
    importState: (saved) => {
      if (saved.secretsmanager !== undefined) secretsManager.importState(saved.secretsmanager);
      if (saved.iam !== undefined) iam.importState(saved.iam);
    },
    reset: () => {
      secretsManager.importState(emptySecretsManager);
      iam.reset();
    },
    close: async () => {
      await rdsData.close();
    },
  };
}
