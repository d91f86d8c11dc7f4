#!/usr/bin/env node
console.error('katya: the command line is not built yet (issue 4).');
process.exit(1);
