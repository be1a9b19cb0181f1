/** Shapes shared by the benchmarks and the report. */

/** How big each benchmark runs: the full pass or the seconds-long smoke pass. */
export interface BenchScale {
  readonly smoke: boolean;
  /** Counted rotations per type and function mode for the calls figure. */
  readonly callRotations: number;
  /** Sequential rotations per type for latency (>= 50 in the full pass). */
  readonly latencyRotations: number;
  /** Secrets in the fleet run (1,000 in the full pass). */
  readonly fleetSecrets: number;
  /** Fresh processes per bundle for module load time (>= 20 in the full pass). */
  readonly loadRuns: number;
  /** Managed-secret counts to synthesize. */
  readonly synthCounts: readonly number[];
  /** Synths per count; the median is reported. */
  readonly synthRuns: number;
  /** 10-secret synths before the measured ones, so module loading and JIT are not in the figures. */
  readonly synthWarmUps: number;
}

export const FULL_SCALE: BenchScale = {
  smoke: false,
  callRotations: 3,
  latencyRotations: 60,
  fleetSecrets: 1000,
  loadRuns: 21,
  synthCounts: [10, 100, 1000],
  synthRuns: 3,
  synthWarmUps: 3,
};

export const SMOKE_SCALE: BenchScale = {
  smoke: true,
  callRotations: 1,
  latencyRotations: 3,
  fleetSecrets: 10,
  loadRuns: 3,
  synthCounts: [10],
  synthRuns: 1,
  synthWarmUps: 0,
};

/** One benchmark section of the results: its rows and how they were measured. */
export interface Section<Row> {
  readonly title: string;
  /** How the figure was measured, in one paragraph, for the results file. */
  readonly method: string;
  readonly rows: readonly Row[];
  /** Targets from issue 7 and whether they are met. */
  readonly targets?: readonly TargetCheck[];
}

export interface TargetCheck {
  readonly target: string;
  /** true met, false missed, null not measurable yet. */
  readonly met: boolean | null;
  readonly detail: string;
}

/** The placeholder a figure shows for a credential type that does not exist yet. */
export const NOT_YET = 'not yet available';
