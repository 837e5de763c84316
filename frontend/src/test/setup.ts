import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { resetAllStores } from '../stores/reset';

beforeEach(() => {
  resetAllStores();
  window.location.hash = '';
});

afterEach(() => {
  cleanup();
  resetAllStores();
});
