import { DEFAULT_API_URL } from '@modelgate/sdk';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { withApiAccess } from './auth/api-access.js';
import { parseExpiry } from './auth/expiry.js';
import {
  collectMapping,
  pageLimitParser,
  parseBatchFormat,
  parseBatchJobStatus,
  parseChunkSize,
  type BatchSubmitOptions,
} from './batch/batch-arguments.js';
import type { CliContext, GlobalOptions } from './cli-context.js';
import { createApiKey, listApiKeys, revokeApiKey, type CreateApiKeyOptions } from './commands/api-keys.js';
import {
  cancelBatch,
  downloadBatch,
  listBatchFailures,
  listBatchJobs,
  showBatchStatus,
  submitBatch,
  type BatchDownloadOptions,
  type BatchFailuresOptions,
  type BatchListOptions,
  type BatchStatusOptions,
} from './commands/batch.js';
import { createAdminUser, type CreateAdminOptions } from './commands/create-admin.js';
import { login, type LoginOptions } from './commands/login.js';
import { logout, type LogoutOptions } from './commands/logout.js';
import { listModels, showModel, showVersion } from './commands/registry-reads.js';
import { abortRollout, showRolloutStatus, startRollout, type AbortRolloutOptions, type RolloutStatusOptions } from './commands/rollouts.js';
import { deploy, listRevisions, promote, rollback, type DeployOptions, type PromoteOptions, type RollbackOptions } from './commands/routing.js';
import { uploadModel, type UploadModelOptions } from './commands/upload-model.js';
import { whoAmI } from './commands/whoami.js';
import { parseBakeDuration, parseMaxErrorRate, parseMaxP95Ratio, parseMinRequests, parseRolloutSteps, type RolloutOptions } from './routing/rollout-arguments.js';
import {
  collectShadowTarget,
  parseExpectedRevision,
  parseRevisionNumber,
  parseVersionNumber,
  parseVersionReference,
  parseWholePercent,
  type VersionReference,
} from './routing/routing-arguments.js';
import { collectTag, parseMetricsOption } from './upload/upload-metadata.js';

/** `--api-url`: checked here so a typo is a usage error, not a failed connection. */
export function parseApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected a URL like ${DEFAULT_API_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL');
  return value;
}

const globalsOf = (command: Command) => command.optsWithGlobals<GlobalOptions>();
// Commander passes the previous value as a second argument, which parseExpiry would take for "now".
const expiryArgument = (value: string) => parseExpiry(value);

// Options are objects commander fills in, so each command gets its own.
const versionArgument = (description: string) => new Argument('<model@version>', description).argParser(parseVersionReference);
const expectedRevisionOption = () =>
  new Option(
    '--expected-revision <n>',
    'change the endpoint only if it is still at revision n (0: it has none), else fail (for scripts; default: the revision it is at when read, just before)',
  ).argParser(parseExpectedRevision);
const reasonOption = (description: string) => new Option('--reason <text>', description);
const REVISION_REASON = 'why, kept with the revision and in the audit log (default: what changed, in words)';

const DEPLOY_EXAMPLES = `
Examples:
  modelgate deploy fraud fraud@3                   fraud@v3 takes all traffic
  modelgate deploy fraud fraud@4 --weight 10       fraud@v4 gets 10 %, the primary keeps 90 %
  modelgate deploy fraud fraud@4 --weight 10 --shadow fraud@5:25 --reason "retrained on November data"

A change made by hand (deploy, promote, rollback) stops a running rollout of the endpoint.`;

const ROLLOUT_START_EXAMPLES = `
Examples:
  modelgate rollout start fraud fraud@4                                   10 → 50 → 100 %, 5 minutes a step
  modelgate rollout start fraud fraud@4 --steps 5,25,50,100 --bake 10m --max-error-rate 0.5%
  modelgate rollout status fraud --watch && echo "fraud@v4 serves all traffic"`;

