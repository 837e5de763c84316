import { initials } from '../domain/format';

/** Initials in a circle; the hue is stable per name. */
export function Avatar({ name, size = 36 }: { name: string | null; size?: number }) {
  let h = 0;
  for (const ch of name ?? '') h = (h * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${h} 45% 88%)`, color: `hsl(${h} 45% 28%)` }}
    >
      {initials(name)}
    </span>
  );
}
