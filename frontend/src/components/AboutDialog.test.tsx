import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import { resetAbout, useAbout } from '../stores/about';
import { aboutInfo, createFakeApi } from '../test/fakeApi';
import { AboutButton } from './AboutDialog';
import { MachineDefaultsNote } from './MachineDefaultsNote';

describe('About box', () => {
  beforeEach(() => resetAbout());

  it('opens from its button with version, commit and build date, and closes with Escape', async () => {
    setApi(createFakeApi());
    const user = userEvent.setup();
    render(<AboutButton />);
    await user.click(screen.getByRole('button', { name: 'About' }));
    const box = await screen.findByRole('dialog', { name: 'Billie Supervisor' });
    expect(await screen.findByText('1.2.3')).toBeInTheDocument();
    expect(screen.getByText('abc1234')).toBeInTheDocument();
    expect(screen.getByText(new Date('2026-11-30T15:00:00Z').toLocaleString())).toBeInTheDocument();
    expect(screen.getByText('linux/amd64')).toBeInTheDocument();
    expect(box).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('says a developer build has no commit or date', async () => {
    const fake = createFakeApi();
    fake.about.mockResolvedValue({ ...aboutInfo, version: '0.0.0-dev', commit: '', buildDate: '' });
    setApi(fake);
    const user = userEvent.setup();
    render(<AboutButton />);
    await user.click(screen.getByRole('button', { name: 'About' }));
    expect(await screen.findByText('0.0.0-dev')).toBeInTheDocument();
    expect(screen.getAllByText('unknown (a developer build)')).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});

describe('machine-wide defaults note', () => {
  beforeEach(() => resetAbout());

  it.each([
    ['none', '', null],
    ['applied', '', "This computer's defaults come from /etc/billie-supervisor/defaults.json."],
    ['ignored', 'The file is not valid: unknown setting "backendURL".', 'was ignored: The file is not valid: unknown setting "backendURL".'],
  ] as const)('state %s', async (state, problem, text) => {
    const fake = createFakeApi();
    fake.about.mockResolvedValue({ ...aboutInfo, machineDefaults: { ...aboutInfo.machineDefaults, state, problem } });
    setApi(fake);
    const { container } = render(<MachineDefaultsNote />);
    await waitFor(() => expect(useAbout.getState().about).not.toBeNull());
    if (text === null) {
      expect(container).toBeEmptyDOMElement();
      return;
    }
    expect(await screen.findByText((t) => t.includes(text))).toBeInTheDocument();
    if (state === 'ignored') expect(screen.getByRole('alert')).toBeInTheDocument();
  });
});
