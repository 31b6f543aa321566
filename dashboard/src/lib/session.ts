import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../api/client';
import type { Me } from '../api/types';

export interface Session {
  client: ApiClient;
  me: Me;
  /** True for read-write keys: every write control is rendered only when this is true. */
  canWrite: boolean;
  refreshSeconds: number;
  signOut: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
