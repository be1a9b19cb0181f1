/**
 * `npm run emulator -- [options]`: runs the local AWS emulator until SIGINT or SIGTERM.
 * See docs/emulator.md for the services and the `/_emulator/` control endpoints.
 */
import { type EmulatorOptions, startEmulator } from './emulator';

const USAGE = `Usage: npm run emulator -- [options]

Options:
  --port <n>                        port on 127.0.0.1 (default 4566; 0 picks a free port)
  --account <id>                    12-digit account id (default 123456789012)
  --region <name>                   region (default us-east-1)
  --state <file>                    keep state in this file; it survives restarts and kill -9
  --events <file>                   append every event to this file as JSON lines
  --cold-functions                  start a fresh process for every function invocation
  --function <name>=<path>#<export> register another function (repeatable)
  --data-api <clusterArn>=<url>     serve the RDS Data API for a cluster: postgres://... or mysql://... (repeatable)
  --iam-propagation-seconds <n>     new IAM access keys are refused for this long (default 0)
  --rotation-retries <n>            retries after a failed rotation attempt (default 2)
  --help                            show this help
`;

/** A command-line error: the message names the flag and what it got. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(
      `${flag} must be an integer ${min}-${max}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

function text(flag: string, value: string | undefined): string {
  if (value === undefined || value === '' || value.startsWith('--')) {
    throw new UsageError(`${flag} needs a value, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return value;
}

/** Parses the command line; returns undefined for --help. */
export function parseArgs(argv: readonly string[]): EmulatorOptions | undefined {
  const options: {
    -readonly [K in keyof EmulatorOptions]: EmulatorOptions[K];
  } = { functions: [], dataApi: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] =
      arg.includes('=') && arg.startsWith('--')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--help':
      case '-h':
        return undefined;
      case '--port':
        options.port = integer(flag, value(), 0, 65535);
        break;
      case '--account': {
        const account = text(flag, value());
        if (!/^\d{12}$/.test(account))
          throw new UsageError(`--account must be 12 digits, got ${JSON.stringify(account)}`);
        options.account = account;
        break;
      }
      case '--region':
        options.region = text(flag, value());
        break;
      case '--state':
        options.stateFile = text(flag, value());
        break;
      case '--events':
        options.eventsFile = text(flag, value());
        break;
      case '--cold-functions':
        options.coldFunctions = true;
        break;
      case '--function':
        (options.functions as string[]).push(text(flag, value()));
        break;
      case '--data-api':
        (options.dataApi as string[]).push(text(flag, value()));
        break;
      case '--iam-propagation-seconds':
        options.iamPropagationSeconds = integer(flag, value(), 0, 3600);
        break;
      case '--rotation-retries':
        options.rotationRetries = integer(flag, value(), 0, 100);
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}; run with --help for the list`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions | undefined;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === undefined) {
    process.stdout.write(USAGE);
    return;
  }
  const emulator = await startEmulator({
    ...options,
    port: options.port ?? 4566,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `AWS emulator (account ${emulator.account}, region ${emulator.region}) listening on ${emulator.url}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the emulator\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
