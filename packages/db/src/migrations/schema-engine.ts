// Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm) and opens it
// on a PostgreSQL database through the pg driver adapter. This replaces the native schema engine,
// which the Prisma CLI downloads from Prisma's servers (unreachable on our machines).
//
// The package's main entry does `import * as wasm from "./schema_engine_bg.wasm"`, which Node
// rejects (ERR_UNKNOWN_FILE_EXTENSION). So we do what that entry would do by hand: compile the
// .wasm ourselves, instantiate it with the JS glue module (`schema_engine_bg.js`) as its only
// import namespace, hand the instance back to the glue and run its start function.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

import { MigrationAdapterFactory } from './adapter-factory.js';

type SchemaEngineGlue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

// @types/node 20 does not declare the WebAssembly global (only TypeScript's DOM lib does); these
// are the two calls made here.
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: Record<string, unknown> }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let glue: Promise<SchemaEngineGlue> | undefined;

/**
 * The glue's imports, with timers that do not keep the process alive. The engine races each
 * wait (such as taking the migration advisory lock) against a 10 s setTimeout and never clears
 * it, so without this every command would hold the process open for 10 s after it finished.
 */
function withUnrefTimers(bindings: SchemaEngineGlue): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const [name, value] of Object.entries(bindings)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof value === 'function') {
      imports[name] = (...args: unknown[]) => {
        const timer = (value as (...timerArgs: unknown[]) => unknown)(...args);
        (timer as { unref?: () => void } | undefined)?.unref?.();
        return timer;
      };
    }
  }
  return imports;
}

// The glue keeps the instance in a module-level variable, so one instance serves every engine
// in the process; loading it twice would swap the memory under engines already open.
function loadGlue(): Promise<SchemaEngineGlue> {
  glue ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package's "exports" map has no entry for the .wasm file, so find it next to the glue.
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = join(dirname(gluePath), 'schema_engine_bg.wasm');
    const module = await wasmApi.compile(await readFile(wasmPath));
    const bindings: SchemaEngineGlue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    // The .wasm imports everything from the glue, under the glue's file name.
    const instance = await wasmApi.instantiate(module, { './schema_engine_bg.js': withUnrefTimers(bindings) });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  glue.catch(() => {
    glue = undefined;
  });
  return glue;
}

/** The version (prisma-engines commit) of the WebAssembly schema engine in use. */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadGlue()).version();
}

/** A log line from the engine: JSON such as `{"level":"INFO","fields":{"message":"Applying `x`"}}`. */
export type EngineLogListener = (line: string) => void;

export interface OpenSchemaEngineOptions {
  /** The database the engine works on. For a diff it only needs to host shadow databases. */
  databaseUrl: string;
  /** Prisma schema files (path, content) the engine starts with; commands given a schema do not need them. */
  schemaFiles?: Array<{ path: string; content: string }>;
  onLog?: EngineLogListener;
}

/** An open engine and the connections it made; `close()` frees both. */
export interface SchemaEngineSession {
  readonly engine: SchemaEngine;
  close(): Promise<void>;
}

function defaultLogListener(): EngineLogListener {
  // The engine logs every step; useful only when debugging a migration that misbehaves.
  if (process.env.MODELGATE_SCHEMA_ENGINE_LOG) return (line) => process.stderr.write(`[schema-engine] ${line.trim()}\n`);
  return () => {};
}

export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngineSession> {
  const { SchemaEngine } = await loadGlue();
  const adapterFactory = new MigrationAdapterFactory(options.databaseUrl);
  const onLog = options.onLog ?? defaultLogListener();
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: options.schemaFiles?.map((file) => [file.path, file.content] as [string, string]) },
      (line: string) => onLog(line),
      // The engine expects the error-capturing wrapper: it is how it reads driver errors
      // (connection refused, SQL errors) back as messages instead of opaque JS exceptions.
      bindMigrationAwareSqlAdapterFactory(adapterFactory),
    );
  } catch (error) {
    await adapterFactory.close();
    throw error;
  }
  let closed = false;
  return {
    engine,
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      // Freeing the engine does not dispose the adapters it opened, and their idle pool
      // connections would keep the process alive (and a shadow database undropped).
      await adapterFactory.close();
    },
  };
}

/** Runs `work` on an open engine and closes it afterwards, whatever happens. */
export async function withSchemaEngine<T>(options: OpenSchemaEngineOptions, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const session = await openSchemaEngine(options);
  try {
    return await work(session.engine);
  } finally {
    await session.close();
  }
}
