import { OnnxModel } from '@modelgate/runtime';
import type { HostTensor } from '@modelgate/runtime/tensors';

/**
 * Models whose behaviour a test controls, by the name of their first output. A hook around
 * onnxruntime's run (installed by tests only, never in production code) acts before the real
 * model runs:
 * - `slow`: sleeps for the value of the first input, in milliseconds; fails when it is -1;
 * - `sluggish`: sleeps 40 ms;
 * - `broken`: fails every request.
 * Any other output name runs untouched.
 */
export const ControlledOutput = { slow: 'slow', sluggish: 'sluggish', broken: 'broken' } as const;

const originalRun = OnnxModel.prototype.run;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function firstValue(inputs: Record<string, HostTensor>): number {
  return Number(Object.values(inputs)[0]!.data[0]);
}

/** Installs the hook; the returned function removes it. */
export function controlModels(): () => void {
  OnnxModel.prototype.run = async function (this: OnnxModel, inputs, outputNames) {
    switch (this.signature.outputs[0]?.name) {
      case ControlledOutput.slow: {
        const delayMs = firstValue(inputs);
        if (delayMs === -1) throw new Error('this request was built to fail');
        await sleep(delayMs);
        break;
      }
      case ControlledOutput.sluggish:
        await sleep(40);
        break;
      case ControlledOutput.broken:
        throw new Error('this version was built to fail');
    }
    return originalRun.call(this, inputs, outputNames);
  };
  return () => {
    OnnxModel.prototype.run = originalRun;
  };
}
