import { describe, expect, it } from 'vitest';
import {
  collectShadowTarget,
  parseExpectedRevision,
  parseRevisionNumber,
  parseShadowTarget,
  parseVersionNumber,
  parseVersionReference,
  parseWholePercent,
  versionLabel,
} from './routing-arguments.js';

describe('parseVersionNumber', () => {
  it('reads version numbers as printed (3 or v3)', () => {
    expect(parseVersionNumber('3')).toBe(3);
    expect(parseVersionNumber('v12')).toBe(12);
    for (const bad of ['0', '-1', '1.5', 'latest', '', '1e3']) expect(() => parseVersionNumber(bad)).toThrow('expected a version number like 3');
  });
});

describe('parseVersionReference', () => {
  it('reads <model>@<version>, with or without the v that versions are printed with', () => {
    expect(parseVersionReference('fraud@3')).toEqual({ model: 'fraud', version: 3 });
    expect(parseVersionReference('fraud-detector@v12')).toEqual({ model: 'fraud-detector', version: 12 });
  });

  it('says what it expected and what was wrong with what it got', () => {
    expect(() => parseVersionReference('fraud')).toThrow('expected <model>@<version>, e.g. fraud@3; got "fraud"');
    expect(() => parseVersionReference('fraud@3@4')).toThrow(/^expected <model>@<version>, e\.g\. fraud@3; got "fraud@3@4"$/);
    expect(() => parseVersionReference('fraud@latest')).toThrow('got "fraud@latest": the version is a number of 1 or more');
    expect(() => parseVersionReference('fraud@0')).toThrow('the version is a number of 1 or more');
    expect(() => parseVersionReference('Fraud@3')).toThrow('got "Fraud@3": model names are 2–63 characters of lowercase letters');
    expect(() => parseVersionReference('@3')).toThrow('got "@3": model names are');
  });

  it('prints back as versions are printed everywhere', () => {
    expect(versionLabel(parseVersionReference('fraud@3'))).toBe('fraud@v3');
  });
});

describe('parseShadowTarget', () => {
  it('reads a percent after a colon, and copies every request without one', () => {
    expect(parseShadowTarget('fraud@3:25')).toEqual({ model: 'fraud', version: 3, percent: 25 });
    expect(parseShadowTarget('fraud@v3:25%')).toEqual({ model: 'fraud', version: 3, percent: 25 });
    expect(parseShadowTarget('fraud@3')).toEqual({ model: 'fraud', version: 3, percent: 100 });
  });

  it('refuses what is not a version with a whole percent from 1 to 100', () => {
    expect(() => parseShadowTarget('fraud:25')).toThrow('expected <model>@<version>[:<percent>], e.g. fraud@3:25; got "fraud:25"');
    expect(() => parseShadowTarget('fraud@3:0')).toThrow('got "fraud@3:0": the percent is a whole number from 1 to 100');
    expect(() => parseShadowTarget('fraud@3:12.5')).toThrow('the percent is a whole number from 1 to 100');
    expect(() => parseShadowTarget('fraud@x:25')).toThrow('got "fraud@x:25": the version is a number of 1 or more');
  });

  it('collects repeated --shadow options, also after a --no-shadow', () => {
    const first = collectShadowTarget('fraud@3:25');
    expect(collectShadowTarget('fraud@4', first)).toEqual([
      { model: 'fraud', version: 3, percent: 25 },
      { model: 'fraud', version: 4, percent: 100 },
    ]);
    expect(collectShadowTarget('fraud@4', false)).toEqual([{ model: 'fraud', version: 4, percent: 100 }]);
  });
});

describe('parseWholePercent', () => {
  it('reads 1 to 100, with or without %', () => {
    expect(parseWholePercent('10')).toBe(10);
    expect(parseWholePercent('100%')).toBe(100);
    for (const bad of ['0', '101', '12.5', 'ten', '', '-5']) expect(() => parseWholePercent(bad)).toThrow(`expected a whole percent from 1 to 100, e.g. 10; got "${bad}"`);
  });
});

describe('revision numbers', () => {
  it('--to takes a revision from 1 up', () => {
    expect(parseRevisionNumber('3')).toBe(3);
    for (const bad of ['0', 'r3', '1.5', '']) expect(() => parseRevisionNumber(bad)).toThrow('expected a revision number like 3');
  });

  it('--expected-revision takes 0 too: an endpoint without revisions', () => {
    expect(parseExpectedRevision('0')).toBe(0);
    expect(parseExpectedRevision('12')).toBe(12);
    for (const bad of ['-1', 'latest', '']) expect(() => parseExpectedRevision(bad)).toThrow('expected a revision number like 3 (0 for an endpoint that has none yet)');
  });
});
