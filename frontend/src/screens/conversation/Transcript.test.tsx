import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../api/types';
import { message } from '../../test/fakeApi';
import { Transcript } from './Transcript';

/** Gives the transcript a layout: 100px per message, a 400px viewport. */
function layout(el: HTMLElement) {
  Object.defineProperty(el, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(el, 'scrollHeight', {
    configurable: true,
    get: () => el.querySelectorAll('[data-testid="message"]').length * 100,
  });
}

function msgs(n: number): Message[] {
  return Array.from({ length: n }, (_, i) => message(i));
}

describe('transcript auto-scroll', () => {
  it('follows new messages while pinned at the bottom', () => {
    const { rerender } = render(<Transcript messages={msgs(10)} />);
    const el = screen.getByTestId('transcript-scroll');
    layout(el);
    rerender(<Transcript messages={msgs(11)} />);
    expect(el.scrollTop).toBe(1100);
    rerender(<Transcript messages={msgs(12)} />);
    expect(el.scrollTop).toBe(1200);
    expect(screen.queryByRole('button', { name: /new message/ })).not.toBeInTheDocument();
  });

  it('stays put and shows a pill when the reader scrolled up; the pill jumps down', async () => {
    const { rerender } = render(<Transcript messages={msgs(10)} />);
    const el = screen.getByTestId('transcript-scroll');
    layout(el);
    act(() => {
      el.scrollTop = 200;
      fireEvent.scroll(el);
    });
    rerender(<Transcript messages={msgs(11)} />);
    expect(el.scrollTop).toBe(200);
    rerender(<Transcript messages={msgs(13)} />);
    expect(el.scrollTop).toBe(200);
    const pill = screen.getByRole('button', { name: '3 new messages ↓' });

    await userEvent.setup().click(pill);
    expect(el.scrollTop).toBe(1300);
    expect(screen.queryByRole('button', { name: /new message/ })).not.toBeInTheDocument();
    rerender(<Transcript messages={msgs(14)} />);
    expect(el.scrollTop).toBe(1400);
  });

  it('re-pins when the reader scrolls back to the bottom', () => {
    const { rerender } = render(<Transcript messages={msgs(10)} />);
    const el = screen.getByTestId('transcript-scroll');
    layout(el);
    act(() => {
      el.scrollTop = 100;
      fireEvent.scroll(el);
    });
    rerender(<Transcript messages={msgs(11)} />);
    expect(screen.getByRole('button', { name: '1 new message ↓' })).toBeInTheDocument();
    act(() => {
      el.scrollTop = 1100 - 400;
      fireEvent.scroll(el);
    });
    expect(screen.queryByRole('button', { name: /new message/ })).not.toBeInTheDocument();
    rerender(<Transcript messages={msgs(12)} />);
    expect(el.scrollTop).toBe(1200);
  });

  it('puts customers left and the assistant right, with times and toggleable rationale', async () => {
    render(<Transcript messages={[message(0), message(1, { answerInputType: 'yes_no' })]} />);
    const [m0, m1] = screen.getAllByTestId('message');
    expect(m0).toHaveClass('msg-customer');
    expect(m1).toHaveClass('msg-assistant');
    expect(m0.querySelector('time')).toHaveAttribute('datetime', message(0).at);
    // Rationale and tags stay behind the toggle: no answer-type tag under every bubble.
    expect(screen.queryByTestId('rationale')).not.toBeInTheDocument();
    expect(screen.queryByTestId('answer-type')).not.toBeInTheDocument();
    await userEvent.setup().click(screen.getByLabelText('Show rationale and details'));
    expect(screen.getByTestId('rationale')).toHaveTextContent('because 1');
    expect(screen.getByTestId('answer-type')).toHaveTextContent('Yes / no question');
  });
});
