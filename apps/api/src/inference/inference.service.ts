import { Injectable } from '@nestjs/common';
import { PredictRequest, type PredictResponse, type WireTensorMap } from '@modelgate/contracts';
import { TensorInputError, decodeRequestInputs, fromWire, tensorToJson, toWire } from '@modelgate/runtime/tensors';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { EndpointRoutingService, type RoutedVersion } from '../endpoints/endpoint-routing.service.js';
import { InferenceDispatcher } from './inference-dispatcher.js';

export interface Prediction {
  response: PredictResponse;
  served: RoutedVersion;
}

@Injectable()
export class InferenceService {
  constructor(
    private readonly routing: EndpointRoutingService,
    private readonly dispatcher: InferenceDispatcher,
  ) {}

  async predict(endpointName: string, body: unknown, requestId: string, pinnedVersion?: string): Promise<Prediction> {
    const request = parseRequest(PredictRequest, body);
    const routed = await this.routing.resolve(endpointName);
    const served = this.routing.choose(routed, pinnedVersion);

    // Inputs are validated against the signature here, so a bad request never reaches a worker.
    let inputs: WireTensorMap;
    try {
      const tensors = decodeRequestInputs(served.signature, request);
      inputs = Object.fromEntries(Object.entries(tensors).map(([name, tensor]) => [name, toWire(tensor)]));
    } catch (error) {
      if (error instanceof TensorInputError) {
        throw ProblemException.badInput(error.message, [{ path: error.path, message: error.message }]);
      }
      throw error;
    }
    const outputs = 'inputs' in request ? request.outputs : undefined;
    if (outputs) this.checkRequestedOutputs(served, outputs);

    const result = await this.dispatcher.dispatch({
      versionId: served.versionId,
      inputs,
      ...(outputs ? { outputs } : {}),
      timeoutMs: routed.config.timeoutMs,
      endpoint: routed.name,
    });
    return {
      served,
      response: {
        outputs: Object.fromEntries(Object.entries(result.outputs).map(([name, wire]) => [name, tensorToJson(fromWire(wire))])),
        model: served.model,
        version: served.version,
        revision: routed.revision,
        requestId,
      },
    };
  }

  private checkRequestedOutputs(served: RoutedVersion, requested: string[]) {
    const tensorOutputs = served.signature.outputs.filter((output) => output.isTensor).map((output) => output.name);
    for (const name of requested) {
      if (!tensorOutputs.includes(name)) {
        throw ProblemException.badInput(`unknown output "${name}": ${served.model}@v${served.version} returns ${tensorOutputs.map((n) => `"${n}"`).join(', ')}`, [
          { path: 'body.outputs', message: `unknown output "${name}"` },
        ]);
      }
    }
  }
}
