import type { ServiceHandler } from '../http-types';
import type { SecretRecord } from './model';
import {
  createSecret,
  deleteSecret,
  describeSecret,
  restoreSecret,
  tagResource,
  untagResource,
  updateSecret,
} from './ops-lifecycle';
import { batchGetSecretValue, getRandomPassword, listSecrets } from './ops-list';
import { cancelRotateSecret, rotateSecret } from './ops-rotation';
import { getSecretValue, listSecretVersionIds, putSecretValue, updateSecretVersionStage } from './ops-values';
import type { Operation, SecretsManagerOptions } from './options';
import { jsonProtocolHandler } from './protocol';
import { SecretStore } from './store';

export interface SecretsManagerService extends ServiceHandler {
  /** Direct, protocol-free access for the orchestrator, the scheduler and the control endpoints. */
  readonly store: SecretStore;
  /** JSON-serializable snapshot of everything (for --state persistence). */
  exportState(): unknown;
  /** Exact inverse of exportState; throws on a snapshot it does not recognise, leaving the state unchanged. */
  importState(state: unknown): void;
}

const STATE_FORMAT = 'secretsmanager/1';

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateSecret: createSecret,
  DescribeSecret: describeSecret,
  GetSecretValue: getSecretValue,
  BatchGetSecretValue: batchGetSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecret: updateSecret,
  UpdateSecretVersionStage: updateSecretVersionStage,
  ListSecrets: listSecrets,
  ListSecretVersionIds: listSecretVersionIds,
  GetRandomPassword: getRandomPassword,
  RotateSecret: rotateSecret,
  CancelRotateSecret: cancelRotateSecret,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
  TagResource: tagResource,
  UntagResource: untagResource,
};

function isSecretList(value: unknown): value is SecretRecord[] {
  return (
    Array.isArray(value) &&
    value.every(
      (s) =>
        typeof s === 'object' &&
        s !== null &&
        typeof s.arn === 'string' &&
        typeof s.name === 'string' &&
        Array.isArray(s.versions) &&
        Array.isArray(s.tags),
    )
  );
}

/**
 * The emulator's Secrets Manager: an in-memory store behind the awsJson1_1 protocol.
 *
 * @example
 * const sm = createSecretsManager({ account, region, now: clock.now, emit: log.add, rotation: hooks });
 * server.register(sm);            // HTTP
 * orchestrator = new RotationOrchestrator({ store: sm.store, ... });   // direct
 */
export function createSecretsManager(options: SecretsManagerOptions): SecretsManagerService {
  const store = new SecretStore(options);
  const handler = jsonProtocolHandler(OPERATIONS, { store, options }, () => store.purgeDeleted(options.now()));
  return {
    ...handler,
    store,
    exportState: () => ({ format: STATE_FORMAT, secrets: store.exportSecrets() }),
    importState: (state) => {
      const snapshot = state as { format?: unknown; secrets?: unknown } | null;
      if (snapshot?.format !== STATE_FORMAT || !isSecretList(snapshot.secrets)) {
        throw new Error(`Secrets Manager state must be {format: "${STATE_FORMAT}", secrets: [...]}`);
      }
      store.importSecrets(snapshot.secrets);
    },
  };
}
