import type { Address, CustomerProfile } from '../api/types';
import { customerName, formatDate, humaniseValue, yesNo } from '../domain/format';
import { Fields } from './Panel';

function AddressView({ address }: { address: Address | null }) {
  if (!address || !address.formatted) return <>—</>;
  return <span className="address">{address.formatted}</span>;
}

/** Title and every given name when known, else the display or preferred name, else customerName's fallback. */
export function fullName(p: CustomerProfile): string {
  const parts = [p.title, p.firstName, p.middleName, p.lastName]
    .map((x) => x?.trim() ?? '')
    .filter((x) => x !== '');
  if (parts.length > (p.title?.trim() ? 1 : 0)) return parts.join(' ');
  return customerName(p.name?.trim() || p.preferredName);
}

export function CustomerContact({ profile: p }: { profile: CustomerProfile }) {
  return (
    <Fields
      rows={[
        ['Full name', fullName(p)],
        ['Preferred name', p.preferredName],
        ['Customer ID', <code key="id">{p.id}</code>],
        ['Email', p.email],
        ['Mobile', p.mobile],
        ['Date of birth', p.dateOfBirth ? formatDate(p.dateOfBirth) : null],
        ['Residential address', <AddressView key="r" address={p.residentialAddress} />],
        ['Mailing address', <AddressView key="m" address={p.mailingAddress} />],
      ]}
    />
  );
}

export function CustomerFlagsView({ profile: p }: { profile: CustomerProfile }) {
  return (
    <Fields
      rows={[
        ['eKYC status', p.ekycStatus ? humaniseValue(p.ekycStatus) : null],
        ['Individual status', p.individualStatus ? humaniseValue(p.individualStatus) : null],
        ['Staff', yesNo(p.flags.staff)],
        ['Investor', yesNo(p.flags.investor)],
        ['Founder', yesNo(p.flags.founder)],
      ]}
    />
  );
}
