// zod 4 compiles object parsers with `new Function` unless told not to; the window's CSP
// (script-src 'self', no 'unsafe-eval') forbids that, and parsing would throw. This module is
// imported first by main.tsx so every schema the window uses runs in jitless mode.
import { config } from 'zod';

config({ jitless: true });
