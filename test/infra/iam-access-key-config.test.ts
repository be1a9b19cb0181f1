import { validateConfig } from '../../lib/config/validate-config';

const keySecret = (settings: Record<string, unknown>) => ({
  secrets: [{ name: 'ci/deployer-key', type: 'iam-access-key', iamUser: { userName: 'ci-deployer' }, settings }],
});

describe('iam-access-key settings in the config', () => {
  it('become the rotation tags the function reads', () => {
    const config = validateConfig(
      keySecret({ verifyTimeoutSeconds: 30, deleteActivePreviousKey: true, emergency: false }),
    );
    expect(config.secrets[0].rotationTags).toEqual({
      'rotation:verify-timeout-seconds': '30',
      'rotation:delete-active-previous-key': 'true',
      'rotation:emergency': 'false',
    });
  });

  it('rejects a verify timeout longer than a Lambda function can wait', () => {
    expect(() => validateConfig(keySecret({ verifyTimeoutSeconds: 900 }))).toThrow(/verifyTimeoutSeconds/);
  });
});
