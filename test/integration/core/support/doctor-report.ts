// Running the doctor probe in a test and reading its report: the steps as the probe hands them
// back and as its listener saw them, with every duration checked and then written as "N", so
// a test can compare whole steps, words and all.
import { expect } from 'vitest';
import { probeServer } from '../../../../main/core/doctor';
import type { ProbeInput, ProbeResult } from '../../../../main/core/doctor';
import type { TestStep } from '../../../../main/core/common/views';

type StepName = TestStep['step'];

export const ok = (step: StepName, detail: string, advice?: string): TestStep =>
  advice === undefined
    ? { step, ok: true, outcome: 'ok', detail }
    : { step, ok: true, outcome: 'ok', detail, advice };

export const fail = (step: StepName, detail: string, advice?: string): TestStep =>
  advice === undefined
    ? { step, ok: false, outcome: 'fail', detail }
    : { step, ok: false, outcome: 'fail', detail, advice };

export const skip = (step: StepName, detail = 'an earlier step failed'): TestStep => ({
  step,
  ok: false,
  outcome: 'skip',
  detail,
});

/** The steps that an earlier failure left out, in their order. */
export const skipped = (...steps: StepName[]): TestStep[] => steps.map((step) => skip(step));

/** The report of a probe whose steps all passed, up to the URL, route and first hop. */
export const directTo = (url: string, address = '127.0.0.1'): TestStep[] => {
  const port = new URL(url).port;
  return [
    ok('url', url),
    ok('proxy', 'direct (no proxy) (default)'),
    ok('dns', `${address} is an address, nothing to resolve`),
    ok('tcp', `${address} port ${port} in N ms`),
  ];
};

const DURATION = / in (\d+\.\d) ms$/;
const PINGS = /^(\d+\.\d) ms average of 3 pings \(min (\d+\.\d), max (\d+\.\d)\)$/;

export interface Probed {
  result: ProbeResult;
  /** the steps, durations written as N */
  steps: TestStep[];
  /** the round trip's average, min and max as reported */
  pings: { avg: number; min: number; max: number } | null;
}

/**
 * Runs the probe. Every duration it reports must be one this call could have measured: not
 * negative and not longer than the whole call (to the 0.05 ms that rounding adds).
 */
export async function probe(input: ProbeInput): Promise<Probed> {
  const seen: TestStep[] = [];
  const before = performance.now();
  const result = await probeServer(input, (s) => seen.push(s));
  const longest = performance.now() - before + 0.05;
  expect(seen).toStrictEqual(result.steps); // told as they happen, the same steps in order
  let pings: Probed['pings'] = null;
  const steps = result.steps.map((s) => {
    const timed = DURATION.exec(s.detail);
    if (timed && s.outcome === 'ok') {
      const ms = Number(timed[1]);
      expect(ms, s.detail).toBeGreaterThanOrEqual(0);
      expect(ms, s.detail).toBeLessThanOrEqual(longest);
      return { ...s, detail: s.detail.replace(DURATION, ' in N ms') };
    }
    const rtt = s.step === 'rtt' && s.outcome === 'ok' ? PINGS.exec(s.detail) : null;
    if (rtt) {
      const [avg, min, max] = rtt.slice(1).map(Number) as [number, number, number];
      expect(0).toBeLessThanOrEqual(min);
      expect(min).toBeLessThanOrEqual(avg);
      expect(avg).toBeLessThanOrEqual(max);
      expect(max).toBeLessThanOrEqual(longest);
      pings = { avg, min, max };
      return { ...s, detail: 'N ms average of 3 pings (min N, max N)' };
    }
    return s;
  });
  return { result, steps, pings };
}
