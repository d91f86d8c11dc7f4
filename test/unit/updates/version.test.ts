import { describe, expect, it } from 'vitest';
import {
  acceptsPrereleases,
  compareVersions,
  formatVersion,
  parseVersion,
  shouldOffer,
} from '../../../main/core/updates/version';

const v = (text: string) => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('parseVersion', () => {
  it('reads releases, prereleases, build metadata and a leading v', () => {
    expect(parseVersion('1.2.3')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: [] });
    expect(parseVersion('v1.2.3')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: [] });
    expect(parseVersion('1.2.3-beta.11')).toEqual({
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: ['beta', 11],
    });
    expect(parseVersion('1.2.3-rc.1+build.7')?.prerelease).toEqual(['rc', 1]);
    expect(parseVersion('1.2.3+20261120')?.prerelease).toEqual([]);
    expect(parseVersion('1.0.0-x-y.0a')?.prerelease).toEqual(['x-y', '0a']);
  });

  it('refuses what is not a semantic version', () => {
    for (const text of [
      '',
      '1.2',
      '1.2.3.4',
      '01.2.3',
      '1.02.3',
      '1.2.3-',
      '1.2.3-01',
      '1.2.3-beta..1',
      '1.2.3+',
      'latest',
      ' 1.2.3x',
      '99999999999999999999.0.0',
      `1.0.0-${'a'.repeat(300)}`,
    ]) {
      expect(parseVersion(text), text).toBeNull();
    }
  });

  it('formats without the v and without build metadata', () => {
    expect(formatVersion(v('v2.0.0-rc.1+b5'))).toBe('2.0.0-rc.1');
    expect(formatVersion(v('2.10.0'))).toBe('2.10.0');
  });
});

describe('compareVersions: semver precedence', () => {
  it('orders the example of semver.org, section 11', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.9.0',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 0; i < ordered.length - 1; i++) {
      expect(compareVersions(v(ordered[i]!), v(ordered[i + 1]!)), ordered[i]).toBe(-1);
      expect(compareVersions(v(ordered[i + 1]!), v(ordered[i]!)), ordered[i]).toBe(1);
    }
  });

  it('ignores build metadata and the v', () => {
    expect(compareVersions(v('1.0.0+a'), v('v1.0.0+b'))).toBe(0);
    expect(compareVersions(v('1.0.0-rc.1'), v('1.0.0-rc.1'))).toBe(0);
  });
});

describe('shouldOffer: which newer version a running copy is offered', () => {
  it('offers a newer release, never the same one or an older one', () => {
    expect(shouldOffer('1.1.0', '1.0.0')).toBe(true);
    expect(shouldOffer('v1.0.1', '1.0.0')).toBe(true);
    expect(shouldOffer('1.0.0', '1.0.0')).toBe(false);
    expect(shouldOffer('1.0.0+rebuild', '1.0.0')).toBe(false);
    expect(shouldOffer('0.9.9', '1.0.0')).toBe(false);
  });

  it('offers a prerelease only to a copy that runs one', () => {
    expect(shouldOffer('2.0.0-beta.1', '1.0.0')).toBe(false);
    expect(shouldOffer('2.0.0-beta.2', '2.0.0-beta.1')).toBe(true);
    expect(shouldOffer('2.1.0-alpha.1', '2.0.0-beta.1')).toBe(true);
    // the release a prerelease led up to
    expect(shouldOffer('2.0.0', '2.0.0-rc.3')).toBe(true);
    expect(shouldOffer('2.0.0-rc.2', '2.0.0-rc.3')).toBe(false);
  });

  it('offers nothing when either version cannot be read', () => {
    expect(shouldOffer('latest', '1.0.0')).toBe(false);
    expect(shouldOffer('2.0.0', '0.0.0-test.x..')).toBe(false);
  });

  it('accepts prereleases (electron-updater allowPrerelease) only when running one', () => {
    expect(acceptsPrereleases('1.0.0')).toBe(false);
    expect(acceptsPrereleases('1.0.0-beta.1')).toBe(true);
    expect(acceptsPrereleases('nonsense')).toBe(false);
  });
});
