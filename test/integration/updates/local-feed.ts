// A local update feed for electron-updater: a node:http server on 127.0.0.1 serving
// latest*.yml written the way electron-builder writes them, and the packages they list, plus
// the two stand-ins electron-updater needs outside Electron: its `app` (AppAdapter) and an HTTP
// executor over node:http where Electron would use its `net` module. Everything between them is
// electron-updater's own code: the generic provider, the YAML parsing, the version and rollout
// checks, the download with its sha512 check and its cache.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpExecutor, configureRequestOptions, configureRequestUrl } from 'builder-util-runtime';
import type { DownloadOptions } from 'builder-util-runtime';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';

export interface FeedFile {
  body: Buffer | string;
  status?: number;
}

export interface LocalFeed {
  /** http://127.0.0.1:PORT/feed/ */
  url: string;
  /** what the feed serves, by path under /feed/ (change it between checks) */
  files: Map<string, FeedFile>;
  /** every request path, in order */
  requests: string[];
  close(): Promise<void>;
}

export async function startLocalFeed(): Promise<LocalFeed> {
  const files = new Map<string, FeedFile>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const file = path.startsWith('/feed/') ? files.get(path.slice('/feed/'.length)) : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = Buffer.from(file.body);
    res
      .writeHead(file.status ?? 200, {
        'content-type': path.endsWith('.yml') ? 'text/yaml' : 'application/octet-stream',
        'content-length': body.length,
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/feed/`,
    files,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sha512(data: Buffer | string): string {
  return createHash('sha512').update(data).digest('base64');
}

/** A package and its entry in latest*.yml. */
export interface FeedPackage {
  name: string;
  bytes: Buffer;
  /** the sha512 the metadata lists; by default the real one */
  listedSha512?: string;
}

/**
 * latest.yml / latest-linux.yml / latest-mac.yml as electron-builder writes them: the version,
 * every file with its sha512 (base64) and size, the main file again as `path` and `sha512`
 * (older updaters read those), and the release date.
 */
export function latestYml(
  version: string,
  packages: FeedPackage[],
  extra: { stagingPercentage?: number; releaseDate?: string } = {},
): string {
  const first = packages[0]!;
  const lines = [`version: ${version}`, 'files:'];
  for (const p of packages) {
    lines.push(
      `  - url: ${p.name}`,
      `    sha512: ${p.listedSha512 ?? sha512(p.bytes)}`,
      `    size: ${p.bytes.length}`,
    );
  }
  lines.push(
    `path: ${first.name}`,
    `sha512: ${first.listedSha512 ?? sha512(first.bytes)}`,
    `releaseDate: '${extra.releaseDate ?? '2026-11-20T09:30:00.000Z'}'`,
  );
  if (extra.stagingPercentage !== undefined) {
    lines.push(`stagingPercentage: ${extra.stagingPercentage}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Put a version and its packages on the feed under `channelFile` (latest-linux.yml, ...). */
export function publish(
  feed: LocalFeed,
  channelFile: string,
  version: string,
  packages: FeedPackage[],
  extra?: Parameters<typeof latestYml>[2],
): void {
  feed.files.set(channelFile, { body: latestYml(version, packages, extra) });
  for (const p of packages) feed.files.set(p.name, { body: p.bytes });
}

/** app-update.yml as electron-builder writes it into resources/ for a generic feed. */
export function appUpdateYml(url: string): string {
  return `provider: generic\nurl: ${url}\nupdaterCacheDirName: katya-desktop-updater\n`;
}

/** electron-updater's `app` outside Electron: a packaged app of `version`. */
export function standInApp(opts: {
  version: string;
  appUpdateConfigPath: string;
  userDataPath: string;
  baseCachePath: string;
}): AppAdapter & { quits: number; relaunches: number } {
  return {
    version: opts.version,
    name: 'Katya Desktop',
    isPackaged: true,
    appUpdateConfigPath: opts.appUpdateConfigPath,
    userDataPath: opts.userDataPath,
    baseCachePath: opts.baseCachePath,
    quits: 0,
    relaunches: 0,
    whenReady: () => Promise.resolve(),
    quit() {
      this.quits++;
    },
    relaunch() {
      this.relaunches++;
    },
    onQuit: () => undefined,
  };
}

/**
 * HTTP over node:http, where Electron's updater uses Electron's net module. Everything but the
 * request itself (redirects, status handling, the sha512 check of a download) is
 * builder-util-runtime's HttpExecutor, which electron-updater's ElectronHttpExecutor extends too.
 */
export class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  /** As ElectronHttpExecutor.download does it, over createRequest below. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error == null ? resolve(destination) : reject(error)),
          responseHandler: null,
        },
        0,
      );
    });
  }

  createRequest(
    options: RequestOptions,
    callback: (response: IncomingMessage) => void,
  ): ClientRequest {
    const request = httpRequest(options);
    request.on('response', callback);
    return request;
  }
}

/** Give an updater built with a stand-in `app` its HTTP executor (electron-updater leaves it null). */
export function useNodeHttp<T>(updater: T): T {
  (updater as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor =
    new NodeHttpExecutor();
  return updater;
}

/**
 * Which feed file a provider reads (latest.yml, latest-mac.yml, ...), set through
 * electron-updater's own test hook: the provider takes `platform` from it instead of
 * process.platform. No download goes through it here for macOS (MacUpdater needs Electron's
 * Squirrel autoUpdater).
 */
export function forPlatform<T>(updater: T, platform: 'win32' | 'darwin' | 'linux'): T {
  (updater as unknown as { _testOnlyOptions: unknown })._testOnlyOptions = {
    platform,
    isUseDifferentialDownload: false,
  };
  return updater;
}
