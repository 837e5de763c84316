import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Noticeboard } from './Noticeboard';

const post = (text: string, at: string) => ({ agent: 'fraud::Risk', text, at, agentFinished: false });

describe('noticeboard', () => {
  it('shows one panel per topic with the latest post; earlier versions expand', async () => {
    render(
      <Noticeboard
        topics={[
          {
            topic: 'Risk',
            latest: { ...post('v3 latest', '2024-11-24T10:03:00Z'), agentFinished: true },
            earlier: [post('v2 older', '2024-11-24T10:02:00Z'), post('v1 oldest', '2024-11-24T10:01:00Z')],
          },
          { topic: 'Income', latest: post('only one', '2024-11-24T10:00:00Z'), earlier: [] },
        ]}
      />,
    );
    const topics = screen.getAllByTestId('notice-topic');
    expect(topics).toHaveLength(2);
    const risk = topics[0];
    expect(within(risk).getByText('v3 latest')).toBeInTheDocument();
    expect(within(risk).getByText('finished')).toBeInTheDocument();
    expect(within(risk).queryByText('v2 older')).not.toBeInTheDocument();

    const toggle = within(risk).getByRole('button', { name: '2 earlier versions' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.setup().click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const list = within(risk).getByRole('list', { name: 'Earlier versions' });
    expect(within(list).getAllByRole('listitem').map((li) => li.querySelector('.notice-text')!.textContent)).toEqual([
      'v2 older',
      'v1 oldest',
    ]);
    expect(within(topics[1]).queryByRole('button')).not.toBeInTheDocument();
  });

  it('titles a panel by its topic and names the agent apart, smaller, never as agent::Topic', async () => {
    render(
      <Noticeboard
        topics={[
          {
            topic: 'Identity Check',
            latest: { agent: 'identity_agent::Identity Check', text: 'eKYC passed', at: '2024-11-24T10:03:00Z', agentFinished: true },
            earlier: [
              { agent: 'identity_agent::Identity Check', text: 'Awaiting licence', at: '2024-11-24T10:02:00Z', agentFinished: false },
              { agent: 'kyc_agent::Identity Check', text: 'From another agent', at: '2024-11-24T10:01:00Z', agentFinished: false },
            ],
          },
          // A topic that arrives with its agent still attached.
          { topic: 'fraud_agent::Fraud Check', latest: post('low risk', '2024-11-24T10:00:00Z'), earlier: [] },
        ]}
      />,
    );
    const [identity, fraud] = screen.getAllByTestId('notice-topic');
    expect(within(identity).getByRole('heading')).toHaveTextContent(/^Identity Check$/);
    expect(identity).toHaveAccessibleName('Noticeboard: Identity Check');
    expect(within(identity).getByTestId('notice-agent')).toHaveTextContent(/^Identity agent$/);
    await userEvent.setup().click(within(identity).getByRole('button', { name: '2 earlier versions' }));
    // The agent is named once in the header; a post from another agent says so.
    expect(within(identity).getAllByText('Identity agent')).toHaveLength(1);
    expect(within(identity).getByText('KYC agent')).toBeInTheDocument();
    expect(identity.textContent).not.toContain('::');

    expect(within(fraud).getByRole('heading')).toHaveTextContent(/^Fraud Check$/);
    expect(within(fraud).getByTestId('notice-agent')).toHaveTextContent(/^Fraud$/);
    expect(fraud.textContent).not.toContain('::');
  });

  it('says when there are no posts', () => {
    render(<Noticeboard topics={[]} />);
    expect(screen.getByText('No noticeboard posts yet.')).toBeInTheDocument();
  });
});
