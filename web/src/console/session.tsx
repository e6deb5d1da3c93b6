import { createContext, useContext } from 'react';
import type { Role, SessionInfo } from '../api';

export const SessionCtx = createContext<SessionInfo | null>(null);
export function useSession(): SessionInfo {
  const s = useContext(SessionCtx);
  if (!s) throw new Error('no session');
  return s;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, editor: 2, admin: 3 };
/** Does `role` have at least the rights of `need`? (admin > editor > operator > viewer) */
export function atLeast(role: Role | string | undefined, need: Role): boolean {
  const r = RANK[role as Role];
  return r !== undefined && r >= RANK[need];
}
