import { render } from 'preact';

function App() {
  return <main aria-label="Katya Desktop">Katya Desktop</main>;
}

render(<App />, document.getElementById('app')!);
