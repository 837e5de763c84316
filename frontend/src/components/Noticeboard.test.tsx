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

  it('says when there are no posts', () => {
    render(<Noticeboard topics={[]} />);
    expect(screen.getByText('No noticeboard posts yet.')).toBeInTheDocument();
  });
});
