/**
 * Figure 4: per function bundle, size raw and gzipped and module load time in a fresh `node` process, beside
 * a baseline bundle holding only the SDK clients and drivers that function bundles, built with the same
 * esbuild options (LAMBDA_BUILD_OPTIONS).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundlePath, CREDENTIAL_TYPES } from '../lambdas/registry';
import { LAMBDA_BUILD_OPTIONS } from '../scripts/build-lambdas';
import { median, round } from './stats';
import { NOT_YET, type Section, type TargetCheck } from './types';

const ROOT = resolve(__dirname, '..');

/** Packages a baseline may hold, and the statement that loads and constructs each one as a function would. */
const BASELINE_PACKAGES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-secrets-manager':
    "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'; export const sm = new SecretsManagerClient({});",
  '@aws-sdk/client-iam': "import { IAMClient } from '@aws-sdk/client-iam'; export const iam = new IAMClient({});",
  '@aws-sdk/client-sts': "import { STSClient } from '@aws-sdk/client-sts'; export const sts = new STSClient({});",
  '@aws-sdk/client-rds-data':
    "import { RDSDataClient } from '@aws-sdk/client-rds-data'; export const rds = new RDSDataClient({});",
  pg: "import * as pg from 'pg'; export const pgClient = pg.Client;",
  mysql2: "import * as mysql from 'mysql2/promise'; export const mysqlConnect = mysql.createConnection;",
};

export interface ColdStartRow {
  readonly function: string;
  readonly bundleBytes: number | null;
  readonly gzipBytes: number | null;
  readonly loadMsMedian: number | null;
  readonly baselinePackages: readonly string[];
  readonly baselineBytes: number | null;
  readonly baselineGzipBytes: number | null;
  readonly baselineLoadMsMedian: number | null;
  /** loadMsMedian / baselineLoadMsMedian. */
  readonly loadRatio: number | null;
  readonly note?: string;
}

/** Median time to `require` a file in fresh `node` processes, alternating with `other` so drift hits both. */
function loadTimes(files: readonly string[], runs: number): number[][] {
  const script =
    'const t = process.hrtime.bigint(); require(process.argv[1]); ' +
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  const times = files.map(() => [] as number[]);
  for (let run = 0; run < runs; run += 1) {
    files.forEach((file, i) => {
      const out = execFileSync(process.execPath, ['-e', script, file], {
        env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
        encoding: 'utf8',
      });
      times[i].push(Number(out));
    });
  }
  return times;
}

/** Which baseline packages esbuild put into the bundle of an entry, from its metafile inputs. */
async function packagesOf(entry: string): Promise<string[]> {
  const result = await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [entry], write: false, metafile: true });
  const inputs = Object.keys(result.metafile.inputs);
  return Object.keys(BASELINE_PACKAGES).filter((pkg) => inputs.some((input) => input.includes(`node_modules/${pkg}/`)));
}

async function buildBaseline(packages: readonly string[], outfile: string): Promise<void> {
  await build({
    ...LAMBDA_BUILD_OPTIONS,
    stdin: { contents: packages.map((pkg) => BASELINE_PACKAGES[pkg]).join('\n'), resolveDir: ROOT, loader: 'ts' },
    outfile,
  });
}

export async function measureColdStart(runs: number): Promise<Section<ColdStartRow>> {
  const work = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  const rows: ColdStartRow[] = [];
  try {
    for (const type of CREDENTIAL_TYPES) {
      const bundle = join(ROOT, bundlePath(type.name));
      if (!existsSync(bundle)) {
        rows.push(emptyRow(type.name, `${NOT_YET}: ${bundlePath(type.name)} missing (run npm run bundle)`));
        continue;
      }
      const packages = await packagesOf(join(ROOT, type.entry));
      const baseline = join(work, `${type.name}-baseline.js`);
      await buildBaseline(packages, baseline);
      const [ours, base] = loadTimes([bundle, baseline], runs);
      const code = readFileSync(bundle);
      const baseCode = readFileSync(baseline);
      rows.push({
        function: type.name,
        bundleBytes: code.length,
        gzipBytes: gzipSync(code, { level: 9 }).length,
        loadMsMedian: round(median(ours)),
        baselinePackages: packages,
        baselineBytes: baseCode.length,
        baselineGzipBytes: gzipSync(baseCode, { level: 9 }).length,
        baselineLoadMsMedian: round(median(base)),
        loadRatio: round(median(ours) / median(base), 3),
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!rows.some((row) => row.function === 'postgres')) rows.push(emptyRow('postgres', NOT_YET));
  return {
    title: 'Cold start: bundle size and module load time',
    method:
      `Bundle = dist/lambdas/<type>/index.js from npm run bundle. Baseline = a bundle of only the SDK clients and ` +
      'drivers found in that function bundle (from an esbuild metafile of its entry), each imported and ' +
      'constructed, built with the same LAMBDA_BUILD_OPTIONS. gzip at level 9 stands in for the zip Lambda ' +
      `receives. Load time = require() of the bundle timed inside a fresh \`node\` process, median of ${runs} ` +
      'processes, ours and baseline alternating. Node start-up itself is excluded from both.',
    rows,
    targets: rows.map((row) => coldTarget(row)),
  };
}

function emptyRow(name: string, note: string): ColdStartRow {
  return {
    function: name,
    bundleBytes: null,
    gzipBytes: null,
    loadMsMedian: null,
    baselinePackages: [],
    baselineBytes: null,
    baselineGzipBytes: null,
    baselineLoadMsMedian: null,
    loadRatio: null,
    note,
  };
}

function coldTarget(row: ColdStartRow): TargetCheck {
  const target = `${row.function}: load time at most 1.2 x baseline`;
  if (row.loadRatio === null) return { target, met: null, detail: row.note ?? NOT_YET };
  return {
    target,
    met: row.loadRatio <= 1.2,
    detail: `${row.loadMsMedian} ms vs ${row.baselineLoadMsMedian} ms: ${row.loadRatio}`,
  };
}
