import { StartRolloutBody } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { parseBakeDuration, parseMaxErrorRate, parseMaxP95Ratio, parseMinRequests, parseRolloutSteps, startRolloutBody } from './rollout-arguments.js';

describe('parseRolloutSteps', () => {
  it('reads increasing whole percents ending at 100', () => {
    expect(parseRolloutSteps('10,50,100')).toEqual([10, 50, 100]);
    expect(parseRolloutSteps('5%, 25%, 100%')).toEqual([5, 25, 100]);
    expect(parseRolloutSteps('50,100')).toEqual([50, 100]);
  });

  it('refuses, as the API would, with the reason', () => {
    expect(() => parseRolloutSteps('10,50')).toThrow('the last step must be 100 (the candidate takes all traffic); got 50');
    expect(() => parseRolloutSteps('50,10,100')).toThrow('steps must increase; got 50 → 10 → 100');
    expect(() => parseRolloutSteps('10,10,100')).toThrow('steps must increase');
    expect(() => parseRolloutSteps('100')).toThrow('a rollout needs at least one step below 100 before 100 (e.g. [10, 50, 100])');
    expect(() => parseRolloutSteps('10,,100')).toThrow('expected whole percents from 1 to 100 separated by commas, e.g. 10,50,100; got "10,,100"');
    expect(() => parseRolloutSteps('0,100')).toThrow('expected whole percents from 1 to 100');
    expect(() => parseRolloutSteps('12.5,100')).toThrow('expected whole percents from 1 to 100');
    expect(() => parseRolloutSteps(Array.from({ length: 21 }, (_, index) => index + 80).join(','))).toThrow('a rollout has at most 20 steps; got 21');
  });

  it('agrees with the contract on what it accepts', () => {
    for (const text of ['10,50,100', '1,2,3,100', '99,100']) expect(StartRolloutBody.shape.steps.safeParse(parseRolloutSteps(text)).success).toBe(true);
  });
});

describe('parseBakeDuration', () => {
  it('reads seconds bare or with units', () => {
    expect(parseBakeDuration('300')).toBe(300);
    expect(parseBakeDuration('300s')).toBe(300);
    expect(parseBakeDuration('5m')).toBe(300);
    expect(parseBakeDuration('1h30m')).toBe(5_400);
    expect(parseBakeDuration('1m30s')).toBe(90);
    expect(parseBakeDuration('7d')).toBe(604_800);
  });

  it('refuses other shapes, nothing, and more than 7 days', () => {
    for (const bad of ['', 'five minutes', '5 min', '1.5m', '-5', 'm']) expect(() => parseBakeDuration(bad)).toThrow(`expected a duration like 300, 300s, 5m or 1h30m; got "${bad}"`);
    expect(() => parseBakeDuration('0s')).toThrow('a step bakes for at least 1 second; got "0s"');
    expect(() => parseBakeDuration('8d')).toThrow('a step bakes for at most 7 days; got "8d"');
  });
});

describe('parseMaxErrorRate', () => {
  it('reads a percent or a share', () => {
    expect(parseMaxErrorRate('1%')).toBeCloseTo(0.01);
    expect(parseMaxErrorRate('0.5 %')).toBeCloseTo(0.005);
    expect(parseMaxErrorRate('0.01')).toBe(0.01);
    expect(parseMaxErrorRate('0')).toBe(0);
    expect(parseMaxErrorRate('1')).toBe(1);
  });

  it('refuses a bare number above 1 instead of guessing it meant a percent', () => {
    expect(() => parseMaxErrorRate('5')).toThrow('a share is at most 1; got "5" (for 5 percent, write 5%)');
    expect(() => parseMaxErrorRate('150%')).toThrow('at most 100%; got "150%"');
    expect(() => parseMaxErrorRate('one')).toThrow('expected a percent like 1% or a share like 0.01; got "one"');
    expect(() => parseMaxErrorRate('-1%')).toThrow('expected a percent like 1% or a share like 0.01');
  });
});

describe('parseMaxP95Ratio and parseMinRequests', () => {
  it('read a ratio from 1 to 100, an x allowed', () => {
    expect(parseMaxP95Ratio('1.5')).toBe(1.5);
    expect(parseMaxP95Ratio('2x')).toBe(2);
    for (const bad of ['0.9', '101', 'fast', '']) expect(() => parseMaxP95Ratio(bad)).toThrow(`expected a ratio from 1 to 100, e.g. 1.5 (the candidate's p95 may be 1.5 × the baseline's); got "${bad}"`);
  });

  it('read a whole number of requests from 1 to 10 million', () => {
    expect(parseMinRequests('100')).toBe(100);
    for (const bad of ['0', '1.5', '10000001', 'many']) expect(() => parseMinRequests(bad)).toThrow(`expected a whole number of requests from 1 to 10,000,000; got "${bad}"`);
  });
});

describe('startRolloutBody', () => {
  const target = { model: 'fraud', version: 4 };

  it("leaves out what was not given, so the API's defaults apply", () => {
    expect(startRolloutBody(target, {}, 7)).toEqual({ model: 'fraud', version: 4, expectedRevision: 7 });
  });

  it('sends the options given, guardrails one by one', () => {
    const body = startRolloutBody(target, { steps: [25, 100], bake: 60, maxP95Ratio: 2, reason: 'retrained' }, 7);
    expect(body).toEqual({ model: 'fraud', version: 4, steps: [25, 100], bakeSeconds: 60, guardrails: { maxP95Ratio: 2 }, expectedRevision: 7, reason: 'retrained' });
    // The contract fills the other guardrails in.
    expect(StartRolloutBody.parse(body).guardrails).toEqual({ maxErrorRate: 0.01, maxP95Ratio: 2, minRequests: 100 });
  });
});
