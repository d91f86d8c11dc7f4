// Validation and dispatch of one call from the window, shared by the Electron IPC router and
// the browser preview's loopback bridge, so both carriers enforce the same contract.
import { invokeSchemas, parseArgs, sendSchemas } from '../../preload/contract';
import type { Handlers, InvokeChannel, SendChannel } from '../../preload/contract';

const invokeNames = new Set<string>(Object.keys(invokeSchemas));
const sendNames = new Set<string>(Object.keys(sendSchemas));

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && invokeNames.has(name);
}

export function isSendChannel(name: unknown): name is SendChannel {
  return typeof name === 'string' && sendNames.has(name);
}

/** Validate and run an invoke; throws an Error with a sentence the renderer can show. */
export async function dispatchInvoke(
  handlers: Handlers,
  channel: InvokeChannel,
  raw: unknown[],
  log: (line: string) => void,
): Promise<unknown> {
  const parsed = parseArgs(invokeSchemas[channel], raw);
  if (!parsed.ok) {
    log(`ipc: rejected ${channel}: ${parsed.error}`);
    throw new Error(`${channel}: invalid ${parsed.error}`);
  }
  const handler = handlers.invoke[channel] as (...a: unknown[]) => unknown;
  return handler(...parsed.args);
}

/** Validate and run a one-way message; problems are logged, never thrown. */
export function dispatchSend(
  handlers: Handlers,
  channel: SendChannel,
  raw: unknown[],
  log: (line: string) => void,
): void {
  const parsed = parseArgs(sendSchemas[channel], raw);
  if (!parsed.ok) {
    log(`ipc: rejected ${channel}: ${parsed.error}`);
    return;
  }
  try {
    (handlers.send[channel] as (...a: unknown[]) => void)(...parsed.args);
  } catch (err) {
    log(`ipc: ${channel} failed: ${(err as Error).message}`);
  }
}
