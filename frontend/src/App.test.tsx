import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from './App';
import { setApi } from './api/client';
import { admin, connected, createFakeApi, defaultSettings, supervisor } from './test/fakeApi';

describe('signing in', () => {
  it('opens on the sign-in screen and shows a clear error on a wrong password', async () => {
    const fake = createFakeApi({ session: null });
    let reject!: (e: unknown) => void;
    fake.signIn.mockImplementation(() => new Promise((_, r) => (reject = r)));
    setApi(fake);
    const user = userEvent.setup();
    render(<App />);

    const button = await screen.findByRole('button', { name: 'Sign in' });
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText('Email'), 'sam@billie.test');
    await user.type(screen.getByLabelText('Password'), 'nope');
    expect(button).toBeEnabled();
    await user.click(button);

    // Disabled while signing in.
    expect(screen.getByRole('button', { name: 'Signing in…' })).toBeDisabled();
    expect(fake.signIn).toHaveBeenCalledWith('sam@billie.test', 'nope');

    await act(async () => reject('Wrong email or password'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
  });

  it('signs in and shows the grid with the header', async () => {
    const fake = createFakeApi({ session: null });
    fake.signIn.mockResolvedValue(supervisor);
    setApi(fake);
    const user = userEvent.setup();
    render(<App />);
    await user.type(await screen.findByLabelText('Email'), 'sam@billie.test');
    await user.type(screen.getByLabelText('Password'), 'secret-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(screen.getByText('Sam Supervisor')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await waitFor(() => expect(fake.listConversations).toHaveBeenCalled());
  });

  it('restores a saved session and signs out back to the sign-in screen', async () => {
    const fake = createFakeApi({ session: supervisor });
    setApi(fake);
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(fake.signOut).toHaveBeenCalled();
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('returns to sign-in when the session expires', async () => {
    const fake = createFakeApi({ session: { ...supervisor, expiresAt: '2000-01-01T00:00:00Z' } });
    setApi(fake);
    render(<App />);
    expect(await screen.findByRole('alert')).toHaveTextContent(/expired/);
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });
});

describe('connection settings before sign-in', () => {
  it('opens the connection part of Settings from the sign-in screen, saves it, and shows no ledger data', async () => {
    const fake = createFakeApi({ session: null });
    fake.getSettings.mockResolvedValue({ ...defaultSettings, backendUrl: 'http://wrong-host:8080' });
    setApi(fake);
    const user = userEvent.setup();
    render(<App />);

    await user.click(await screen.findByRole('button', { name: 'Connection settings…' }));
    const form = await screen.findByRole('form', { name: 'Connection settings' });
    const backend = within(form).getByLabelText('Backend URL');
    expect(backend).toHaveValue('http://wrong-host:8080');
    expect(backend).toBeRequired();
    // The ledger connection is only shown: it comes from the backend, set by an admin.
    expect(within(form).queryByLabelText('Redis URL')).not.toBeInTheDocument();
    expect(within(form).queryByLabelText('Stream')).not.toBeInTheDocument();
    expect(within(form).getByTestId('ledger-by-admin')).toHaveTextContent(`${defaultSettings.redisUrl} (stream chatLedger)`);
    expect(within(form).getByTestId('ledger-by-admin')).toHaveTextContent('only an administrator changes it');
    expect(screen.queryByText(/optional/i)).not.toBeInTheDocument();
    // Thresholds stay behind sign-in.
    expect(screen.queryByLabelText('Paused after (s)')).not.toBeInTheDocument();

    // Empty, it is refused before anything is sent.
    await user.clear(backend);
    await user.click(within(form).getByRole('button', { name: 'Save connection' }));
    expect(within(form).getByText('The backend URL is required: it is where you sign in')).toBeInTheDocument();
    expect(fake.saveSettings).not.toHaveBeenCalled();

    await user.clear(backend);
    await user.type(backend, 'http://127.0.0.1:8080');
    await user.click(within(form).getByRole('button', { name: 'Save connection' }));
    await waitFor(() =>
      expect(fake.saveSettings).toHaveBeenCalledWith(
        expect.objectContaining({ backendUrl: 'http://127.0.0.1:8080', thresholds: defaultSettings.thresholds }),
      ),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Settings saved');

    // Nothing of the ledger was asked for or shown, and the way back is the sign-in form.
    for (const m of ['listConversations', 'statusCounts', 'getConversation', 'searchCustomers', 'listApplications'] as const) {
      expect(fake[m]).not.toHaveBeenCalled();
    }
    expect(fake.onBatch).not.toHaveBeenCalled();
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '← Back to sign in' }));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });
});

describe('navigation by role', () => {
  it('hides Users from supervisors', async () => {
    setApi(createFakeApi({ session: supervisor }));
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const labels = Array.from(nav.querySelectorAll('button')).map((b) => b.textContent);
    expect(labels).toEqual(['Needs attention', 'Conversations', 'Customers', 'Applications', 'Settings']);
  });

  it('shows Users to admins and opens the users screen', async () => {
    const fake = createFakeApi({ session: admin });
    fake.listUsers.mockResolvedValue([
      {
        id: 1,
        email: 'ada@billie.test',
        name: 'Ada Admin',
        role: 'admin',
        disabled: false,
        createdAt: '2024-01-01T00:00:00Z',
        lastLoginAt: null,
      },
    ]);
    setApi(fake);
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Users' }));
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeInTheDocument();
    expect(await screen.findByText('ada@billie.test')).toBeInTheDocument();
  });
});

describe('connection indicator', () => {
  it('follows ledger:connection events, with catch-up progress and time left', async () => {
    const fake = createFakeApi({ session: supervisor });
    setApi(fake);
    render(<App />);
    const ind = await screen.findByTestId('connection');
    await waitFor(() => expect(ind).toHaveTextContent('Live'));
    act(() =>
      fake.emitConnection({
        ...connected,
        stale: true,
        lastAppliedId: '5-0',
        behind: 750,
        catchingUp: true,
        applied: 250,
        percent: 25,
        etaSeconds: 30,
        redisUrl: 'redis://r:6379',
      }),
    );
    expect(screen.getByTestId('connection')).toHaveTextContent('Catching up 25% · about 30 s left');
    expect(screen.getByLabelText('Catching up 25%')).toBeInTheDocument();
  });
});
