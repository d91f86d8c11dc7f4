// The browser preview's stand-in for the Electron preload (issue 8).
export {};
