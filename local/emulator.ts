import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { EmulatorClock } from './clock';
import { CallCounter } from './control/call-counter';
import { createControlRoutes } from './control/control-routes';
import { createServices, type EmulatorServices } from './control/service-wiring';
import { EventLog, type LoggedEvent } from './events/event-log';
import { serviceEvent } from './events/event-shapes';
import { FaultInjector } from './faults/fault-injector';
import { QuotaEnforcer } from './faults/quotas';
import { FunctionRunner } from './functions';
import type { ServiceHandler, ServiceName } from './http-types';
import { StateFile } from './persistence/state-file';
import { RotationOrchestrator } from './rotation/orchestrator';
import { resumeIncompleteRotations } from './rotation/resume';
import { RotationScheduler } from './rotation/scheduler';
import { createEmulatorServer } from './server';

/** Options of startEmulator; the CLI flags in camelCase (see docs/emulator.md). */
export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free port. */
  readonly port?: number;
  /** @default '123456789012' */
  readonly account?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Persist state in this file (loaded at start, written before every mutating call is answered). */
  readonly stateFile?: string;
  /** Append every event to this JSON-lines file. */
  readonly eventsFile?: string;
  /** A fresh function process for every invocation. */
  readonly coldFunctions?: boolean;
  /** Extra functions: `<name>=<module path>#<export>`. */
  readonly functions?: readonly string[];
  /** RDS Data API clusters: `<clusterArn>=postgres://...` or `mysql://...`. */
  readonly dataApi?: readonly string[];
  /** New IAM keys are refused for this many seconds. @default 0 */
  readonly iamPropagationSeconds?: number;
  /** Retries after a failed rotation attempt. @default 2 */
  readonly rotationRetries?: number;
  /** Delay before the first rotation retry, doubled for each further one. @default 100 */
  readonly rotationBackoffMs?: number;
  /** Real-time interval of the schedule check; 0 turns the timer off (clock advances still check). @default 1000 */
  readonly scheduleTickMs?: number;
  /** Where `dist/lambdas/<type>/index.js` bundles are found. @default the repository root */
  readonly repoRoot?: string;
  /** Operational messages (never secret values). @default silent */
  readonly log?: (line: string) => void;
}

/** A running emulator. */
export interface Emulator extends EmulatorServices {
  readonly url: string;
  readonly port: number;
  readonly account: string;
  readonly region: string;
  readonly runner: FunctionRunner;
  readonly clock: EmulatorClock;
  readonly events: EventLog;
  readonly calls: CallCounter;
  readonly faults: FaultInjector;
  readonly quotas: QuotaEnforcer;
  readonly rotations: RotationOrchestrator;
  readonly scheduler: RotationScheduler;
  /** Writes the state file now (no-op without `stateFile`). */
  persist(): Promise<void>;
  /** Clears all state, as `POST /_emulator/reset`. */
  reset(): Promise<void>;
  /** Stops the server, the scheduler and the function processes, and flushes the state file. */
  close(): Promise<void>;
}

/** Version of the state file layout; bump when it changes incompatibly. */
const STATE_FORMAT = 1;

const READ_ONLY = /^(Get|Describe|List|BatchGet)/;

