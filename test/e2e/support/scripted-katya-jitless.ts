// Imported first by scripted-katya-page.ts: zod decides at schema construction whether to
// compile parsers with `new Function`, which the window's CSP forbids.
import { config } from 'zod';

config({ jitless: true });
