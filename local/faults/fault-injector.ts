import { type FaultError, type FaultSpec, parseFaultSpec } from './fault-spec';
import { seededRandom } from './seeded-random';

/** What the server must do to one call. */
export interface FaultDecision {
  readonly delayMs: number;
  readonly error?: FaultError;
}

interface ActiveFault {
  readonly id: number;
  readonly spec: FaultSpec;
  readonly random: () => number;
  matched: number;
  fired: number;
}

/** A rule as listed by `GET /_emulator/faults`. */
export interface FaultStatus extends FaultSpec {
  readonly id: number;
  readonly matched: number;
  readonly fired: number;
}

/** Holds the fault rules and decides, call by call, which delay and error apply. */
export class FaultInjector {
  private readonly faults: ActiveFault[] = [];
  private nextId = 1;

  /** Adds a rule (validated; throws AwsServiceError `InvalidFaultSpec`) and returns its id. */
  add(body: unknown): number {
    const spec = parseFaultSpec(body);
    const id = this.nextId++;
    this.faults.push({ id, spec, random: seededRandom(spec.seed ?? 1), matched: 0, fired: 0 });
    return id;
  }

  clear(): void {
    this.faults.length = 0;
  }

  list(): FaultStatus[] {
    return this.faults.map((fault) => ({ ...fault.spec, id: fault.id, matched: fault.matched, fired: fault.fired }));
  }

  /** Applies every matching rule: latencies add up, the first rule that fails the call chooses the error. */
  decide(service: string, operation: string): FaultDecision {
    let delayMs = 0;
    let error: FaultError | undefined;
    for (const fault of this.faults) {
      const { spec } = fault;
      if (spec.service !== undefined && spec.service !== service) continue;
      if (spec.operation !== undefined && spec.operation !== operation) continue;
      const limit = spec.times ?? (spec.nth !== undefined ? 1 : Number.POSITIVE_INFINITY);
      if (fault.fired >= limit) continue;
      fault.matched += 1;
      if (!this.fires(fault)) continue;
      fault.fired += 1;
      delayMs += spec.latencyMs ?? 0;
      if (error === undefined && spec.error !== undefined) error = spec.error;
    }
    return error === undefined ? { delayMs } : { delayMs, error };
  }

  private fires(fault: ActiveFault): boolean {
    const { spec } = fault;
    if (spec.nth !== undefined) return fault.matched >= spec.nth && (fault.matched - spec.nth) % spec.nth === 0;
    if (spec.fraction !== undefined) return fault.random() < spec.fraction;
    return true;
  }
}
