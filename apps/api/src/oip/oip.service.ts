import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { type Dim, primaryOf, ProblemCode, tensorOutputNames } from '@modelgate/contracts';
import type { Db } from '@modelgate/db';
import {
  type HostTensor,
  INFERENCE_HEADER_CONTENT_LENGTH,
  TensorInputError,
  binaryOutputRequested,
  buildInferenceBody,
  decodeOipInputs,
  splitInferenceBody,
  toOipDatatype,
  tensorToOip,
} from '@modelgate/runtime/tensors';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { EndpointRoutingService, findRoutedVersion, type RoutedEndpoint, type RoutedVersion } from '../endpoints/endpoint-routing.service.js';
import { InferenceService, type InferenceOutcome } from '../inference/inference.service.js';
import { DB } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';
import { OipInferenceRequest } from './oip-request.js';

const SERVER_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Only what is implemented: clients switch features on from this list. */
const EXTENSIONS = ['binary_tensor_data'];

/** The spec's platform name for "an ONNX model encoded for ONNX Runtime" (inference_rest.md, Platforms). */
const PLATFORM = 'onnx_onnxv1';

/** How long server readiness waits for PostgreSQL and Redis, as /readyz does. */
const DEPENDENCY_TIMEOUT_MS = 2000;

export interface MetadataTensor {
  name: string;
  datatype: string;
  shape: number[];
}

export interface OipModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: MetadataTensor[];
  outputs: MetadataTensor[];
}

export interface OipInferenceAnswer {
  /** JSON, or the JSON header followed by binary tensor data. */
  body: Record<string, unknown> | Buffer;
  headers: Record<string, string>;
  outcome: InferenceOutcome;
}

/** Symbolic and unnamed dimensions are both "variable-size", which the protocol writes -1. */
const metadataShape = (shape: Dim[]) => shape.map((dim) => (typeof dim === 'number' ? dim : -1));

/**
 * The Open Inference Protocol (KServe/Triton "v2") over Modelgate's own concepts: a model is an
 * endpoint, its versions are the versions the endpoint's active revision routes to, and inference
 * goes through the same InferenceService as /v1 (routing, validation, placements, timeouts).
 */
@Injectable()
export class OipService {
  constructor(
    private readonly inference: InferenceService,
    private readonly routing: EndpointRoutingService,
    @Inject(DB) private readonly db: Db,
    private readonly bus: RedisBus,
  ) {}

  serverMetadata() {
    return { name: 'modelgate', version: SERVER_VERSION, extensions: EXTENSIONS };
  }

  live() {
    return { live: true };
  }

  /** Ready when PostgreSQL and Redis answer, like /readyz: without them nothing can be routed or run. */
  async ready() {
    const checks = await Promise.allSettled([
      this.answersWithin('PostgreSQL', () => this.db.$queryRaw`SELECT 1`),
      this.answersWithin('Redis', () => this.bus.connection.ping()),
    ]);
    const failures = checks.flatMap((check) => (check.status === 'rejected' ? [(check.reason as Error).message] : []));
    if (failures.length) {
      throw new ProblemException(503, ProblemCode.unavailable, `the server is not ready: ${failures.join('; ')}`, undefined, { 'retry-after': '1' });
    }
    return { ready: true };
  }

  async modelMetadata(endpointName: string, version?: string): Promise<OipModelMetadata> {
    const endpoint = await this.routing.resolve(endpointName);
    const { signature } = version === undefined ? primaryOf(endpoint.routes)! : routedVersion(endpoint, version);
    return {
      name: endpoint.name,
      versions: endpoint.routes.map((route) => String(route.version)),
      platform: PLATFORM,
      inputs: signature.inputs.map((input) => ({ name: input.name, datatype: toOipDatatype(input.dtype), shape: metadataShape(input.shape) })),
      // Non-tensor outputs (a ZipMap's maps) can never be returned, so they are not advertised.
      outputs: signature.outputs.flatMap((output) =>
        output.isTensor ? [{ name: output.name, datatype: toOipDatatype(output.dtype), shape: metadataShape(output.shape) }] : [],
      ),
    };
  }

