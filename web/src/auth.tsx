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

let afterSignIn: string | null = null;
/** Where to go once the next sign-in completes (e.g. Integrations after first-run setup). */
export function setAfterSignIn(path: string): void {
  afterSignIn = path;
}
/** Read and forget the destination set by setAfterSignIn. */
export function takeAfterSignIn(): string | null {
  const p = afterSignIn;
  afterSignIn = null;
  return p;
}

let signingOut = false;
/** Set while logging out, so the signed-in shell doesn't bounce /login back to the home page. */
export function setSigningOut(value: boolean): void {
  signingOut = value;
}
export function isSigningOut(): boolean {
  return signingOut;
}
