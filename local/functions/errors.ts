/** Invoke named a function that is not registered (Lambda's ResourceNotFoundException). */
export class FunctionNotFoundError extends Error {
  constructor(readonly functionReference: string) {
    super(`Function not found: ${functionReference}`);
    this.name = 'FunctionNotFoundError';
  }
}

/** The runner was closed; it starts no more processes. */
export class FunctionRunnerClosedError extends Error {
  constructor(functionName: string) {
    super(`cannot invoke ${functionName}: the function runner is closed`);
    this.name = 'FunctionRunnerClosedError';
  }
}
