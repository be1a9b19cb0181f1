import { createSecretsManagerClient } from '../../../lambdas/core/handler';
import { Logger } from '../../../lambdas/core/logger';
import { createIamClient } from '../../../lambdas/iam-access-key/iam-calls';
import { IamAccessKeyRevoker } from '../../../lambdas/revocation-sweeper/iam-access-key-revoker';
import { RevocationSweeper, type SweepSummary } from '../../../lambdas/revocation-sweeper/sweeper';

/**
 * The scheduled sweeper's wiring (as in `lambdas/revocation-sweeper/handler.ts`), bundled and registered as an
 * emulator function by the test, except that "now" is the emulator clock read at each invocation: the production
 * handler uses the real clock, and the test moves the emulator's forward by days.
 */
export const handler = async (): Promise<SweepSummary> => {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL is not set; expected the emulator to set it for its functions');
  const response = await fetch(`${endpoint}/_emulator/clock`);
  const { now } = (await response.json()) as { now: string };
  const iam = createIamClient();
  const sweeper = new RevocationSweeper(
    createSecretsManagerClient(),
    [new IamAccessKeyRevoker(() => iam)],
    new Logger('revocation-sweeper'),
    {
      now: () => new Date(now),
    },
  );
  return sweeper.run();
};
