import { keysToDelete, NoRoomForKeyError } from '../../../lambdas/iam-access-key/make-room';

const active = (accessKeyId: string) => ({ accessKeyId, status: 'Active' });
const inactive = (accessKeyId: string) => ({ accessKeyId, status: 'Inactive' });
const known = { current: 'CUR', previous: 'PREV', deleteActivePrevious: false };

describe('keysToDelete', () => {
  it('deletes nothing when the user has room', () => {
    expect(keysToDelete('bob', [active('CUR')], known)).toEqual([]);
  });

  it('deletes the inactive AWSPREVIOUS key when the user is at the quota', () => {
    expect(keysToDelete('bob', [active('CUR'), inactive('PREV')], known)).toEqual(['PREV']);
  });

  it('refuses to delete an active AWSPREVIOUS key by default, naming it', () => {
    expect(() => keysToDelete('bob', [active('CUR'), active('PREV')], known)).toThrow(
      /user bob already has 2 access keys.*key PREV may not be deleted.*still Active/,
    );
  });

  it('deletes an active AWSPREVIOUS key when allowed', () => {
    expect(keysToDelete('bob', [active('CUR'), active('PREV')], { ...known, deleteActivePrevious: true })).toEqual([
      'PREV',
    ]);
  });

  it.each([
    ['active', active('OTHER')],
    ['inactive', inactive('OTHER')],
  ])('never deletes an %s key the secret does not know', (_status, other) => {
    const attempt = () => keysToDelete('bob', [active('CUR'), other], known);
    expect(attempt).toThrow(NoRoomForKeyError);
    expect(attempt).toThrow(/key OTHER may not be deleted: the secret does not know it/);
  });

  it('never deletes the AWSCURRENT key, even when it is the only candidate', () => {
    expect(() =>
      keysToDelete('bob', [active('CUR'), active('OTHER')], { ...known, deleteActivePrevious: true }),
    ).toThrow(/key OTHER/);
  });

  it('deletes a stranded key of this rotation even when there is room', () => {
    expect(keysToDelete('bob', [active('CUR'), active('LOST')], { ...known, stranded: 'LOST' })).toEqual(['LOST']);
  });

  it('deletes one key only when the AWSCURRENT key is gone and two others remain', () => {
    expect(keysToDelete('bob', [inactive('PREV'), active('LOST')], { ...known, stranded: 'LOST' })).toEqual(['LOST']);
  });

  it('names the blocking key in a typed error', () => {
    try {
      keysToDelete('bob', [active('CUR'), active('OTHER')], known);
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(NoRoomForKeyError);
      expect((error as NoRoomForKeyError).blockingKeyId).toBe('OTHER');
    }
  });
});