const BATCH_SUBMIT_EXAMPLES = `
Examples:
  modelgate batch submit orders.csv --endpoint fraud --wait
  modelgate batch submit orders.csv --model fraud@3 --mapping features=f1,f2,f3,f4 --chunk-size 5000 --error-budget 0.5%
  modelgate batch submit events.jsonl --endpoint fraud --mapping 'features=payload'
  id=$(modelgate batch submit orders.csv --endpoint fraud --json | jq -r .id)
  modelgate batch status "$id" --watch && modelgate batch download "$id" -o scored.csv

Without --mapping, each input of the model takes the column (JSONL: field) of its own name. A model
with a single input of one row of numbers per item (e.g. float32 [N, 4]) takes every column in the
file's order when no column has its name. One column holds a JSON value per cell (a number, or an
array such as [0.1, 2.0]); several columns hold one number each, in the order given.`;

function signInHelp(context: CliContext): string {
  return `
Signing in:
  modelgate login            asks for your email and password and saves a personal token (never the
                             password) in ${context.configPath}
                             ($MODELGATE_CONFIG, else $XDG_CONFIG_HOME/modelgate/config.json, else
                             ~/.config/modelgate/config.json), readable by you only (0600)
  MODELGATE_TOKEN=<token>    an API key or personal token; used before the saved one
  Without --api-url or MODELGATE_API_URL, commands talk to the API you signed in to.`;
}

/**
 * The `modelgate` command tree. Handlers only unpack arguments and call one function each.
 * Commander's own failures (unknown command, missing argument, bad value) throw instead of
 * exiting, so the caller decides the exit code (2) and tests can run it in-process.
 */
