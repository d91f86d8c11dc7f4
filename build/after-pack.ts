// electron-builder afterPack hook: flip Electron's fuses in the packaged binary, before signing
// (a flipped binary must be signed afterwards, and electron-builder signs after this hook).
//
// Fuses are build-time switches compiled into the Electron binary; turning these off removes
// ways to make a signed Katya Desktop run someone else's code:
// - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node interpreter.
// - NODE_OPTIONS off: the environment cannot preload code into the main process.
// - Node CLI inspect arguments off: --inspect / --inspect-brk cannot attach a debugger.
// - OnlyLoadAppFromAsar on: the app is loaded from app.asar only, not from a planted app/ folder.
// - Embedded asar integrity validation on (macOS and Windows, the platforms Electron supports
//   it on): app.asar is checked against the hash electron-builder embeds at package time.
// - Cookie encryption on: the cookie store on disk is encrypted with the OS key store.
// - GrantFileProtocolExtraPrivileges off: file:// pages get no more than other origins; the
//   window loads app://, so nothing of ours needs them.
// - The rest (the browser-process V8 snapshot) set to Electron's default, explicitly: the
//   config uses strictlyRequireAllFuses, so every fuse @electron/fuses knows must be named, and
//   an Electron with a fuse it does not know fails the build rather than ship that fuse unset.
//
// The Electron end-to-end suite never sees a fused binary: it launches node_modules/electron
// against dist/ (Playwright's _electron needs the inspect arguments). `npm run dist -- --unfused`
// sets KATYA_UNFUSED=1 to package without fuses for debugging; the hook says so loudly.
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import type { FuseV1Config } from '@electron/fuses';
import path from 'node:path';

/** The parts of electron-builder's AfterPackContext this hook reads. */
export interface PackedApp {
  appOutDir: string;
  electronPlatformName: string;
  /** electron-builder's Arch: 0 ia32, 1 x64, 2 armv7l, 3 arm64, 4 universal. */
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

const ARM64 = 3;
const UNIVERSAL = 4;
const isMac = (platform: string) => platform === 'darwin' || platform === 'mas';

/** The fuse settings for a release build on `platform` ('darwin' | 'mas' | 'win32' | 'linux'). */
export function releaseFuses(platform: string, arch: number): FuseV1Config {
  const asarIntegrity = isMac(platform) || platform === 'win32';
  return {
    version: FuseVersion.V1,
    // Flipping bytes breaks the ad-hoc signature Apple silicon requires to run at all; re-sign
    // ad hoc (a real identity, if any, signs over it later).
    resetAdHocDarwinSignature: isMac(platform) && (arch === ARM64 || arch === UNIVERSAL),
    strictlyRequireAllFuses: true,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Electron supports it on macOS and Windows only; off (its default) on Linux.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: asarIntegrity,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** Where the fuse wire lives: the .app bundle, the .exe, or the Linux executable. */
export function packagedBinary(context: PackedApp): string {
  const { appOutDir, electronPlatformName: platform, packager } = context;
  if (isMac(platform)) return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (platform === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
}

/** Flip the release fuses in `binary` and read every one back; throws if any did not take. */
export async function applyReleaseFuses(
  binary: string,
  platform: string,
  arch: number,
): Promise<void> {
  const wanted = releaseFuses(platform, arch);
  // Strict mode throws here if the binary's wire has a fuse the config does not name.
  await flipFuses(binary, wanted);
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
  const fuseNumbers = Object.values(FuseV1Options).filter(
    (v): v is number => typeof v === 'number',
  );
  for (const fuse of fuseNumbers) {
    // The wire stores ASCII '1' (enabled) or '0' (disabled).
    const expected = wanted[fuse as FuseV1Options] ? 0x31 : 0x30;
    if (wire[fuse] !== expected) {
      throw new Error(`fuse ${FuseV1Options[fuse]} did not take in ${binary}`);
    }
  }
}

export default async function afterPack(context: PackedApp): Promise<void> {
  const binary = packagedBinary(context);
  if (process.env.KATYA_UNFUSED === '1') {
    console.warn(`  • KATYA_UNFUSED=1: leaving ${binary} UNFUSED (not for release)`);
    return;
  }
  await applyReleaseFuses(binary, context.electronPlatformName, context.arch);
  console.log(`  • release fuses set and verified in ${binary}`);
}
