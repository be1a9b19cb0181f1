import { createSecretsManagerClient } from '../core/handler';
import { Logger } from '../core/logger';
import { createIamClient } from '../iam-access-key/iam-calls';
import { IamAccessKeyRevoker } from './iam-access-key-revoker';
import { RevocationSweeper, type SweepSummary } from './sweeper';

let sweeper: RevocationSweeper | undefined;

/** Scheduled entry point (EventBridge): one sweep over every secret whose type can revoke. */
export const handler = async (): Promise<SweepSummary> => {
  if (sweeper === undefined) {
    const iam = createIamClient();
    sweeper = new RevocationSweeper(
      createSecretsManagerClient(),
      [new IamAccessKeyRevoker(() => iam)],
      new Logger(process.env.POWERTOOLS_SERVICE_NAME || 'revocation-sweeper'),
    );
  }
  return sweeper.run();
};
