// A small History API router: current path, navigate(), <Link>, and navigation blockers
// (used to warn before leaving a page with unsaved changes).
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

type Listener = () => void;
const listeners = new Set<Listener>();
const blockers = new Map<number, string>();
let nextBlockerId = 1;
let lastLocation = currentLocation();

/** True when no page has unsaved changes, or the user agrees to drop them. */
export function canLeave(): boolean {
  return confirmLeave();
}

function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

function emit(): void {
  lastLocation = currentLocation();
  for (const l of listeners) l();
}

function confirmLeave(): boolean {
  if (blockers.size === 0) return true;
  const message = [...blockers.values()][0];
  return window.confirm(message);
}

window.addEventListener('popstate', () => {
  if (blockers.size > 0 && currentLocation() !== lastLocation) {
    if (!confirmLeave()) {
      // Put the previous address back; the page never changed.
      window.history.pushState(null, '', lastLocation);
      return;
    }
  }
  emit();
});

export interface NavigateOptions {
  replace?: boolean;
  /** Skip unsaved-change confirmation (e.g. after saving). */
  force?: boolean;
}

export function navigate(to: string, opts: NavigateOptions = {}): boolean {
  if (to === currentLocation()) return true;
  if (opts.force !== true && !confirmLeave()) return false;
  if (opts.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  emit();
  return true;
}

function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useLocation(): { pathname: string; search: URLSearchParams } {
  const loc = useSyncExternalStore(subscribe, () => lastLocation);
  const url = new URL(loc, window.location.origin);
  return { pathname: url.pathname.replace(/\/+$/, '') || '/', search: url.searchParams };
}

/** Match `/companies/:id` style patterns; returns params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = pathname.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** While `when` is true, leaving the page (in-app or closing the tab) asks for confirmation. */
export function useBlocker(when: boolean, message: string): void {
  useEffect(() => {
    if (!when) return;
    const id = nextBlockerId++;
    blockers.set(id, message);
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = message;
      return message;
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      blockers.delete(id);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [when, message]);
}

/** Handle a click on an <a href> as in-app navigation (keeps modifier-clicks working). */
export function onLinkClick(e: MouseEvent<HTMLElement>, to: string): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(to);
}

export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      href={to}
      onClick={(e) => {
        onClick?.(e);
        onLinkClick(e, to);
      }}
      {...rest}
    />
  );
}
