-- The "Needs attention" view's facts (package supervisor, NeedsAttention), kept up to
-- date as the read models are written instead of parsed out of three JSON documents
-- per conversation on every call (0.8 s at 100,000 conversations; docs/performance.md).
-- Triggers maintain them, so whatever writes the read models (the writer, a replay, a
-- migration's data step) keeps them right, and the backend projector, which never
-- applies this set, pays nothing. A document is parsed at most once per write, by one
-- json_extract of several paths (a JSON array the ->> operators then index), and a
-- conversation's only when it holds assessments of its own: its last sender is its
-- last message's (the last in stream order, as the reducer's lastMessage; the writer
-- inserts a batch's messages before their conversations).
--
-- attention_applications and attention_customers hold the facts of one application or
-- customer; attention_facts holds one row per conversation with its own facts and a
-- copy of its application's and customer's, so the view reads one narrow table. Only
-- the facts are stored: the rules (AttentionReasons) still decide at read time, since
-- waiting, silence and expiry depend on the clock.
CREATE TABLE IF NOT EXISTS attention_applications (
    number         TEXT PRIMARY KEY,
    fraud          TEXT NOT NULL,
    identity       TEXT NOT NULL,
    sanctions      TEXT NOT NULL,
    pep            TEXT NOT NULL,
    step           TEXT NOT NULL,
    stage          TEXT NOT NULL,
    offer_accepted INTEGER NOT NULL
) WITHOUT ROWID;

-- documents: [[type, expiry date], ...] of the identity documents that have an expiry
-- date; earliest_expiry: the earliest of those dates. Like the dates in the documents
-- it has no type (no affinity), so it compares with today as they do.
CREATE TABLE IF NOT EXISTS attention_customers (
    id              TEXT PRIMARY KEY,
    documents       TEXT NOT NULL,
    earliest_expiry
) WITHOUT ROWID;

-- c_*: the assessments the conversation holds itself (before it knew its application
-- number); the application's win over them (NeedsAttention).
CREATE TABLE IF NOT EXISTS attention_facts (
    id                 TEXT PRIMARY KEY,
    application_number TEXT NOT NULL,
    customer_id        TEXT NOT NULL,
    last_activity_at   INTEGER NOT NULL,
    last_message_at    INTEGER,
    decision           TEXT NOT NULL,
    ended              INTEGER NOT NULL,
    last_sender        TEXT NOT NULL,
    c_fraud            TEXT NOT NULL,
    c_identity         TEXT NOT NULL,
    c_sanctions        TEXT NOT NULL,
    c_pep              TEXT NOT NULL,
    fraud              TEXT NOT NULL DEFAULT '',
    identity           TEXT NOT NULL DEFAULT '',
    sanctions          TEXT NOT NULL DEFAULT '',
    pep                TEXT NOT NULL DEFAULT '',
    step               TEXT NOT NULL DEFAULT '',
    stage              TEXT NOT NULL DEFAULT '',
    offer_accepted     INTEGER NOT NULL DEFAULT 0,
    earliest_expiry,
    -- candidate: a rule could flag the conversation, now or as time passes, but for an
    -- expired document (that one depends on the day: attention_expiry). It is wider
    -- than the rules, never narrower (any assessment that is not a plain pass; an open
    -- conversation whose customer spoke last, which may come to wait too long, or that
    -- sits at an unaccepted offer after the assistant spoke, which may fall silent);
    -- TestAttentionFactsMatchTheDocuments holds it to AttentionReasons. An open
    -- conversation waiting on its customer, about half of a busy day's, is none.
    candidate          INTEGER GENERATED ALWAYS AS (
        (upper(decision) NOT IN ('APPROVED', 'DECLINED', 'WITHDRAWN') AND NOT ended AND (
            last_sender = 'customer'
            OR (last_sender = 'assistant' AND NOT offer_accepted
                AND (upper(step) = 'PRODUCT_OFFER' OR upper(stage) = 'OFFER'))))
        OR upper(decision) IN ('DECLINED', 'WITHDRAWN')
        OR (ended AND last_sender = 'customer' AND upper(decision) != 'APPROVED')
        OR upper(fraud) NOT IN ('', 'LOW_RISK', 'CLEAR', 'PASS') OR upper(c_fraud) NOT IN ('', 'LOW_RISK', 'CLEAR', 'PASS')
        OR upper(identity) NOT IN ('', 'PASS') OR upper(c_identity) NOT IN ('', 'PASS')
        OR upper(sanctions) NOT IN ('', 'CLEAR') OR upper(c_sanctions) NOT IN ('', 'CLEAR')
        OR upper(pep) = 'PEP' OR upper(c_pep) = 'PEP') VIRTUAL
);
-- The view reads the window's candidates, and the window's conversations whose
-- customer has a document past its expiry: two small range scans instead of the window.
CREATE INDEX IF NOT EXISTS attention_candidates ON attention_facts (last_activity_at) WHERE candidate;
-- (Not on the activity time too: every message would move the entry.)
CREATE INDEX IF NOT EXISTS attention_expiry ON attention_facts (earliest_expiry) WHERE earliest_expiry IS NOT NULL;
-- An application's or customer's write copies its facts to its conversations.
CREATE INDEX IF NOT EXISTS attention_facts_application ON attention_facts (application_number);
CREATE INDEX IF NOT EXISTS attention_facts_customer ON attention_facts (customer_id);

DROP TRIGGER IF EXISTS attention_application_insert;
CREATE TRIGGER attention_application_insert AFTER INSERT ON applications BEGIN
    INSERT INTO attention_applications (number, fraud, identity, sanctions, pep, step, stage, offer_accepted)
    SELECT new.number, coalesce(j ->> 0, ''), coalesce(j ->> 1, ''), coalesce(j ->> 2, ''), coalesce(j ->> 3, ''),
        coalesce(j ->> 4, ''), coalesce(j ->> 5, ''), (j ->> 6) IS 1
    FROM (SELECT json_extract(new.doc, '$.assessments.fraudCheck.value.result',
        '$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
        '$.assessments.identityRisk.value.pepResult', '$.detail.applicationProcess.currentProcessStep',
        '$.detail.applicationProcess.currentProcessStage', '$.detail.productOfferAcceptance') AS j)
    WHERE true
    ON CONFLICT (number) DO UPDATE SET fraud = excluded.fraud, identity = excluded.identity,
        sanctions = excluded.sanctions, pep = excluded.pep, step = excluded.step, stage = excluded.stage,
        offer_accepted = excluded.offer_accepted
    WHERE (fraud, identity, sanctions, pep, step, stage, offer_accepted) IS NOT (excluded.fraud, excluded.identity,
        excluded.sanctions, excluded.pep, excluded.step, excluded.stage, excluded.offer_accepted);
    UPDATE attention_facts SET fraud = a.fraud, identity = a.identity, sanctions = a.sanctions, pep = a.pep,
        step = a.step, stage = a.stage, offer_accepted = a.offer_accepted
    FROM attention_applications a
    WHERE a.number = new.number AND attention_facts.application_number = new.number
        AND (attention_facts.fraud, attention_facts.identity, attention_facts.sanctions, attention_facts.pep,
            attention_facts.step, attention_facts.stage, attention_facts.offer_accepted)
        IS NOT (a.fraud, a.identity, a.sanctions, a.pep, a.step, a.stage, a.offer_accepted);
END;

-- The writer's upsert sets doc on every write; an unchanged document is not parsed again.
-- The statement is the insert trigger's: each reads new.doc itself, since a view shared
-- by both (and the backfill) re-reads the row and cost the desktop's apply about 9 %
-- (BenchmarkApplyDesktop, four alternating rounds: ratio 0.72 against 0.79).
DROP TRIGGER IF EXISTS attention_application_update;
CREATE TRIGGER attention_application_update AFTER UPDATE OF doc ON applications
WHEN old.doc IS NOT new.doc BEGIN
    INSERT INTO attention_applications (number, fraud, identity, sanctions, pep, step, stage, offer_accepted)
    SELECT new.number, coalesce(j ->> 0, ''), coalesce(j ->> 1, ''), coalesce(j ->> 2, ''), coalesce(j ->> 3, ''),
        coalesce(j ->> 4, ''), coalesce(j ->> 5, ''), (j ->> 6) IS 1
    FROM (SELECT json_extract(new.doc, '$.assessments.fraudCheck.value.result',
        '$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
        '$.assessments.identityRisk.value.pepResult', '$.detail.applicationProcess.currentProcessStep',
        '$.detail.applicationProcess.currentProcessStage', '$.detail.productOfferAcceptance') AS j)
    WHERE true
    ON CONFLICT (number) DO UPDATE SET fraud = excluded.fraud, identity = excluded.identity,
        sanctions = excluded.sanctions, pep = excluded.pep, step = excluded.step, stage = excluded.stage,
        offer_accepted = excluded.offer_accepted
    WHERE (fraud, identity, sanctions, pep, step, stage, offer_accepted) IS NOT (excluded.fraud, excluded.identity,
        excluded.sanctions, excluded.pep, excluded.step, excluded.stage, excluded.offer_accepted);
    UPDATE attention_facts SET fraud = a.fraud, identity = a.identity, sanctions = a.sanctions, pep = a.pep,
        step = a.step, stage = a.stage, offer_accepted = a.offer_accepted
    FROM attention_applications a
    WHERE a.number = new.number AND attention_facts.application_number = new.number
        AND (attention_facts.fraud, attention_facts.identity, attention_facts.sanctions, attention_facts.pep,
            attention_facts.step, attention_facts.stage, attention_facts.offer_accepted)
        IS NOT (a.fraud, a.identity, a.sanctions, a.pep, a.step, a.stage, a.offer_accepted);
END;

DROP TRIGGER IF EXISTS attention_customer_insert;
CREATE TRIGGER attention_customer_insert AFTER INSERT ON customers BEGIN
    INSERT INTO attention_customers (id, documents, earliest_expiry)
    SELECT new.id, json_group_array(json_array(d.value ->> 'document_type', d.value ->> 'expiry_date')),
        min(d.value ->> 'expiry_date')
    FROM json_each(new.doc, '$.documents') d WHERE d.value ->> 'expiry_date' IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET documents = excluded.documents, earliest_expiry = excluded.earliest_expiry
    WHERE (documents, earliest_expiry) IS NOT (excluded.documents, excluded.earliest_expiry);
    UPDATE attention_facts SET earliest_expiry = cu.earliest_expiry
    FROM attention_customers cu
    WHERE cu.id = new.id AND attention_facts.customer_id = new.id
        AND attention_facts.earliest_expiry IS NOT cu.earliest_expiry;
END;

DROP TRIGGER IF EXISTS attention_customer_update;
CREATE TRIGGER attention_customer_update AFTER UPDATE OF doc ON customers
WHEN old.doc IS NOT new.doc BEGIN
    INSERT INTO attention_customers (id, documents, earliest_expiry)
    SELECT new.id, json_group_array(json_array(d.value ->> 'document_type', d.value ->> 'expiry_date')),
        min(d.value ->> 'expiry_date')
    FROM json_each(new.doc, '$.documents') d WHERE d.value ->> 'expiry_date' IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET documents = excluded.documents, earliest_expiry = excluded.earliest_expiry
    WHERE (documents, earliest_expiry) IS NOT (excluded.documents, excluded.earliest_expiry);
    UPDATE attention_facts SET earliest_expiry = cu.earliest_expiry
    FROM attention_customers cu
    WHERE cu.id = new.id AND attention_facts.customer_id = new.id
        AND attention_facts.earliest_expiry IS NOT cu.earliest_expiry;
END;

DROP TRIGGER IF EXISTS attention_conversation_insert;
CREATE TRIGGER attention_conversation_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO attention_facts (id, application_number, customer_id, last_activity_at, last_message_at, decision,
        ended, last_sender, c_fraud, c_identity, c_sanctions, c_pep,
        fraud, identity, sanctions, pep, step, stage, offer_accepted, earliest_expiry)
    SELECT new.id, new.application_number, new.customer_id, new.last_activity_at, new.last_message_at,
        new.decision, new.ended_at IS NOT NULL,
        coalesce((SELECT sender FROM messages WHERE id = new.last_message), ''),
        coalesce(j ->> 0, ''), coalesce(j ->> 1, ''), coalesce(j ->> 2, ''), coalesce(j ->> 3, ''),
        coalesce(a.fraud, ''), coalesce(a.identity, ''), coalesce(a.sanctions, ''), coalesce(a.pep, ''),
        coalesce(a.step, ''), coalesce(a.stage, ''), coalesce(a.offer_accepted, 0), cu.earliest_expiry
    FROM (SELECT CASE WHEN instr(new.doc, '"assessments"') THEN json_extract(new.doc,
        '$.assessments.fraudCheck.value.result', '$.assessments.identityRisk.value.decision',
        '$.assessments.identityRisk.value.sanctionsResult', '$.assessments.identityRisk.value.pepResult') END AS j)
    LEFT JOIN attention_applications a ON a.number = new.application_number AND new.application_number != ''
    LEFT JOIN attention_customers cu ON cu.id = new.customer_id AND new.customer_id != ''
    WHERE true
    ON CONFLICT (id) DO UPDATE SET application_number = excluded.application_number,
        customer_id = excluded.customer_id, last_activity_at = excluded.last_activity_at,
        last_message_at = excluded.last_message_at, decision = excluded.decision, ended = excluded.ended,
        last_sender = excluded.last_sender, c_fraud = excluded.c_fraud, c_identity = excluded.c_identity,
        c_sanctions = excluded.c_sanctions, c_pep = excluded.c_pep, fraud = excluded.fraud,
        identity = excluded.identity, sanctions = excluded.sanctions, pep = excluded.pep, step = excluded.step,
        stage = excluded.stage, offer_accepted = excluded.offer_accepted, earliest_expiry = excluded.earliest_expiry;
END;

-- A write of the conversation sets only the columns it decides, so the indexes on the
-- others are left alone; not on the span columns (first_pos, first_message, ...),
-- which say nothing here.
DROP TRIGGER IF EXISTS attention_conversation_update;
CREATE TRIGGER attention_conversation_update AFTER UPDATE OF doc, last_activity_at, last_message_at, ended_at,
    decision, last_message ON conversations BEGIN
    UPDATE attention_facts SET last_activity_at = new.last_activity_at, last_message_at = new.last_message_at,
        decision = new.decision, ended = new.ended_at IS NOT NULL,
        last_sender = coalesce((SELECT sender FROM messages WHERE id = new.last_message), '')
    WHERE id = new.id;
    UPDATE attention_facts SET c_fraud = coalesce(j ->> 0, ''), c_identity = coalesce(j ->> 1, ''),
        c_sanctions = coalesce(j ->> 2, ''), c_pep = coalesce(j ->> 3, '')
    FROM (SELECT json_extract(new.doc, '$.assessments.fraudCheck.value.result',
        '$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
        '$.assessments.identityRisk.value.pepResult') AS j)
    WHERE id = new.id AND (instr(new.doc, '"assessments"') OR (c_fraud, c_identity, c_sanctions, c_pep) != ('', '', '', ''));
END;

-- A conversation that learns (or changes) its application or customer takes a copy of
-- their facts.
DROP TRIGGER IF EXISTS attention_conversation_relink;
CREATE TRIGGER attention_conversation_relink AFTER UPDATE OF customer_id, application_number ON conversations
WHEN old.customer_id IS NOT new.customer_id OR old.application_number IS NOT new.application_number BEGIN
    UPDATE attention_facts SET application_number = new.application_number, customer_id = new.customer_id,
        fraud = coalesce(x.fraud, ''), identity = coalesce(x.identity, ''), sanctions = coalesce(x.sanctions, ''),
        pep = coalesce(x.pep, ''), step = coalesce(x.step, ''), stage = coalesce(x.stage, ''),
        offer_accepted = coalesce(x.offer_accepted, 0), earliest_expiry = x.earliest_expiry
    FROM (SELECT a.fraud, a.identity, a.sanctions, a.pep, a.step, a.stage, a.offer_accepted, cu.earliest_expiry
        FROM (SELECT 1)
        LEFT JOIN attention_applications a ON a.number = new.application_number AND new.application_number != ''
        LEFT JOIN attention_customers cu ON cu.id = new.customer_id AND new.customer_id != '') AS x
    WHERE id = new.id;
END;

-- A conversation, application or customer removed (a replay writes its records anew)
-- takes its facts with it.
DROP TRIGGER IF EXISTS attention_conversation_delete;
CREATE TRIGGER attention_conversation_delete AFTER DELETE ON conversations BEGIN
    DELETE FROM attention_facts WHERE id = old.id;
END;
DROP TRIGGER IF EXISTS attention_application_delete;
CREATE TRIGGER attention_application_delete AFTER DELETE ON applications BEGIN
    DELETE FROM attention_applications WHERE number = old.number;
    UPDATE attention_facts SET fraud = '', identity = '', sanctions = '', pep = '', step = '', stage = '',
        offer_accepted = 0
    WHERE application_number = old.number;
END;
DROP TRIGGER IF EXISTS attention_customer_delete;
CREATE TRIGGER attention_customer_delete AFTER DELETE ON customers BEGIN
    DELETE FROM attention_customers WHERE id = old.id;
    UPDATE attention_facts SET earliest_expiry = NULL WHERE customer_id = old.id;
END;

-- The cache's existing records: applications and customers first, then the
-- conversations with their copies. Like the rest of the set, this file may run again
-- on a cache whose set lost its version (migrate_test.go): the triggers are made
-- anew and the facts computed again.
INSERT OR REPLACE INTO attention_applications (number, fraud, identity, sanctions, pep, step, stage, offer_accepted)
SELECT number, coalesce(j ->> 0, ''), coalesce(j ->> 1, ''), coalesce(j ->> 2, ''), coalesce(j ->> 3, ''),
    coalesce(j ->> 4, ''), coalesce(j ->> 5, ''), (j ->> 6) IS 1
FROM (SELECT number, json_extract(doc, '$.assessments.fraudCheck.value.result',
    '$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
    '$.assessments.identityRisk.value.pepResult', '$.detail.applicationProcess.currentProcessStep',
    '$.detail.applicationProcess.currentProcessStage', '$.detail.productOfferAcceptance') AS j FROM applications);

INSERT OR REPLACE INTO attention_customers (id, documents, earliest_expiry)
SELECT cu.id, json_group_array(json_array(d.value ->> 'document_type', d.value ->> 'expiry_date')),
    min(d.value ->> 'expiry_date')
FROM customers cu, json_each(cu.doc, '$.documents') d WHERE d.value ->> 'expiry_date' IS NOT NULL
GROUP BY cu.id;

INSERT OR REPLACE INTO attention_facts (id, application_number, customer_id, last_activity_at, last_message_at, decision,
    ended, last_sender, c_fraud, c_identity, c_sanctions, c_pep,
    fraud, identity, sanctions, pep, step, stage, offer_accepted, earliest_expiry)
SELECT c.id, c.application_number, c.customer_id, c.last_activity_at, c.last_message_at,
    c.decision, c.ended_at IS NOT NULL, coalesce((SELECT sender FROM messages WHERE id = c.last_message), ''),
    coalesce(c.j ->> 0, ''), coalesce(c.j ->> 1, ''), coalesce(c.j ->> 2, ''), coalesce(c.j ->> 3, ''),
    coalesce(a.fraud, ''), coalesce(a.identity, ''), coalesce(a.sanctions, ''), coalesce(a.pep, ''),
    coalesce(a.step, ''), coalesce(a.stage, ''), coalesce(a.offer_accepted, 0), cu.earliest_expiry
FROM (SELECT id, application_number, customer_id, last_activity_at, last_message_at, decision, ended_at, last_message,
    CASE WHEN instr(doc, '"assessments"') THEN json_extract(doc, '$.assessments.fraudCheck.value.result',
        '$.assessments.identityRisk.value.decision', '$.assessments.identityRisk.value.sanctionsResult',
        '$.assessments.identityRisk.value.pepResult') END AS j FROM conversations) c
LEFT JOIN attention_applications a ON a.number = c.application_number AND c.application_number != ''
LEFT JOIN attention_customers cu ON cu.id = c.customer_id AND c.customer_id != '';