  /** An endpoint is ready once a revision is active; a version, once that revision routes to it. */
  async modelReady(endpointName: string, version?: string) {
    let endpoint: RoutedEndpoint;
    try {
      endpoint = await this.routing.resolve(endpointName);
    } catch (error) {
      // The endpoint exists but nothing is deployed: the protocol's "not ready" is a 400.
      if (error instanceof ProblemException && error.code === ProblemCode.notDeployed) throw ProblemException.badInput(`model "${endpointName}" is not ready: ${error.message}`);
      throw error;
    }
    if (version !== undefined) routedVersion(endpoint, version);
    return { name: endpoint.name, ready: true };
  }

  /**
   * `body` is a parsed JSON request, or the raw bytes of a binary one: a JSON header of
   * `headerLength` bytes followed by the input tensors' bytes (binary tensor data extension).
   */
  async infer(endpointName: string, version: string | undefined, body: unknown, headerLength: string | undefined, arrival: { requestId: string; receivedAt: number; routingKey?: string }): Promise<OipInferenceAnswer> {
    // A version in the path must be one the endpoint routes to; checked here so the answer speaks of
    // the URL's version rather than of /v1's X-Modelgate-Version header.
    if (version !== undefined) routedVersion(await this.routing.resolve(endpointName), version);
    const { header, binary } = readInferenceBody(body, headerLength);
    const request = parseRequest(OipInferenceRequest, header);
    const requestedOutputs = request.outputs?.map((output) => output.name);
    if (requestedOutputs) refuseRepeatedOutputs(requestedOutputs);

    const outcome = await this.inference.infer(endpointName, { ...arrival, ...(version !== undefined ? { pinnedVersion: version } : {}) }, (signature) => ({
      inputs: decodeOipInputs(signature, header, binary),
      ...(requestedOutputs ? { outputs: requestedOutputs } : {}),
    }));

    const names = requestedOutputs ?? tensorOutputNames(outcome.served.signature).filter((name) => name in outcome.outputs);
    const encoded = names.map((name) => tensorToOip(name, outputOf(outcome, name), { binary: binaryOutputRequested(header, name) }));
    const response = {
      model_name: outcome.endpoint.name,
      model_version: String(outcome.served.version),
      id: request.id ?? arrival.requestId,
      outputs: encoded.map(({ output }) => output),
    };
    const chunks = encoded.flatMap(({ chunk }) => (chunk ? [chunk] : []));
    if (chunks.length === 0) return { outcome, headers: {}, body: response };
    const binaryResponse = buildInferenceBody(response, chunks);
    return {
      outcome,
      headers: { 'content-type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()]: String(binaryResponse.headerLength) },
      body: binaryResponse.body,
    };
  }

  private async answersWithin(dependency: string, check: () => Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${DEPENDENCY_TIMEOUT_MS} ms`)), DEPENDENCY_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      throw new Error(`${dependency}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The version most traffic goes to: the one whose signature describes the model when no version is named. */
function routedVersion(endpoint: RoutedEndpoint, version: string): RoutedVersion {
  const routed = findRoutedVersion(endpoint, version);
  if (!routed) {
    const versions = endpoint.routes.map((route) => String(route.version)).join(', ');
    throw ProblemException.notFound(`model "${endpoint.name}" has no version ${version}: its active revision ${endpoint.revision} routes to version ${versions}`);
  }
  return routed;
}


function outputOf(outcome: InferenceOutcome, name: string): HostTensor {
  const tensor = outcome.outputs[name];
  if (!tensor) throw new Error(`${outcome.served.model}@v${outcome.served.version} answered without the requested output "${name}"`);
  return tensor;
}

function refuseRepeatedOutputs(names: string[]) {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw ProblemException.badInput(`output "${name}" is requested more than once`);
    seen.add(name);
  }
}

/**
 * The JSON header and binary part of an inference request. JSON bodies arrive parsed; binary ones
 * (application/octet-stream) as bytes, split at Inference-Header-Content-Length, or all JSON without it.
 */
function readInferenceBody(body: unknown, headerLength: string | undefined): { header: unknown; binary?: Uint8Array } {
  if (!Buffer.isBuffer(body)) return { header: body };
  if (headerLength !== undefined && !/^\d{1,15}$/.test(headerLength.trim())) {
    throw ProblemException.badInput(`${INFERENCE_HEADER_CONTENT_LENGTH} must be a whole number of bytes; got "${headerLength}"`);
  }
  try {
    return splitInferenceBody(body, headerLength === undefined ? undefined : Number(headerLength));
  } catch (error) {
    if (error instanceof TensorInputError) throw ProblemException.badInput(error.message, [{ path: error.path, message: error.message }]);
    throw error;
  }
}
