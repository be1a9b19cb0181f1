'use strict';
/**
 * One Lambda "container": loads a function module once and runs its handler for each `invoke` message from
 * the FunctionRunner, one at a time. Plain CommonJS so that it starts fast and needs no TypeScript loader.
 *
 * Parent -> worker: { type: 'invoke', requestId, event, timeoutMs, invokedFunctionArn }
 * Worker -> parent: { type: 'outcome', requestId, ok, resultJson | errorType + errorMessage, peakRssBytes, fatal }
 * `fatal` means the worker exits right after (init failure, uncaught error): the parent must not reuse it.
 */
const { pathToFileURL } = require('node:url');
const path = require('node:path');

const config = JSON.parse(process.argv[2]);
/** @type {Promise<Function> | undefined} */
let handlerPromise;
/** The settle function of the invocation in progress, if any. */
let settleCurrent;

// A lost parent (killed without close()) must not leave this process behind.
process.on('disconnect', () => process.exit(0));

process.on('uncaughtException', (error) => exitAfter(error, errorType(error)));
process.on('unhandledRejection', (reason) => exitAfter(reason, 'Runtime.UnhandledPromiseRejection'));

process.on('message', (message) => {
  if (message && message.type === 'invoke') void invoke(message);
});

function exitAfter(error, type) {
  const outcome = { ok: false, errorType: type, errorMessage: errorMessage(error) };
  if (settleCurrent) {
    settleCurrent(outcome, true);
  } else {
    // Between invocations nobody waits for an answer: log it as Lambda would, then end the sandbox.
    process.stderr.write(`${type}: ${outcome.errorMessage}\n`);
    process.exit(1);
  }
}

function errorType(error) {
  if (error instanceof Error || (error && typeof error.name === 'string')) return error.name || 'Error';
  return 'Error';
}

function errorMessage(error) {
  if (error instanceof Error || (error && typeof error.message === 'string')) return String(error.message);
  return String(error);
}

function peakRssBytes() {
  // resourceUsage().maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS * 1024;
}

function send(message, fatal) {
  process.send({ ...message, peakRssBytes: peakRssBytes(), fatal }, () => {
    if (fatal) process.exit(1);
  });
}

async function loadModule(modulePath) {
  if (modulePath.endsWith('.mjs')) return import(pathToFileURL(modulePath).href);
  try {
    return require(modulePath);
  } catch (error) {
    // ESM that require() cannot load (Node 20, or top-level await on Node 22): import it instead.
    if (error && (error.code === 'ERR_REQUIRE_ESM' || error.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
      return import(pathToFileURL(modulePath).href);
    }
    throw error;
  }
}

/** Error types of the Node.js Lambda runtime for a module that does not load. */
function initError(error, modulePath) {
  const wrapped = new Error(errorMessage(error));
  if (error && error.code === 'MODULE_NOT_FOUND') wrapped.name = 'Runtime.ImportModuleError';
  else if (error instanceof SyntaxError) wrapped.name = 'Runtime.UserCodeSyntaxError';
  else wrapped.name = errorType(error);
  wrapped.initFailed = true;
  wrapped.modulePath = modulePath;
  return wrapped;
}

async function loadHandler() {
  let mod;
  try {
    mod = await loadModule(config.modulePath);
  } catch (error) {
    throw initError(error, config.modulePath);
  }
  const handler = mod?.[config.exportName] ?? mod?.default?.[config.exportName];
  if (typeof handler !== 'function') {
    const file = path.basename(config.modulePath, path.extname(config.modulePath));
    const error = new Error(`${file}.${config.exportName} is undefined or not exported`);
    error.name = 'Runtime.HandlerNotFound';
    error.initFailed = true;
    throw error;
  }
  return handler;
}

function serialize(value) {
  try {
    const json = JSON.stringify(value === undefined ? null : value);
    return { ok: true, resultJson: json === undefined ? 'null' : json };
  } catch {
    return { ok: false, errorType: 'Runtime.MarshalError', errorMessage: 'Unable to stringify response body' };
  }
}

async function invoke(message) {
  const deadline = Date.now() + message.timeoutMs;
  let settled = false;
  const settle = (outcome, fatal = false) => {
    if (settled) return;
    settled = true;
    settleCurrent = undefined;
    send({ type: 'outcome', requestId: message.requestId, ...outcome }, fatal);
  };
  const succeed = (value) => settle(serialize(value));
  const fail = (error) => settle({ ok: false, errorType: errorType(error), errorMessage: errorMessage(error) });
  settleCurrent = settle;

  let handler;
  try {
    handlerPromise ??= loadHandler();
    handler = await handlerPromise;
  } catch (error) {
    // Lambda retries the init on the next invocation, in a fresh sandbox.
    settle({ ok: false, errorType: errorType(error), errorMessage: errorMessage(error) }, true);
    return;
  }

  const context = {
    functionName: config.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: String(config.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: config.logGroupName,
    logStreamName: config.logStreamName,
    // Reported but not honoured: the IPC channel keeps this process's event loop alive, so the answer is sent
    // as soon as the callback is called, as with callbackWaitsForEmptyEventLoop = false.
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The legacy context methods, still offered by the Node.js runtime.
    done: (error, value) => (error ? fail(error) : succeed(value)),
    succeed: (value) => succeed(value),
    fail: (error) => fail(error),
  };
  const callback = (error, value) => (error ? fail(error) : succeed(value));
  try {
    const returned = handler(message.event, context, callback);
    if (returned && typeof returned.then === 'function') {
      returned.then(succeed, fail);
    } else if (handler.length < 3) {
      // A synchronous handler that takes no callback: its return value is the answer.
      succeed(returned);
    }
  } catch (error) {
    fail(error);
  }
}
