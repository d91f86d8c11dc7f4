// A stand-in for Electron's Session as the proxy adapter uses it: resolveProxy answers in PAC
// form from a table (or throws), and records every URL it was asked about.
export class FakeSession {
  readonly asked: string[] = [];
  constructor(private readonly answer: (url: string) => string | Error = () => 'DIRECT') {}
  resolveProxy(url: string): Promise<string> {
    this.asked.push(url);
    const a = this.answer(url);
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  }
}
