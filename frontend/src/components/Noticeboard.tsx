import { useState } from 'react';
import type { NoticeboardTopic, Post } from '../api/types';
import { formatDateTime, noticeName } from '../domain/format';

/** One post: time and finished flag; its agent only when it is not the topic's. */
function PostView({ post, topicAgent }: { post: Post; topicAgent: string | null }) {
  const agent = noticeName(post.agent).agent;
  return (
    <div className="notice-post">
      <div className="notice-meta">
        {agent && agent !== topicAgent && <span className="notice-agent">{agent}</span>}
        <span className="muted small">{formatDateTime(post.at)}</span>
        {post.agentFinished && <span className="tag tag-done">finished</span>}
      </div>
      <div className="notice-text">{post.text}</div>
    </div>
  );
}

export function NoticeboardTopicPanel({ topic }: { topic: NoticeboardTopic }) {
  const [open, setOpen] = useState(false);
  const n = topic.earlier.length;
  // The topic may arrive as "agent::Topic"; the latest post names the agent.
  const title = noticeName(topic.topic).topic;
  const agent = noticeName(topic.latest.agent).agent ?? noticeName(topic.topic).agent;
  return (
    <section className="notice" data-testid="notice-topic" aria-label={`Noticeboard: ${title}`}>
      <header className="notice-head">
        <span className="notice-pin" aria-hidden="true">
          📌
        </span>
        <h4 className="notice-topic">{title}</h4>
        {agent && (
          <span className="notice-by" data-testid="notice-agent">
            {agent}
          </span>
        )}
      </header>
      <PostView post={topic.latest} topicAgent={agent} />
      {n > 0 && (
        <>
          <button type="button" className="link-btn" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide earlier versions' : n === 1 ? '1 earlier version' : `${n} earlier versions`}
          </button>
          {open && (
            <ol className="notice-earlier" aria-label="Earlier versions">
              {topic.earlier.map((p, i) => (
                <li key={i}>
                  <PostView post={p} topicAgent={agent} />
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

export function Noticeboard({ topics }: { topics: NoticeboardTopic[] }) {
  return (
    <div className="noticeboard">
      <h3 className="group-title">Noticeboard</h3>
      {topics.length === 0 ? (
        <div className="muted small notice-empty">No noticeboard posts yet.</div>
      ) : (
        topics.map((t) => <NoticeboardTopicPanel key={t.topic} topic={t} />)
      )}
    </div>
  );
}
