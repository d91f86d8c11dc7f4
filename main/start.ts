// The Electron entry (package.json "main"). It takes the profile folder, sets V8 to favour a
// small heap (main/core/heap-tuning.ts), then runs the main process (index.cjs, beside this
// file) through V8's code cache kept in that folder, so that every start after the first skips
// most of compiling it (main/core/code-cache.ts).
//
// No code cache in packaged macOS and Windows builds: see appCodeCacheFile.
import { app } from 'electron';
import path from 'node:path';
import { appCodeCacheFile, requireWithCodeCache } from './core/code-cache';
import { favourSmallHeap } from './core/heap-tuning';

// A separate profile for tests and for running a second copy during development; set before
// anything reads the profile's path, the code cache's included.
if (process.env.KATYA_USER_DATA_DIR) app.setPath('userData', process.env.KATYA_USER_DATA_DIR);

// Before the bundle is compiled: the code cache is made and checked under V8's flags.
favourSmallHeap();
requireWithCodeCache(
  path.join(__dirname, 'index.cjs'),
  appCodeCacheFile(app.getPath('userData'), app.isPackaged, process.platform),
);
