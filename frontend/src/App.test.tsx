import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import App from './App';

describe('App', () => {
  it('shows the product name', () => {
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Billie Supervisor' })).toBeInTheDocument();
  });

  it('shows no version without the Go bindings', () => {
    render(<App />);
    expect(screen.queryByTestId('app-version')).not.toBeInTheDocument();
  });
});
