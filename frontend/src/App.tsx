import { useEffect, useState } from 'react';
import { Version } from '../wailsjs/go/app/App';

/** True when running inside the Wails window (or against a dev-tagged build). */
function hasGoBindings(): boolean {
  const w = window as unknown as { go?: { app?: { App?: unknown } } };
  return Boolean(w.go?.app?.App);
}

export default function App() {
  const [version, setVersion] = useState<string | null>(null);

  useEffect(() => {
    if (!hasGoBindings()) return;
    let cancelled = false;
    Version()
      .then((v) => {
        if (!cancelled) setVersion(v);
      })
      .catch(() => {
        /* backend not reachable: leave the version empty */
      });
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <main className="app">
      <h1 className="app-title">Billie Supervisor</h1>
      {version && (
        <p className="app-version" data-testid="app-version">
          v{version}
        </p>
      )}
    </main>
  );
}
