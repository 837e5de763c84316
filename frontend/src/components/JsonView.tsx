/**
 * Renders free-form producer data for reading: labelled fields with humanised keys,
 * nested objects as indented sections, lists as chips or numbered entries, booleans as
 * Yes/No, numbers and dates formatted. Never a raw JSON dump. With `moneyKeys`, numbers
 * under a key that names an amount of money (see isMoneyKey) are shown as AUD.
 */
import type { JsonObject, JsonValue } from '../api/types';
import { codeMeaning, isKnownCode } from '../domain/codes';
import { DASH, formatAud, formatDays, formatMaybeDate, formatNumber, humanise, isDaysKey, isMoneyKey } from '../domain/format';

function isObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isScalar(v: JsonValue): boolean {
  return v === null || typeof v !== 'object';
}

/** How values are shown: `money` for the value of a money key, `moneyKeys` to look for them. */
interface Opts {
  moneyKeys: boolean;
  money: boolean;
  days?: boolean;
}

const PLAIN: Opts = { moneyKeys: false, money: false };

/** A producer code (PASS, LOW_RISK, yes_no), as opposed to free text ("Car registration", "yes"). */
const CODE_LIKE = /^[A-Za-z]+(?:[_-][A-Za-z]+)*$/;

function isCode(s: string): boolean {
  const t = s.trim();
  return CODE_LIKE.test(t) && (t === t.toUpperCase() || t.includes('_')) && isKnownCode(t);
}

export function Scalar({ value, money = false, days = false }: { value: JsonValue; money?: boolean; days?: boolean }) {
  if (value === null) return <span className="jv-null">{DASH}</span>;
  if (typeof value === 'boolean')
    return <span className={value ? 'jv-bool jv-yes' : 'jv-bool jv-no'}>{value ? 'Yes' : 'No'}</span>;
  if (typeof value === 'number')
    return money ? (
      <span className="jv-num jv-money">{formatAud(value)}</span>
    ) : days ? (
      <span className="jv-num">{formatDays(value)}</span>
    ) : (
      <span className="jv-num">{formatNumber(value)}</span>
    );
  if (typeof value === 'string') {
    if (value.trim() === '') return <span className="jv-null">{DASH}</span>;
    if (isCode(value)) {
      const m = codeMeaning(value);
      return (
        <span className={`jv-str code code-${m.tone}`} title={value}>
          {m.label}
        </span>
      );
    }
    return <span className="jv-str">{formatMaybeDate(value)}</span>;
  }
  return null;
}

function ListView({ items, depth, opts }: { items: JsonValue[]; depth: number; opts: Opts }) {
  if (items.length === 0) return <span className="jv-null">None</span>;
  if (items.every(isScalar)) {
    return (
      <ul className="jv-chips">
        {items.map((v, i) => (
          <li key={i}>
            <Scalar value={v} money={opts.money} days={opts.days} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <ol className="jv-list">
      {items.map((v, i) => (
        <li key={i}>
          <ValueView value={v} depth={depth + 1} opts={{ ...opts, money: false }} />
        </li>
      ))}
    </ol>
  );
}

function ValueView({ value, depth, opts }: { value: JsonValue; depth: number; opts: Opts }) {
  if (Array.isArray(value)) return <ListView items={value} depth={depth} opts={opts} />;
  if (isObject(value)) return <ObjectView obj={value} depth={depth} opts={opts} />;
  return <Scalar value={value} money={opts.money} days={opts.days} />;
}

function ObjectView({ obj, depth, opts }: { obj: JsonObject; depth: number; opts: Opts }) {
  const of = (k: string): Opts => ({
    moneyKeys: opts.moneyKeys,
    money: opts.moneyKeys && isMoneyKey(k),
    days: opts.moneyKeys && !isMoneyKey(k) && isDaysKey(k),
  });
  const keys = Object.keys(obj);
  if (keys.length === 0) return <span className="jv-null">No details</span>;
  // Scalars first as a compact field list, then nested sections.
  const flat = keys.filter((k) => isScalar(obj[k]) || (Array.isArray(obj[k]) && (obj[k] as JsonValue[]).every(isScalar)));
  const nested = keys.filter((k) => !flat.includes(k));
  return (
    <div className="jv-object" data-depth={depth}>
      {flat.length > 0 && (
        <dl className="fields">
          {flat.map((k) => (
            <div className="field" key={k}>
              <dt>{humanise(k)}</dt>
              <dd>
                <ValueView value={obj[k]} depth={depth} opts={of(k)} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {nested.map((k) => (
        <section className="jv-section" key={k}>
          <h4 className="jv-heading">{humanise(k)}</h4>
          <ValueView value={obj[k]} depth={depth + 1} opts={of(k)} />
        </section>
      ))}
    </div>
  );
}

export function JsonView({ value, moneyKeys = false }: { value: JsonValue; moneyKeys?: boolean }) {
  return (
    <div className="json-view">
      <ValueView value={value} depth={0} opts={moneyKeys ? { moneyKeys: true, money: false } : PLAIN} />
    </div>
  );
}
