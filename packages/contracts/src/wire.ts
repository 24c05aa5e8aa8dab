import { z } from 'zod';
import { TensorDtype } from './signature.js';

/**
 * A tensor as it travels between processes (queue payloads, results): raw little-endian bytes in
 * base64, never one JSON number per element. Strings travel as a list since they have no fixed size.
 * Receivers check the byte length against dtype × shape, not each element.
 */
export const WireTensor = z.discriminatedUnion('encoding', [
  z.object({
    encoding: z.literal('bytes'),
    dtype: TensorDtype.exclude(['string']),
    shape: z.array(z.number().int().nonnegative()),
    data: z.base64(),
  }),
  z.object({
    encoding: z.literal('strings'),
    dtype: z.literal('string'),
    shape: z.array(z.number().int().nonnegative()),
    data: z.array(z.string()),
  }),
]);
export type WireTensor = z.infer<typeof WireTensor>;

export const WireTensorMap = z.record(z.string(), WireTensor);
export type WireTensorMap = z.infer<typeof WireTensorMap>;
