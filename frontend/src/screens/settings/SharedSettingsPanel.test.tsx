import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setApi } from '../../api/client';
import { useSession } from '../../stores/session';
import { useSharedSettings } from '../../stores/sharedSettings';
import { admin, createFakeApi, supervisor } from '../../test/fakeApi';
import { SharedSettingsPanel } from './SharedSettingsPanel';

const shared = { redisUrl: 'redis://ledger:6379/0', stream: 'chatLedger', thresholds: { pausedSeconds: 120, softEndSeconds: 900, hardEndSeconds: 43200 } };

describe('shared settings', () => {
  it('a supervisor sees them read-only: no field to change', async () => {
    const fake = createFakeApi({ session: supervisor });
    fake.sharedSettings.mockResolvedValue(shared);
    setApi(fake);
    useSession.setState({ session: supervisor });
    await useSharedSettings.getState().load();
    render(<SharedSettingsPanel />);
    const ro = screen.getByTestId('shared-settings-readonly');
    expect(ro).toHaveTextContent('redis://ledger:6379/0');
    expect(ro).toHaveTextContent('Set by an administrator');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /Save/ })).toBeNull();
    expect(fake.getSettings).toHaveBeenCalled(); // the applied thresholds are read back
  });

  it('an admin changes them for everyone', async () => {
    const fake = createFakeApi({ session: admin });
    fake.sharedSettings.mockResolvedValue(shared);
    setApi(fake);
    useSession.setState({ session: admin });
    await useSharedSettings.getState().load();
    render(<SharedSettingsPanel />);
    const user = userEvent.setup();
    const paused = screen.getByLabelText('Paused after (s)');
    await user.clear(paused);
    await user.type(paused, '60');
    await user.click(screen.getByRole('button', { name: 'Save for everyone' }));
    await waitFor(() => expect(fake.saveSharedSettings).toHaveBeenCalled());
    expect(fake.saveSharedSettings.mock.calls[0][0].thresholds.pausedSeconds).toBe(60);
    expect(await screen.findByText('Saved for everyone')).toBeInTheDocument();
  });
});
