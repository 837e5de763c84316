import { memo, useLayoutEffect, useRef, useState } from 'react';
import type { Message } from '../../api/types';
import { JsonView } from '../../components/JsonView';
import { codeLabel } from '../../domain/codes';
import { formatDateTime, formatTime } from '../../domain/format';

/** Distance from the bottom (px) that still counts as "at the bottom". */
export const PIN_SLACK_PX = 48;

const Bubble = memo(function Bubble({ m, showRationale }: { m: Message; showRationale: boolean }) {
  const hasData = m.additionalData && Object.keys(m.additionalData).length > 0;
  return (
    <li className={`msg msg-${m.sender}`} data-testid="message">
      <div className="bubble">
        <div className="msg-text">{m.text}</div>
        {showRationale && m.sender === 'assistant' && m.rationale && (
          <div className="msg-rationale" data-testid="rationale">
            <span className="msg-rationale-label">Rationale</span> {m.rationale}
          </div>
        )}
        {showRationale && hasData && (
          <details className="msg-data">
            <summary>Additional data</summary>
            <JsonView value={m.additionalData!} moneyKeys />
          </details>
        )}
      </div>
      <div className="msg-meta">
        <span>{m.sender === 'customer' ? 'Customer' : 'Assistant'}</span>
        <time dateTime={m.at} title={formatDateTime(m.at)}>
          {formatTime(m.at)}
        </time>
        {showRationale && m.answerInputType && (
          <span className="tag" title={m.answerInputType} data-testid="answer-type">
            {codeLabel(m.answerInputType)}
          </span>
        )}
        {showRationale && m.seq !== null && <span className="muted">#{m.seq}</span>}
        {m.endConversation && <span className="tag tag-danger">Ended the conversation</span>}
      </div>
    </li>
  );
});

/**
 * The chat transcript. Follows new messages while the reader is at the bottom; once
 * they scroll up it stays put and offers a "New messages" pill that jumps down.
 */
export function Transcript({ messages }: { messages: Message[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const seen = useRef(messages.length);
  const [unseen, setUnseen] = useState(0);
  // Rationale, answer types, sequence numbers and additional data are for digging in;
  // reading the conversation needs only the words.
  const [showRationale, setShowRationale] = useState(false);

  const toBottom = () => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  useLayoutEffect(() => {
    const added = messages.length - seen.current;
    seen.current = messages.length;
    if (pinned.current) toBottom();
    else if (added > 0) setUnseen((u) => u + added);
  }, [messages]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= PIN_SLACK_PX;
    pinned.current = atBottom;
    if (atBottom) setUnseen(0);
  };

  const jump = () => {
    pinned.current = true;
    setUnseen(0);
    toBottom();
  };

  return (
    <section className="transcript" aria-label="Transcript">
      <div className="transcript-bar">
        <span className="muted small">{messages.length} messages</span>
        <label className="toggle small">
          <input type="checkbox" checked={showRationale} onChange={(e) => setShowRationale(e.target.checked)} />
          Show rationale and details
        </label>
      </div>
      <div className="transcript-scroll" ref={ref} onScroll={onScroll} data-testid="transcript-scroll">
        {messages.length === 0 ? (
          <div className="muted transcript-empty">No messages yet. New messages appear here live.</div>
        ) : (
          <ol className="messages">
            {messages.map((m) => (
              <Bubble key={m.streamId} m={m} showRationale={showRationale} />
            ))}
          </ol>
        )}
      </div>
      {unseen > 0 && (
        <button type="button" className="new-pill" onClick={jump}>
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      )}
    </section>
  );
}
