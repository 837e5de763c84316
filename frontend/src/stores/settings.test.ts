import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../test/fakeApi';
import { validateSettings } from './settings';

describe('validateSettings', () => {
  it('accepts the defaults', () => {
    expect(validateSettings(defaultSettings)).toEqual({});
  });

  it('requires a redis URL and a stream', () => {
    const e = validateSettings({ ...defaultSettings, redisUrl: 'http://x', stream: ' ' });
    expect(e.redisUrl).toBeTruthy();
    expect(e.stream).toBeTruthy();
  });

  it('wants increasing whole-second thresholds', () => {
    const e = validateSettings({
      ...defaultSettings,
      thresholds: { pausedSeconds: 600, softEndSeconds: 300, hardEndSeconds: Number.NaN },
    });
    expect(e.softEndSeconds).toMatch(/longer/);
    expect(e.hardEndSeconds).toBeTruthy();
    expect(e.pausedSeconds).toBeUndefined();
  });

  it('checks the backend URL only when given', () => {
    expect(validateSettings({ ...defaultSettings, backendUrl: 'ftp://x' }).backendUrl).toBeTruthy();
    expect(validateSettings({ ...defaultSettings, backendUrl: 'https://api.example' }).backendUrl).toBeUndefined();
  });
});
