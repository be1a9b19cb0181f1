import type { EmulatorClock } from '../clock';
import type { EventLog } from '../events/event-log';
import type { FaultInjector } from '../faults/fault-injector';
import type { QuotaEnforcer } from '../faults/quotas';
import { AwsServiceError, type EmulatorRequest, type EmulatorResponse } from '../http-types';
import type { RotationRun } from '../rotation/rotation-run';
import type { CallCounter } from './call-counter';

/** What the control plane drives; the emulator provides it. */
export interface ControlPlane {
  readonly account: string;
  readonly region: string;
  readonly calls: CallCounter;
  readonly faults: FaultInjector;
  readonly quotas: QuotaEnforcer;
  readonly clock: EmulatorClock;
  readonly events: EventLog;
  rotations(): readonly RotationRun[];
  /** Clears all services' state, counters, faults, events and rotation history; the clock goes back to real time. */
  reset(): Promise<void>;
  /** Runs due schedules and deletions now (after a clock change); returns the number of rotations started. */
  runSchedules(): Promise<number>;
  /** Persists state that changed outside an API call (the clock). */
  persist(): Promise<void>;
  /** Kills the warm process of a function (kill -9); false when none was running. */
  killFunction(name: string): Promise<boolean> | boolean;
}

const json = (body: unknown, status = 200): EmulatorResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function parseBody(req: EmulatorRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(req.body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new AwsServiceError(
    'InvalidRequest',
    `control request body must be a JSON object, got ${req.body.length} bytes of something else`,
  );
}

function parseSince(value: string | null): number | Date | undefined {
  if (value === null || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new AwsServiceError(
      'InvalidRequest',
      `since must be a cursor (integer) or an ISO date, got ${JSON.stringify(value)}`,
    );
  }
  return date;
}

async function changeClock(plane: ControlPlane, body: Record<string, unknown>): Promise<EmulatorResponse> {
  const { advanceSeconds, set } = body;
  if (advanceSeconds !== undefined) {
    if (typeof advanceSeconds !== 'number') {
      throw new AwsServiceError(
        'InvalidRequest',
        `advanceSeconds must be a number, got ${JSON.stringify(advanceSeconds)}`,
      );
    }
    plane.clock.advance(advanceSeconds);
  } else if (set !== undefined) {
    const date = typeof set === 'string' || typeof set === 'number' ? new Date(set) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) {
      throw new AwsServiceError(
        'InvalidRequest',
        `set must be an ISO date or epoch milliseconds, got ${JSON.stringify(set)}`,
      );
    }
    plane.clock.set(date);
  } else {
    throw new AwsServiceError('InvalidRequest', 'clock change needs "advanceSeconds" or "set", got neither');
  }
  await plane.persist();
  const rotationsStarted = await plane.runSchedules();
  return json({ now: plane.clock.now().toISOString(), offsetSeconds: plane.clock.offset / 1000, rotationsStarted });
}

async function route(plane: ControlPlane, req: EmulatorRequest, path: string): Promise<EmulatorResponse> {
  const key = `${req.method} ${path}`;
  switch (key) {
    case 'GET health':
      return json({ ok: true, account: plane.account, region: plane.region });
    case 'POST reset':
      await plane.reset();
      return json({ reset: true });
    case 'GET calls':
      return json(plane.calls.snapshot());
    case 'DELETE calls':
      plane.calls.clear();
      return json({ cleared: true });
    case 'GET faults':
      return json({ faults: plane.faults.list() });
    case 'POST faults':
      return json({ id: plane.faults.add(parseBody(req)) });
    case 'DELETE faults':
      plane.faults.clear();
      return json({ cleared: true });
    case 'GET quotas':
      return json({ enabled: plane.quotas.isEnabled });
    case 'POST quotas': {
      const { enabled } = parseBody(req);
      if (typeof enabled !== 'boolean') {
        throw new AwsServiceError(
          'InvalidRequest',
          `quotas field "enabled" must be a boolean, got ${JSON.stringify(enabled)}`,
        );
      }
      plane.quotas.setEnabled(enabled);
      return json({ enabled });
    }
    case 'GET clock':
      return json({ now: plane.clock.now().toISOString(), offsetSeconds: plane.clock.offset / 1000 });
    case 'POST clock':
      return changeClock(plane, parseBody(req));
    case 'GET events': {
      const events = plane.events.list(parseSince(req.query.get('since')));
      return json({ events, cursor: plane.events.cursor });
    }
    case 'GET rotations': {
      const secretArn = req.query.get('secretArn');
      const runs = plane.rotations().filter((run) => secretArn === null || run.secretArn === secretArn);
      return json({ rotations: runs });
    }
    default: {
      const kill = /^functions\/([A-Za-z0-9_-]{1,64})\/kill$/.exec(path);
      if (kill !== null && req.method === 'POST') return json({ killed: await plane.killFunction(kill[1]) });
      return json({ message: `no control route ${req.method} /_emulator/${path}; see docs/emulator.md` }, 404);
    }
  }
}

/** Answers `/_emulator/*` requests (JSON in, JSON out; errors are `{code, message}`). */
export function createControlRoutes(plane: ControlPlane): (req: EmulatorRequest) => Promise<EmulatorResponse> {
  return async (req) => {
    const path = req.path.slice('/_emulator/'.length).replace(/\/+$/, '');
    try {
      return await route(plane, req, path);
    } catch (error) {
      if (error instanceof AwsServiceError) return json({ code: error.code, message: error.message }, error.status);
      if (error instanceof RangeError) return json({ code: 'InvalidRequest', message: error.message }, 400);
      throw error;
    }
  };
}
