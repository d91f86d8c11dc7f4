// The app state reaches components through one context, so views need no prop drilling and
// tests of the built window exercise the same wiring as the app.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AppState } from '../state/app';

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside <AppContext.Provider>');
  return app;
}