export function buildProgram(context: CliContext, version: string): Command {
  const program = new Command('modelgate')
    .description('Upload ONNX models to Modelgate, look at what its registry holds, route traffic to versions (canaries, progressive rollouts), score batch files, and manage sign-in and API keys.')
    .version(version, '-V, --version', 'print the CLI version')
    .addOption(
      new Option('--api-url <url>', `where the Modelgate API answers (default: the API you signed in to, else ${DEFAULT_API_URL})`)
        .env('MODELGATE_API_URL')
        .argParser(parseApiUrl),
    )
    .option('--json', "print the API's JSON on stdout and nothing else (for scripts and jq)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText('after', signInHelp(context));

  program
    .command('login')
    .description('sign in: trade your email and password for a personal token saved in the config file, or save a token made in the dashboard')
    .option('--email <address>', 'your email (asked for when not given)')
    .addOption(new Option('--password-stdin', 'read the password from stdin instead of asking (for scripts; needs --email)').conflicts(['token', 'tokenStdin']))
    .addOption(new Option('--token <secret>', 'save this personal token or API key after checking it (visible in shell history: prefer --token-stdin)').conflicts(['tokenStdin', 'email', 'expires']))
    .addOption(new Option('--token-stdin', 'read the token to save from stdin').conflicts(['email', 'expires']))
    .addOption(new Option('--expires <when>', 'when the new personal token stops working: 90d, 12h, 2027-01-31 or an ISO date-time (default: never, until logout)').argParser(expiryArgument))
    .action((options: LoginOptions, command: Command) => login(options, globalsOf(command), context));

  program
    .command('logout')
    .description('revoke the saved personal token and delete the config file (the file goes even when the API cannot be reached)')
    .option('--keep-token', 'only delete the config file; the token stays valid (when it is used elsewhere too)')
    .action((options: LogoutOptions) => logout(options, context));

  program
    .command('whoami')
    .description('who the API takes you for: email, role, and which token (by its prefix) is used')
    .action((_options: unknown, command: Command) => withApiAccess(globalsOf(command), context, (access) => whoAmI(access, globalsOf(command), context)));

  const models = program.command('models').description('models and their versions');

  models
    .command('upload')
    .description('upload an ONNX file as a new version of a model (the model is created on its first upload)')
    .argument('<model>', 'model name: 2–63 lowercase letters, digits and "-"')
    .argument('<file>', 'the .onnx file')
    .option('--description <text>', 'what this version is')
    .option('--tag <tag>', 'a tag for this version (repeat for more)', collectTag)
    .option('--metrics <json>', 'evaluation metrics as a JSON object, e.g. \'{"accuracy": 0.97}\'', parseMetricsOption)
    .option('--sample-input <json-file>', 'a file holding an example request, {"inputs": {…}}; checked against the signature')
    .option('-q, --quiet', 'no progress on stderr')
    .action((model: string, file: string, options: UploadModelOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => uploadModel(model, file, options, access, globalsOf(command), context)),
    );

  models
    .command('list')
    .description('every model: versions, latest version, last change')
    .action((_options: unknown, command: Command) => withApiAccess(globalsOf(command), context, (access) => listModels(access, globalsOf(command), context)));

  models
    .command('show')
    .description("a model's versions, newest first")
    .argument('<model>', 'model name')
    .action((model: string, _options: unknown, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => showModel(model, access, globalsOf(command), context)),
    );

  program
    .command('versions')
    .description('single model versions')
    .command('show')
    .description('everything about one version: size, sha256, signature, opsets, producer, metadata, warnings')
    .argument('<model>', 'model name')
    .addArgument(new Argument('<version>', 'version number').argParser(parseVersionNumber))
    .action((model: string, versionNumber: number, _options: unknown, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => showVersion(model, versionNumber, access, globalsOf(command), context)),
    );

  program
    .command('deploy')
    .description('route traffic to a version as a new revision: all of it, or with --weight a canary next to the current primary')
    .argument('<endpoint>', 'endpoint name')
    .addArgument(versionArgument('the version to deploy, e.g. fraud@3'))
    .addOption(
      new Option(
        '--weight <percent>',
        'a canary: the version gets this share (1–100) and the primary (the version with the most traffic now) keeps the rest; any other canary is replaced. Without it (or 100) the version takes all traffic',
      ).argParser(parseWholePercent),
    )
    .option(
      '--shadow <model@version[:percent]>',
      "also copy this percent (default 100) of requests to a version whose answers are compared, never returned; repeat for more. Replaces the active revision's shadows",
      collectShadowTarget,
    )
    .option('--no-shadow', "drop the active revision's shadows (without --shadow or --no-shadow they are kept)")
    .addOption(reasonOption(REVISION_REASON))
    .addOption(expectedRevisionOption())
    .addHelpText('after', DEPLOY_EXAMPLES)
    .action((endpoint: string, target: VersionReference, options: DeployOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => deploy(endpoint, target, options, access, globalsOf(command), context)),
    );

  program
    .command('promote')
    .description('send all traffic to one version, as a new revision (admins); shadows are dropped')
    .argument('<endpoint>', 'endpoint name')
    .addArgument(versionArgument('the version to promote, e.g. fraud@3'))
    .addOption(reasonOption(REVISION_REASON))
    .addOption(expectedRevisionOption())
    .action((endpoint: string, target: VersionReference, options: PromoteOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => promote(endpoint, target, options, access, globalsOf(command), context)),
    );

  program
    .command('rollback')
    .description("go back to the previous revision's routes and shadows (or those of --to), as a new revision (admins)")
    .argument('<endpoint>', 'endpoint name')
    .addOption(new Option('--to <revision>', 'the revision to go back to, as `modelgate revisions` numbers them (default: the one before the active one)').argParser(parseRevisionNumber))
    .addOption(reasonOption(REVISION_REASON))
    .addOption(expectedRevisionOption())
    .action((endpoint: string, options: RollbackOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => rollback(endpoint, options, access, globalsOf(command), context)),
    );

  program
    .command('revisions')
    .description("an endpoint's routing history, newest first: kind, routes, shadows, reason, who and when; the active one marked")
    .argument('<endpoint>', 'endpoint name')
    .action((endpoint: string, _options: unknown, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => listRevisions(endpoint, access, globalsOf(command), context)),
    );

  const rollout = program
    .command('rollout')
    .description('progressive rollouts: a version gets more of the traffic step by step, rolled back automatically when its guardrails fail');

  rollout
    .command('start')
    .description("start a rollout: the candidate gets each step's share of the traffic for at least the bake time, while its error rate and p95 are compared with the baseline (the version with the most traffic now)")
    .argument('<endpoint>', 'endpoint name')
    .addArgument(versionArgument('the candidate version, e.g. fraud@3'))
    .option('--steps <percents>', "the candidate's share at each step, increasing, ending at 100 (default: 10,50,100)", parseRolloutSteps)
    .option('--bake <duration>', 'least time each step runs before it may advance: 300, 300s, 5m, 1h30m (default: 5m)', parseBakeDuration)
    .option('--max-error-rate <rate>', "roll back when a larger share of the candidate's requests fail: 1% or 0.01 (default: 1%)", parseMaxErrorRate)
    .option('--max-p95-ratio <ratio>', "roll back when the candidate's p95 exceeds this multiple of the baseline's (default: 1.5)", parseMaxP95Ratio)
    .option('--min-requests <count>', 'requests the candidate must answer in a step before it is judged (default: 100)', parseMinRequests)
    .addOption(reasonOption('why, kept with the revision the rollout starts with and in the audit log (default: the steps in words)'))
    .addOption(expectedRevisionOption())
    .addHelpText('after', ROLLOUT_START_EXAMPLES)
    .action((endpoint: string, target: VersionReference, options: RolloutOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => startRollout(endpoint, target, options, access, globalsOf(command), context)),
    );

  rollout
    .command('status')
    .description('the running rollout, else the latest: candidate against baseline, step, time in step against the bake, the last check in words, the guardrails')
    .argument('<endpoint>', 'endpoint name')
    .option('--watch', 'read it again every 2 s and redraw it until it ends (a line per change when stdout is not a terminal); exit 3 when it is rolled back or aborted')
    .action((endpoint: string, options: RolloutStatusOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => showRolloutStatus(endpoint, options, access, globalsOf(command), context)),
    );

  rollout
    .command('abort')
    .description('stop the running rollout: the endpoint routes as it did before the rollout began (a new revision); shows the routes now')
    .argument('<endpoint>', 'endpoint name')
    .addOption(reasonOption("why it was stopped, kept in the rollout's outcome and the revision it writes"))
    .action((endpoint: string, options: AbortRolloutOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => abortRollout(endpoint, options, access, globalsOf(command), context)),
    );

  const batch = program
    .command('batch')
    .description('batch files: score every row of a CSV or JSONL file through an endpoint (or one pinned version), follow it, download the results');

  batch
    .command('submit')
    .description('upload a CSV or JSONL file (streamed, with a progress bar) as a batch job; --wait follows it until it ends')
    .argument('<file>', 'a CSV file (a header line, then one row per line) or a JSONL file (one JSON object per line)')
    .addOption(new Option('--endpoint <endpoint>', "score through this endpoint: its routing picks each row's version").conflicts('model'))
    .addOption(new Option('--model <model@version>', 'score with this one version instead, e.g. fraud@3').argParser(parseVersionReference))
    .option('--mapping <input=columns>', 'which column(s) feed an input: x=a,b,c (one number per column) or x=features (a JSON value per cell); repeat per input (default: by name, see below)', collectMapping)
    .option('--format <format>', 'csv or jsonl (default: from the file name, .csv or .jsonl/.ndjson)', parseBatchFormat)
    .option('--chunk-size <rows>', 'rows per chunk, each scored as one worker job (1–100,000; default: chosen for the file, 1,000 to 10,000)', parseChunkSize)
    .option('--error-budget <rate>', 'share of rows that may fail before the job stops as failed: 1% or 0.01; 0 stops at the first (default 1%)', parseMaxErrorRate)
    .option('--wait', 'follow the job until it ends, with a progress bar; exit 3 when it fails or is cancelled')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', BATCH_SUBMIT_EXAMPLES)
    .action((file: string, options: BatchSubmitOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => submitBatch(file, options, access, globalsOf(command), context)),
    );

  batch
    .command('status')
    .description('a batch job: rows done of the total, failures, rows/s, ETA, where its rows go; exit 3 when it failed or was cancelled')
    .argument('<id>', 'the batch job id, as `batch submit` and `batch list` print it')
    .option('--watch', 'follow it with a progress bar (rows/s, ETA) until it ends')
    .action((id: string, options: BatchStatusOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => showBatchStatus(id, options, access, globalsOf(command), context)),
    );

  batch
    .command('download')
    .description("save a batch job's results (row id and outputs per row), streamed to disk")
    .argument('<id>', 'the batch job id')
    .option('--format <format>', 'csv or jsonl (default: the format of the file submitted)', parseBatchFormat)
    .option('-o, --output <file>', 'where to write them; - for stdout (default: <file submitted>.results.<format> here)')
    .option('--force', 'replace the output file when it exists')
    .option('-q, --quiet', 'no progress on stderr')
    .action((id: string, options: BatchDownloadOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => downloadBatch(id, options, access, globalsOf(command), context)),
    );

  batch
    .command('list')
    .description('batch jobs, newest first: status, file, target, rows done, failures')
    .option('--status <status>', 'only jobs in this status: queued, running, succeeded, failed or cancelled', parseBatchJobStatus)
    .option('--limit <count>', 'jobs per page (1–200, default 50)', pageLimitParser(200))
    .option('--cursor <cursor>', 'the next page, as the previous one printed it')
    .action((options: BatchListOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => listBatchJobs(options, access, globalsOf(command), context)),
    );

  batch
    .command('cancel')
    .description('stop a queued or running batch job; rows already scored keep their results')
    .argument('<id>', 'the batch job id')
    .action((id: string, _options: unknown, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => cancelBatch(id, access, globalsOf(command), context)),
    );

  batch
    .command('failures')
    .description('the rows of a batch job that failed: row, file line, reason')
    .argument('<id>', 'the batch job id')
    .option('--limit <count>', 'rows per page (1–1,000, default 100)', pageLimitParser(1000))
    .option('--cursor <cursor>', 'the next page, as the previous one printed it')
    .action((id: string, options: BatchFailuresOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => listBatchFailures(id, options, access, globalsOf(command), context)),
    );

  program
    .command('users')
    .description('user accounts')
    .command('create-admin')
    .description('create an admin straight in PostgreSQL (the first one, or a way back in): needs DATABASE_URL, the database the API uses')
    .requiredOption('--email <address>', "the admin's email, which they sign in with")
    .option('--name <name>', 'their name, as the dashboard shows it', 'Administrator')
    .option('--password-stdin', 'read the password from stdin instead of asking (for scripts); at least 12 characters')
    .option('--reset-password', 'when the user exists: set this password and make them an admin (and enabled) again')
    .action((options: CreateAdminOptions) => createAdminUser(options, context));

  const apiKeys = program.command('api-keys').description('API keys for applications: predict on some endpoints (or all), optionally read (admins only)');

  apiKeys
    .command('create')
    .description('create a key and print its secret on stdout, the only time it is ever shown')
    .argument('<name>', 'what uses the key, e.g. "checkout service"')
    .option('--predict <endpoint...>', 'endpoints the key may predict on (give the name argument first)')
    .addOption(new Option('--predict-all', 'the key may predict on every endpoint, present and future').conflicts('predict'))
    .option('--read', 'the key may also read the registry and endpoints')
    .option('--expires <when>', 'when the key stops working: 90d, 12h, 2027-01-31 or an ISO date-time (default: never)', expiryArgument)
    .action((name: string, options: CreateApiKeyOptions, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => createApiKey(name, options, access, globalsOf(command), context)),
    );

  apiKeys
    .command('list')
    .description('every key: prefix, name, scopes, status, expiry, last use (never the secrets)')
    .action((_options: unknown, command: Command) => withApiAccess(globalsOf(command), context, (access) => listApiKeys(access, globalsOf(command), context)));

  apiKeys
    .command('revoke')
    .description('revoke a key: every API process refuses it within a second')
    .argument('<key>', 'its id or prefix (mgk_…), as `api-keys list` shows them; the whole secret works too')
    .action((reference: string, _options: unknown, command: Command) =>
      withApiAccess(globalsOf(command), context, (access) => revokeApiKey(reference, access, globalsOf(command), context)),
    );

  return program;
}
