import { useAttention, nextAttention } from '../stores/attention';
import { navigate, useRouter } from '../stores/router';
import { usePalette } from '../stores/palette';
import { useHotkeys } from './useHotkeys';
import { useEffect } from 'react';

/**
 * The workspace's keys on every screen: `n` opens the next conversation needing
 * attention (after the open one), Ctrl-K (or ⌘K) the jump palette.
 */
export function useWorkspaceKeys(): void {
  useHotkeys({
    n: () => {
      const go = () => {
        const r = useRouter.getState().route;
        const id = nextAttention(useAttention.getState().items, r.name === 'conversation' ? r.id : null);
        if (id) navigate({ name: 'conversation', id });
      };
      if (useAttention.getState().loaded) go();
      else void useAttention.getState().load().then(go);
    },
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        usePalette.getState().toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
