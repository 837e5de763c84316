import { useEffect, useRef, useState } from 'react';

/** The answer to the latest question asked, once it is in. */
export interface LatestAnswer<Q, A> {
  /** The question answered (null before the first answer). */
  question: Q | null;
  answer: A | null;
  error: unknown;
  /** An answer to the current question is on its way. */
  pending: boolean;
}

/**
 * Asks ask(question) at once whenever the question changes, and keeps only the answer
 * to the latest question: answers to older ones are dropped. It exists instead of a
 * debounce so that the answer to the last keystroke costs the call alone (the palette
 * at 100,000 conversations: a debounce adds its whole delay, and waiting for the
 * call in flight adds that call). The asker stops calls no longer needed: the
 * palette's Go side ends a lookup as soon as a newer one starts.
 */
export function useLatestAnswer<Q, A>(question: Q, ask: (q: Q) => Promise<A>, skip: (q: Q) => boolean): LatestAnswer<Q, A> {
  const [state, setState] = useState<LatestAnswer<Q, A>>({ question: null, answer: null, error: null, pending: false });
  const latest = useRef(question);
  const askRef = useRef(ask);
  askRef.current = ask;
  const skipRef = useRef(skip);
  skipRef.current = skip;
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  useEffect(() => {
    latest.current = question;
    if (skipRef.current(question)) {
      setState({ question, answer: null, error: null, pending: false });
      return;
    }
    setState((s) => ({ ...s, pending: true }));
    askRef
      .current(question)
      .then(
        (answer) => ({ answer, error: null as unknown }),
        (error: unknown) => ({ answer: null, error }),
      )
      .then((r) => {
        if (mounted.current && Object.is(latest.current, question)) {
          setState({ question, answer: r.answer, error: r.error, pending: false });
        }
      });
  }, [question]);
  return state;
}
