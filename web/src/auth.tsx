import { createContext, useContext } from 'react';
import type { User } from './api.js';

export const UserContext = createContext<User | null>(null);

/** The signed-in user (only inside the authenticated shell). */
export function useUser(): User {
  const user = useContext(UserContext);
  if (user === null) throw new Error('useUser outside the signed-in app');
  return user;
}

export function useIsAdmin(): boolean {
  return useUser().role === 'admin';
}
