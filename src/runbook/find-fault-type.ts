import type { FaultType, RunbookPack } from './pack-schema.js';

const TYPE_NUMBER = /^(?:type|t)?\s*[-_#]?\s*(\d{1,2})$/;

/** Finds the fault type a person means by `2`, `t2`, `Type 2`, its emoji or an alias such as `db` or `디비`. */
export function findFaultType(pack: RunbookPack, token: string): FaultType | undefined {
  const key = normaliseFaultToken(token);
  if (key === '') return undefined;
  const id = faultTypeNumber(key);
  if (id !== undefined) return pack.types.find((type) => type.id === id);
  return pack.types.find((type) => type.emoji === key || type.aliases.some((alias) => normaliseFaultToken(alias) === key));
}

/** The form tokens and aliases are compared in: NFC, trimmed, lower case. */
export function normaliseFaultToken(token: string): string {
  return token.normalize('NFC').trim().toLowerCase();
}

/** The type number in a normalised token such as `2`, `t2`, `type2` or `type 2`; undefined for anything else. */
export function faultTypeNumber(normalisedToken: string): number | undefined {
  const match = TYPE_NUMBER.exec(normalisedToken);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
