// Which version is newer, and which newer version to offer. Versions are semantic versions
// (semver.org 2.0), as package.json and electron-builder's latest*.yml write them. The rules
// are written out here, not left to electron-updater, so the core decides without Electron and
// the tests can read them in one place.

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** "1.2.0-beta.3" -> ['beta', 3]; empty for a release */
  prerelease: (string | number)[];
}

// MAJOR.MINOR.PATCH, an optional -prerelease and an optional +build (ignored for precedence).
// A leading "v" is accepted because tags are written that way (v1.2.0).
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** The version in `text`, or null when it is not a semantic version. */
export function parseVersion(text: string): Version | null {
  if (typeof text !== 'string' || text.length > 256) return null;
  const m = SEMVER.exec(text.trim());
  if (!m) return null;
  const numbers = [m[1], m[2], m[3]].map(Number);
  if (!numbers.every(Number.isSafeInteger)) return null;
  const prerelease = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  if (prerelease.some((id) => typeof id === 'number' && !Number.isSafeInteger(id))) return null;
  return { major: numbers[0]!, minor: numbers[1]!, patch: numbers[2]!, prerelease };
}

/** The version as semver writes it, without "v" and without build metadata. */
export function formatVersion(v: Version): string {
  const base = `${v.major}.${v.minor}.${v.patch}`;
  return v.prerelease.length ? `${base}-${v.prerelease.join('.')}` : base;
}

function compareIdentifiers(a: string | number, b: string | number): number {
  // Numeric identifiers rank below alphanumeric ones; each kind compares in its own way.
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence: -1 when a is older than b, 1 when newer, 0 when equal. */
export function compareVersions(a: Version, b: Version): -1 | 0 | 1 {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  // A prerelease ranks below the release of the same numbers: 1.0.0-rc.1 < 1.0.0.
  if (!a.prerelease.length || !b.prerelease.length) {
    if (a.prerelease.length === b.prerelease.length) return 0;
    return a.prerelease.length ? -1 : 1;
  }
  const n = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(a.prerelease[i]!, b.prerelease[i]!);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  // More identifiers rank higher when all before are equal: 1.0.0-beta < 1.0.0-beta.1.
  if (a.prerelease.length === b.prerelease.length) return 0;
  return a.prerelease.length < b.prerelease.length ? -1 : 1;
}

export function isPrerelease(v: Version): boolean {
  return v.prerelease.length > 0;
}

/**
 * Whether a copy running `current` should be offered `candidate`: only a newer version (never a
 * downgrade, never the same one again), and a prerelease only to a copy that already runs a
 * prerelease: someone on a release never gets a beta because a feed happens to list one.
 */
export function shouldOffer(candidate: string, current: string): boolean {
  const next = parseVersion(candidate);
  const running = parseVersion(current);
  if (!next || !running) return false;
  if (compareVersions(next, running) <= 0) return false;
  return !isPrerelease(next) || isPrerelease(running);
}

/** Whether a copy running `current` accepts prereleases at all (electron-updater's allowPrerelease). */
export function acceptsPrereleases(current: string): boolean {
  const running = parseVersion(current);
  return running !== null && isPrerelease(running);
}
