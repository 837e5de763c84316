import { act, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import { useAttention } from '../stores/attention';
import { useDataClock } from '../stores/dataClock';
import { createFakeApi } from '../test/fakeApi';
import { AttentionCount } from './AttentionCount';

describe('AttentionCount', () => {
  beforeEach(() => {
    setApi(createFakeApi({}));
    useAttention.setState({ items: [], total: 12, loaded: true, loading: false, loadedAt: Date.now(), tookMs: 1 });
    useDataClock.setState({ provisional: false });
  });

  it('shows the count live and nothing during a first sync', () => {
    render(<AttentionCount />);
    expect(screen.getByTestId('attention-count')).toHaveTextContent('12');
    act(() => useDataClock.setState({ provisional: true }));
    expect(screen.queryByTestId('attention-count')).toBeNull();
    act(() => useDataClock.setState({ provisional: false }));
    expect(screen.getByTestId('attention-count')).toHaveTextContent('12');
  });
});
