import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_BUILD, whyNoSelfUpdate } from '../../../main/core/updates/install';
import type { InstallFacts } from '../../../main/core/updates/install';

const appImage: InstallFacts = {
  packaged: true,
  platform: 'linux',
  packageType: null,
  appImage: true,
  snap: false,
  builtInFeed: true,
};

describe('whyNoSelfUpdate', () => {
  it('an AppImage, a Windows install and a macOS app with their feed update themselves', () => {
    expect(whyNoSelfUpdate(appImage, null)).toBeNull();
    expect(whyNoSelfUpdate({ ...appImage, platform: 'win32', appImage: false }, null)).toBeNull();
    expect(whyNoSelfUpdate({ ...appImage, platform: 'darwin', appImage: false }, null)).toBeNull();
  });

  it('a development build (npm start, the preview, tests) does not', () => {
    expect(whyNoSelfUpdate(DEVELOPMENT_BUILD, null)).toBe('development');
    expect(whyNoSelfUpdate({ ...appImage, packaged: false }, 'https://mirror.example/')).toBe(
      'development',
    );
  });

  it('deb, rpm, pacman and snap copies are left to the package manager', () => {
    for (const packageType of ['deb', 'rpm', 'pacman']) {
      expect(whyNoSelfUpdate({ ...appImage, appImage: false, packageType }, null)).toBe(
        'package-manager',
      );
    }
    // Even when APPIMAGE leaks in from a parent process.
    expect(whyNoSelfUpdate({ ...appImage, packageType: 'deb' }, null)).toBe('package-manager');
    expect(whyNoSelfUpdate({ ...appImage, appImage: false, snap: true }, null)).toBe(
      'package-manager',
    );
    expect(whyNoSelfUpdate({ ...appImage, packageType: '  \n' }, null)).toBeNull();
  });

  it('a packaged Linux copy that is not an AppImage cannot replace itself', () => {
    expect(whyNoSelfUpdate({ ...appImage, appImage: false }, null)).toBe('unsupported');
  });

  it('a build without app-update.yml needs the policy to name a feed', () => {
    expect(whyNoSelfUpdate({ ...appImage, builtInFeed: false }, null)).toBe('no-feed');
    expect(whyNoSelfUpdate({ ...appImage, builtInFeed: false }, 'https://mirror.example/')).toBe(
      null,
    );
  });
});
