import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import type { User } from '../api/types';
import { useSession } from '../stores/session';
import { useSettings } from '../stores/settings';
import { admin, createFakeApi, defaultSettings, supervisor } from '../test/fakeApi';
import { SettingsScreen } from './SettingsScreen';
import { UsersScreen } from './UsersScreen';

const sam: User = {
  id: 2,
  email: 'sam@billie.test',
  name: 'Sam',
  role: 'supervisor',
  disabled: false,
  createdAt: '2024-01-01T00:00:00Z',
  lastLoginAt: '2024-11-24T10:00:00Z',
};

describe('users', () => {
  it('lists, creates, disables, re-roles and resets passwords', async () => {
    useSession.setState({ phase: 'signedIn', session: admin });
    const fake = createFakeApi();
    fake.listUsers.mockResolvedValue([sam]);
    fake.createUser.mockImplementation(async (u: { email: string; name: string; role: 'admin' | 'supervisor' }) => ({
      ...sam,
      id: 3,
      email: u.email,
      name: u.name,
      role: u.role,
    }));
    fake.updateUser.mockImplementation(async (id: number, p: Partial<User>) => ({ ...sam, id, ...p }));
    setApi(fake);
    const user = userEvent.setup();
    render(<UsersScreen />);
    const row = (await screen.findByText('sam@billie.test')).closest('tr')!;

    await user.click(within(row).getByRole('button', { name: 'Disable' }));
    expect(fake.updateUser).toHaveBeenLastCalledWith(2, { disabled: true });
    expect(await within(row).findByText('Disabled')).toBeInTheDocument();

    await user.selectOptions(within(row).getByLabelText('Role of sam@billie.test'), 'admin');
    expect(fake.updateUser).toHaveBeenLastCalledWith(2, { role: 'admin' });

    await user.click(within(row).getByRole('button', { name: 'Reset password' }));
    await user.type(within(row).getByLabelText('New password for sam@billie.test'), 'new-secret-1');
    await user.click(within(row).getByRole('button', { name: 'Set' }));
    expect(fake.updateUser).toHaveBeenLastCalledWith(2, { password: 'new-secret-1' });
    expect(await screen.findByText('Password reset for sam@billie.test')).toBeInTheDocument();

    const form = screen.getByRole('form', { name: 'Create user' });
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('valid email');
    await user.type(within(form).getByLabelText('Email'), 'new@billie.test');
    await user.type(within(form).getByLabelText('Name'), 'New Person');
    await user.type(within(form).getByLabelText('Initial password'), 'long-enough');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(fake.createUser).toHaveBeenCalledWith({ email: 'new@billie.test', name: 'New Person', role: 'supervisor', password: 'long-enough' });
    expect(await screen.findByText('new@billie.test')).toBeInTheDocument();
  });

  it('shows errors from the backend', async () => {
    useSession.setState({ phase: 'signedIn', session: admin });
    const fake = createFakeApi();
    fake.listUsers.mockResolvedValue([sam]);
    fake.updateUser.mockRejectedValue(new Error('cannot disable the last admin'));
    setApi(fake);
    const user = userEvent.setup();
    render(<UsersScreen />);
    await user.click(await screen.findByRole('button', { name: 'Disable' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('cannot disable the last admin');
  });
});

describe('settings', () => {
  it('an admin overrides the connection here, keeps the Redis password and saves', async () => {
    useSession.setState({ phase: 'signedIn', session: admin, error: null });
    const fake = createFakeApi();
    fake.getSettings.mockResolvedValue({ ...defaultSettings, hasRedisPassword: true });
    setApi(fake);
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const url = await screen.findByLabelText('Redis URL');
    expect(screen.getByText('A password is stored; leave empty to keep it')).toBeInTheDocument();
    // The shared connection until the local override is on.
    expect(url).toBeDisabled();
    await user.click(screen.getByLabelText('Use another Redis or stream on this desktop only'));
    expect(url).toBeEnabled();

    await user.clear(url);
    await user.type(url, 'http://wrong');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText('Use redis://host:port or rediss://host:port')).toBeInTheDocument();
    expect(fake.saveSettings).not.toHaveBeenCalled();

    await user.clear(url);
    await user.type(url, 'rediss://cache:6380');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(fake.saveSettings).toHaveBeenCalled());
    const sent = fake.saveSettings.mock.calls[0][0];
    expect(sent.redisUrl).toBe('rediss://cache:6380');
    expect(sent.connectionOverride).toBe(true);
    expect(sent.redisPassword).toBe('');
    expect(sent.hasRedisPassword).toBe(true);
    expect(sent.thresholds).toEqual(defaultSettings.thresholds);
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
  });

  it('without shared settings from the backend, an admin sets this desktop’s thresholds; they apply to live statuses', async () => {
    useSession.setState({ phase: 'signedIn', session: admin, error: null });
    const fake = createFakeApi();
    fake.sharedSettings.mockRejectedValue(new Error('not found'));
    setApi(fake);
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const paused = await screen.findByLabelText('Paused after (s)');
    await user.clear(paused);
    await user.type(paused, '60');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(fake.saveSettings).toHaveBeenCalled());
    expect(fake.saveSettings.mock.calls[0][0].thresholds.pausedSeconds).toBe(60);
    await waitFor(() => expect(useSettings.getState().thresholds.pausedSeconds).toBe(60));
  });

  it('a supervisor sees the connection read-only, with who sets it, and keeps their own density', async () => {
    useSession.setState({ phase: 'signedIn', session: supervisor, error: null });
    const fake = createFakeApi({ session: supervisor });
    setApi(fake);
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const ro = await screen.findByTestId('connection-readonly');
    expect(ro).toHaveTextContent(defaultSettings.redisUrl);
    expect(ro).toHaveTextContent('An administrator sets the connection');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByLabelText('Redis URL')).toBeNull();
    expect(screen.queryByRole('button', { name: /Save/ })).toBeNull();

    await user.click(screen.getByRole('radio', { name: /Wall/ }));
    expect(fake.saveDensity).toHaveBeenCalledWith('wall');
    expect(fake.saveSettings).not.toHaveBeenCalled();
  });

  it('signs out when the backend URL changes, not otherwise', async () => {
    useSession.setState({ phase: 'signedIn', session: admin, error: null });
    const fake = createFakeApi();
    setApi(fake);
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.click(await screen.findByLabelText('Use TLS'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
    expect(useSession.getState().phase).toBe('signedIn');

    const backend = await screen.findByLabelText('Backend URL');
    await user.clear(backend);
    await user.type(backend, 'https://billie.example.com');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(useSession.getState().phase).toBe('signedOut'));
    expect(useSession.getState().error).toMatch(/backend URL changed/);
  });

  it('shows a save error', async () => {
    useSession.setState({ phase: 'signedIn', session: admin, error: null });
    const fake = createFakeApi();
    fake.saveSettings.mockRejectedValue(new Error('Only an administrator changes the ledger connection'));
    setApi(fake);
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.click(await screen.findByLabelText('Use TLS'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Only an administrator changes the ledger connection');
  });
});
