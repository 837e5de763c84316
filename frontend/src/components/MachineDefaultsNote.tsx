import { useEffect } from 'react';
import { useAbout } from '../stores/about';

/**
 * Says on the settings screen where the starting values came from when this computer
 * has a machine-wide defaults file, and in plain words why it was ignored when it is broken.
 */
export function MachineDefaultsNote() {
  const md = useAbout((s) => s.about?.machineDefaults);
  useEffect(() => {
    void useAbout.getState().load();
  }, []);
  if (!md || md.state === 'none') return null;
  if (md.state === 'applied') {
    return (
      <p className="machine-defaults-note muted">
        This computer's defaults come from {md.path}. Settings you save here take precedence.
      </p>
    );
  }
  return (
    <p className="machine-defaults-note warning" role="alert">
      This computer's defaults file {md.path} was ignored: {md.problem} Ask your administrator to correct it; until then the
      built-in defaults apply.
    </p>
  );
}
