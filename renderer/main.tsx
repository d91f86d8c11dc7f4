// The window's entry: find the bridge, build the state, render, start the session.
import './zod-csp';
import { render } from 'preact';
import './styles.css';
import { findApi } from './api';
import { createAppState } from './state/app';
import { App, NoBridge } from './components/App';
import { AppContext } from './components/context';
import { createI18n, resolveLang } from './i18n';

const root = document.getElementById('app')!;
const api = findApi();

if (!api) {
  const i18n = createI18n(resolveLang('system', navigator.languages ?? [navigator.language]));
  render(<NoBridge message={i18n.t('app.noBridge')} />, root);
} else {
  const app = createAppState(api, { systemLanguages: navigator.languages ?? [navigator.language] });
  app.attachDocument(document);
  render(
    <AppContext.Provider value={app}>
      <App />
    </AppContext.Provider>,
    root,
  );
  void app.start();
}

// Nothing the window does may end as an unhandled rejection; say it once and carry on.
window.addEventListener('unhandledrejection', (e) => {
  console.warn('katya: unhandled rejection in the window', e.reason);
  e.preventDefault();
});
