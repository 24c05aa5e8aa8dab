import { DEFAULT_API_URL } from '@modelgate/sdk';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext, GlobalOptions } from './cli-context.js';
import { listModels, showModel, showVersion } from './commands/registry-reads.js';
import { uploadModel, type UploadModelOptions } from './commands/upload-model.js';
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

/** A version number as the API numbers them; `v3` is accepted too, since that is how they are printed. */
export function parseVersionNumber(value: string): number {
  const digits = value.replace(/^v/i, '');
  const version = Number(digits);
  if (!/^\d+$/.test(digits) || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidArgumentError('expected a version number like 3');
  }
  return version;
}

const globalsOf = (command: Command) => command.optsWithGlobals<GlobalOptions>();

/**
 * The `modelgate` command tree. Handlers only unpack arguments and call one function each.
 * Commander's own failures (unknown command, missing argument, bad value) throw instead of
 * exiting, so the caller decides the exit code (2) and tests can run it in-process.
 */
export function buildProgram(context: CliContext, version: string): Command {
  const program = new Command('modelgate')
    .description('Upload ONNX models to Modelgate and look at what its registry holds.')
    .version(version, '-V, --version', 'print the CLI version')
    .addOption(
      new Option('--api-url <url>', 'where the Modelgate API answers').env('MODELGATE_API_URL').default(DEFAULT_API_URL).argParser(parseApiUrl),
    )
    .option('--json', "print the API's JSON on stdout and nothing else (for scripts and jq)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true);

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
    .action((model: string, file: string, options: UploadModelOptions, command: Command) => uploadModel(model, file, options, globalsOf(command), context));

  models
    .command('list')
    .description('every model: versions, latest version, last change')
    .action((_options: unknown, command: Command) => listModels(globalsOf(command), context));

  models
    .command('show')
    .description("a model's versions, newest first")
    .argument('<model>', 'model name')
    .action((model: string, _options: unknown, command: Command) => showModel(model, globalsOf(command), context));

  program
    .command('versions')
    .description('single model versions')
    .command('show')
    .description('everything about one version: size, sha256, signature, opsets, producer, metadata, warnings')
    .argument('<model>', 'model name')
    .addArgument(new Argument('<version>', 'version number').argParser(parseVersionNumber))
    .action((model: string, versionNumber: number, _options: unknown, command: Command) => showVersion(model, versionNumber, globalsOf(command), context));

  return program;
}
