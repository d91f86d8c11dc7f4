console.error('preview: the browser preview is not built yet (issue 8).');
process.exit(1);
