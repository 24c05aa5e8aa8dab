/**
 * IEEE 754 half precision <-> JavaScript number. Node 20 has no Float16Array, and onnxruntime takes
 * float16 tensors as their raw bits in a Uint16Array. Conversion starts from the float64 value
 * (not via float32) so rounding happens once, to nearest-even, as numpy does.
 */

/** Largest finite float16; anything at or above 65520 rounds to infinity. */
export const FLOAT16_MAX = 65504;
const FLOAT16_OVERFLOW = 65520;

function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function numberToFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= FLOAT16_OVERFLOW) return sign | 0x7c00;
  if (magnitude < 2 ** -14) {
    // Subnormal: multiples of 2^-24. Rounding up to 1024 yields the smallest normal's bits, as it should.
    return sign | roundHalfToEven(magnitude * 2 ** 24);
  }
  let exponent = Math.floor(Math.log2(magnitude));
  // log2 can be off by one near powers of two; fix it with exact power-of-two comparisons.
  if (2 ** exponent > magnitude) exponent -= 1;
  else if (2 ** (exponent + 1) <= magnitude) exponent += 1;
  let significand = roundHalfToEven(magnitude * 2 ** (10 - exponent)); // in [1024, 2048]
  if (significand === 2048) {
    significand = 1024;
    exponent += 1;
  }
  if (exponent + 15 >= 31) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | (significand - 1024);
}

export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}
