import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { PredictRequest, ProblemCode, tensorOutputNames, type Placement, type PredictResponse, type Signature } from '@modelgate/contracts';
import { QueueFullError } from '@modelgate/runtime';
import { type HostTensor, TensorInputError, decodeRequestInputs, parseShapeHeader, tensorFromRawBytes, tensorToJson } from '@modelgate/runtime/tensors';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { EndpointRoutingService, type RoutedEndpoint, type RoutedVersion } from '../endpoints/endpoint-routing.service.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { answerWithin, outcomeOf } from './prediction-outcome.js';
import { ShadowTraffic } from './shadow-traffic.js';
import { type InferenceTimings, VersionBatchers } from './version-batchers.js';

/** What to run, decoded against the signature of the version routing chose. */
export interface InferenceInputs {
  inputs: Record<string, HostTensor>;
  /** Tensor outputs to return; all of them when absent. */
  outputs?: string[];
}

export interface InferenceOptions {
  requestId: string;
  /** Run this routed version number (X-Modelgate-Version, or a /v2 …/versions/{v} path). */
  pinnedVersion?: string;
  /** performance.now() when the request arrived, so recorded latency includes reading its body. */
  receivedAt?: number;
  /** X-Routing-Key: the same key gets the same version while the weights stay the same. */
  routingKey?: string;
}

export interface InferenceOutcome {
  outputs: Record<string, HostTensor>;
  endpoint: RoutedEndpoint;
  served: RoutedVersion;
  placement: Placement;
  timings: InferenceTimings;
}

/**
 * Every way of calling an endpoint (REST JSON, binary bodies, the Open Inference Protocol) ends
 * here: route, decode the caller's tensors against the chosen version's signature (a bad request
 * never reaches a model), run on the endpoint's placement, answer host tensors.
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly routing: EndpointRoutingService,
    private readonly batchers: VersionBatchers,
    private readonly recorder: LatencyRecorder,
    private readonly shadows: ShadowTraffic,
  ) {}

  /**
   * `POST /v1/endpoints/{e}/predict`: a JSON body, or for a single-input model the input's raw
   * little-endian bytes (`application/octet-stream`, shape in `X-Modelgate-Shape` unless the
   * signature fixes it) — no JSON to parse for an image-sized tensor.
   */
  async predict(endpointName: string, body: unknown, options: InferenceOptions & { shapeHeader?: string }): Promise<{ response: PredictResponse; outcome: InferenceOutcome }> {
    const decode = Buffer.isBuffer(body) ? rawBodyDecoder(body, options.shapeHeader) : jsonBodyDecoder(parseRequest(PredictRequest, body));
    const outcome = await this.infer(endpointName, options, decode);
    return {
      outcome,
      response: {
        outputs: Object.fromEntries(Object.entries(outcome.outputs).map(([name, tensor]) => [name, tensorToJson(tensor)])),
        model: outcome.served.model,
        version: outcome.served.version,
        revision: outcome.endpoint.revision,
        requestId: options.requestId,
      },
    };
  }

  /**
   * Routes, then calls `decode` with the chosen version's signature; a TensorInputError thrown
   * there becomes a 400 naming the input.
   */
  async infer(endpointName: string, options: InferenceOptions, decode: (signature: Signature) => InferenceInputs): Promise<InferenceOutcome> {
    const receivedAt = options.receivedAt ?? performance.now();
    const endpoint = await this.routing.resolve(endpointName);
    const served = this.routing.choose(endpoint, options.pinnedVersion, options.routingKey);
    let request: InferenceInputs;
    try {
      request = decode(served.signature);
      if (request.outputs) this.checkRequestedOutputs(served, request.outputs);
    } catch (error) {
      this.recorder.record(served.series, { outcome: '4xx' });
      if (error instanceof TensorInputError) throw ProblemException.badInput(error.message, [{ path: error.path, message: error.message }]);
      throw error;
    }

    try {
      const { outputs, timings } = await answerWithin(endpoint, this.batchers.submit(endpoint, served, { requestId: options.requestId, ...request, submittedAt: performance.now() }));
      this.recorder.record(served.series, { outcome: '2xx', latencyMs: performance.now() - receivedAt, ...timings });
      if (endpoint.shadows.length > 0) this.shadows.mirror(endpoint, request.inputs, outputs, options.requestId);
      return { outputs, timings, endpoint, served, placement: endpoint.config.placement };
    } catch (error) {
      this.recorder.record(served.series, { outcome: outcomeOf(error) });
      if (error instanceof QueueFullError) {
        throw new ProblemException(
          503,
          ProblemCode.queueFull,
          `endpoint "${endpoint.name}" already has ${error.queued} requests waiting for ${served.model}@v${served.version} (its maxQueueDepth): retry after the Retry-After delay, or raise maxQueueDepth`,
          undefined,
          { 'retry-after': '1' },
        );
      }
      throw error;
    }
  }

  private checkRequestedOutputs(served: RoutedVersion, requested: string[]) {
    const tensorOutputs = tensorOutputNames(served.signature);
    for (const name of requested) {
      if (!tensorOutputs.includes(name)) {
        throw ProblemException.badInput(`unknown output "${name}": ${served.model}@v${served.version} returns ${tensorOutputs.map((n) => `"${n}"`).join(', ')}`, [
          { path: 'body.outputs', message: `unknown output "${name}"` },
        ]);
      }
    }
  }
}

function jsonBodyDecoder(request: PredictRequest) {
  return (signature: Signature): InferenceInputs => ({
    inputs: decodeRequestInputs(signature, request),
    ...('inputs' in request && request.outputs ? { outputs: request.outputs } : {}),
  });
}

function rawBodyDecoder(bytes: Buffer, shapeHeader: string | undefined) {
  return (signature: Signature): InferenceInputs => {
    const [only, ...others] = signature.inputs;
    if (!only || others.length > 0) {
      const names = signature.inputs.map((input) => input.name).join(', ');
      throw new TensorInputError(`a raw application/octet-stream body is for single-input models; this one expects ${names}: send JSON instead`, { input: '', path: 'body' });
    }
    return { inputs: { [only.name]: tensorFromRawBytes(only, bytes, parseShapeHeader(shapeHeader)) } };
  };
}