/**
 * Starts the emulator on 127.0.0.1, in process: usable by tests, the demo and benchmarks.
 *
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * const client = new SecretsManagerClient({ endpoint: emulator.url, region: emulator.region,
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 * // ...
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const account = options.account ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? (() => undefined);
  const clock = new EmulatorClock();
  const now = () => clock.now();
  const events = new EventLog({ file: options.eventsFile });
  const calls = new CallCounter();
  const faults = new FaultInjector();
  const quotas = new QuotaEnforcer();
  const handlers = new Map<ServiceName, ServiceHandler>();

  // The services only exist once the port is known (functions get the emulator's URL); until then the
  // server answers nothing but the control routes, and nobody knows the port yet anyway.
  let services: EmulatorServices | undefined;
  let stateFile: StateFile | undefined;
  const persist = async () => {
    await stateFile?.flush();
  };

  let orchestrator: RotationOrchestrator | undefined;
  let scheduler: RotationScheduler | undefined;
  let runner: FunctionRunner | undefined;

  const resetAll = async () => {
    services?.reset();
    calls.clear();
    faults.clear();
    quotas.setEnabled(false);
    events.clear();
    orchestrator?.clear();
    clock.restore(0);
    await persist();
  };

  const server = createEmulatorServer({
    services: handlers,
    authenticate: (req, service) => {
      if (services === undefined) throw new Error('emulator is still starting');
      return services.authenticate(req, service);
    },
    control: createControlRoutes({
      account,
      region,
      calls,
      faults,
      quotas,
      clock,
      events,
      rotations: () => orchestrator?.list() ?? [],
      reset: () => resetAll(),
      runSchedules: async () => (await scheduler?.check()) ?? 0,
      persist,
      killFunction: (name) => (runner?.killFunctionProcess(name).length ?? 0) > 0,
    }),
    calls,
    faults,
    quotas,
    account,
    region,
    now,
    isMutating: (service, operation) => service !== 'rds-data' && !READ_ONLY.test(operation),
    afterMutation: persist,
    onError: log,
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  runner = new FunctionRunner({
    account,
    region,
    cold: options.coldFunctions ?? false,
    environment: {
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: region,
      // Lambda runs these bundles on nodejs22.x; the SDK's warning about older Node versions is noise here.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    onLog: (name, line) => log(`[${name}] ${line}`),
  });
  runner.registerBuiltIns(options.repoRoot ?? resolve(__dirname, '..'));
  for (const spec of options.functions ?? []) runner.register(FunctionRunner.parseFunctionSpec(spec));
  const functions = runner;

  const emitRotationEvent = (eventName: string, secretArn: string, errorMessage?: string, requestId?: string) =>
    events.emit(serviceEvent({ account, region, time: now(), eventName, secretArn, errorMessage, requestId }));

  services = createServices({
    account,
    region,
    now,
    emit: (event: LoggedEvent) => events.emit(event),
    canInvoke: (functionArn) => functions.has(functionArn),
    rotationRequested: (request) => orchestrator?.start(request),
    iamPropagationSeconds: options.iamPropagationSeconds ?? 0,
    dataApi: options.dataApi ?? [],
  });
  const ready = services;
  orchestrator = new RotationOrchestrator({
    invoker: functions,
    store: ready.rotationStore,
    emit: emitRotationEvent,
    now,
    retries: options.rotationRetries,
    backoffMs: options.rotationBackoffMs,
    onStateChange: persist,
  });
  scheduler = new RotationScheduler({
    port: ready.schedulePort,
    orchestrator,
    now,
    tickMs: options.scheduleTickMs,
    onStateChange: persist,
    onError: (error) => log(`schedule check failed: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (options.stateFile !== undefined) {
    stateFile = new StateFile(options.stateFile, () => ({
      format: STATE_FORMAT,
      clockOffsetMs: clock.offset,
      ...ready.exportState(),
    }));
    const saved = stateFile.load() as { format?: number; clockOffsetMs?: number } | undefined;
    if (saved !== undefined) {
      if (saved.format !== STATE_FORMAT) {
        throw new Error(`state file ${options.stateFile} has format ${String(saved.format)}, expected ${STATE_FORMAT}`);
      }
      clock.restore(saved.clockOffsetMs ?? 0);
      ready.importState(saved);
      log(`state loaded from ${options.stateFile}`);
    }
  }
  for (const handler of ready.handlers) handlers.set(handler.name, handler);
  const resumed = resumeIncompleteRotations(ready.incompleteRotations(), orchestrator);
  if (resumed > 0) log(`${resumed} incomplete rotation(s) reattempted`);
  scheduler.start();

  const activeOrchestrator = orchestrator;
  const activeScheduler = scheduler;
  let closed: Promise<void> | undefined;
  return {
    ...ready,
    url,
    port,
    account,
    region,
    runner: functions,
    clock,
    events,
    calls,
    faults,
    quotas,
    rotations: activeOrchestrator,
    scheduler: activeScheduler,
    persist,
    reset: resetAll,
    close: () => {
      closed ??= (async () => {
        activeScheduler.stop();
        activeOrchestrator.shutdown();
        // Functions first: their in-flight calls to this server must not outlive it.
        await functions.close();
        await activeOrchestrator.idle();
        server.closeAllConnections();
        await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        stateFile?.flushSync();
        await ready.close();
      })();
      return closed;
    },
  };
}
