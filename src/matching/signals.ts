/**
 * Signals beyond names (matching.md §4): registrable domains and phone numbers.
 * A small built-in public-suffix subset and free-mail list; no I/O.
 */

/** Second-level public suffixes (and hosting suffixes) under which the registrable domain has 3 labels. */
const MULTI_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'net.uk', 'sch.uk', 'nhs.uk', 'police.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au', 'asn.au', 'id.au',
  'co.nz', 'org.nz', 'net.nz', 'govt.nz', 'school.nz', 'ac.nz', 'geek.nz',
  'co.za', 'org.za', 'web.za', 'com.br', 'net.br', 'org.br', 'com.mx', 'org.mx', 'gob.mx',
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'co.in', 'net.in', 'org.in', 'firm.in', 'gen.in',
  'com.sg', 'org.sg', 'edu.sg', 'com.my', 'org.my', 'com.cn', 'com.hk', 'org.hk', 'com.tw', 'co.kr', 'or.kr',
  'co.il', 'org.il', 'com.tr', 'com.ar', 'com.co', 'co.id', 'com.ph', 'com.pk', 'com.ng', 'co.ke', 'com.eg',
  'com.sa', 'co.th', 'com.vn', 'com.pe', 'com.ec', 'com.uy', 'com.py', 'co.ve', 'com.gt', 'co.cr', 'com.do',
  'gc.ca', 'qc.ca', 'on.ca', 'bc.ca', 'ab.ca', 'com.pl', 'com.es', 'com.pt', 'co.at', 'or.at', 'co.ie', 'gov.ie',
  // hosting suffixes where each customer has its own subdomain
  'onmicrosoft.com', 'sharepoint.com', 'myshopify.com', 'wixsite.com', 'squarespace.com', 'wordpress.com',
  'blogspot.com', 'herokuapp.com', 'azurewebsites.net', 'github.io', 'netlify.app', 'vercel.app', 'godaddysites.com',
  'business.site', 'weebly.com', 'square.site',
]);

/** Free-mail and consumer ISP domains: never evidence that two companies are the same. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de',
  'live.com', 'live.co.uk', 'live.ca', 'msn.com', 'passport.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.ca',
  'yahoo.com.au', 'yahoo.fr', 'yahoo.de', 'ymail.com', 'rocketmail.com', 'aol.com', 'aim.com', 'icloud.com',
  'me.com', 'mac.com', 'protonmail.com', 'proton.me', 'pm.me', 'gmx.com', 'gmx.net', 'gmx.de', 'web.de',
  'mail.com', 'email.com', 'zoho.com', 'zohomail.com', 'yandex.com', 'yandex.ru', 'mail.ru', 'comcast.net',
  'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net', 'spectrum.net',
  'earthlink.net', 'optonline.net', 'frontier.com', 'frontiernet.net', 'windstream.net', 'centurylink.net',
  'embarqmail.com', 'roadrunner.com', 'rr.com', 'juno.com', 'netzero.net', 'btinternet.com', 'sky.com',
  'virginmedia.com', 'talktalk.net', 'ntlworld.com', 'bigpond.com', 'bigpond.net.au', 'optusnet.com.au',
  'iinet.net.au', 'xtra.co.nz', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'telus.net', 'videotron.ca',
  'orange.fr', 'free.fr', 'wanadoo.fr', 'laposte.net', 'sfr.fr', 't-online.de', 'freenet.de', 'libero.it',
  'qq.com', '163.com', '126.com', 'naver.com', 'fastmail.com', 'hey.com', 'tutanota.com', 'hushmail.com',
  'inbox.com', 'onmicrosoft.com', 'example.com', 'example.org', 'example.net',
]);


/**
 * The registrable domain ("contoso.com", "contoso.co.uk") of a URL, host name or e-mail address;
 * null when it doesn't look like one.
 */
export function registrableDomain(raw: string | null | undefined): string | null {
  if (!raw) return null;
  // host part of an e-mail address, URL or bare host name, without regular expressions
  let start = 0;
  const at = raw.lastIndexOf('@');
  if (at >= 0) start = at + 1;
  else {
    const scheme = raw.indexOf('://');
    if (scheme >= 0) start = scheme + 3;
  }
  while (start < raw.length && raw.charCodeAt(start) <= 32) start++;
  let end = start;
  let upper = false;
  for (; end < raw.length; end++) {
    const c = raw.charCodeAt(end);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46) continue;
    if (c >= 65 && c <= 90) {
      upper = true;
      continue;
    }
    if (c === 47 || c === 63 || c === 35 || c === 58 || c <= 32) break; // / ? # : space
    return null; // anything else: not a host name
  }
  let s = start === 0 && end === raw.length ? raw : raw.slice(start, end);
  if (upper) s = s.toLowerCase();
  while (s.endsWith('.')) s = s.slice(0, -1);
  while (s.startsWith('.')) s = s.slice(1);
  if (!s || s.includes('..')) return null;
  const last = s.lastIndexOf('.');
  if (last <= 0) return null;
  const tld = s.slice(last + 1);
  if (!/^[a-z]{2,}$|^xn--[a-z0-9-]+$/.test(tld)) return null;
  const second = s.lastIndexOf('.', last - 1);
  const last2 = second < 0 ? s : s.slice(second + 1);
  let take = 2;
  if (MULTI_SUFFIXES.has(last2)) take = 3;
  else if (tld === 'us' && second > 0 && last - second - 1 === 2) {
    // locality domains: springfield.k12.il.us, ci.austin.tx.us
    take = 3;
    const labels = s.split('.');
    if (labels.length >= 4 && ['k12', 'ci', 'co', 'lib', 'cc', 'pvt', 'tec'].includes(labels[labels.length - 3])) take = 4;
  }
  if (take === 2) return last2;
  let from = second;
  for (let k = 2; k < take; k++) {
    if (from <= 0) return null;
    from = s.lastIndexOf('.', from - 1);
  }
  if (from < 0 && take > 2) {
    // exactly `take` labels?
    const count = s.split('.').length;
    return count >= take ? s : null;
  }
  return s.slice(from + 1);
}

function mayHaveExtension(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32; // ASCII lower case ('#' | 32 is still '#')
    if (c === 101 || c === 120 || c === 35) return true; // e, x, #
  }
  return false;
}

/**
 * Digits-normalized phone number: extension cut, leading international "00" dropped, compared on its
 * last 10 digits (so "+1 555 123 4567" = "555-123-4567", "+44 20 7946 0000" = "020 7946 0000").
 * Null for too short or obviously fake numbers.
 */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw;
  // an extension needs an 'e', an 'x' or a '#': most numbers have none, and skip the search
  if (mayHaveExtension(s)) {
    const ext = s.search(/(?:ext\.?|extension|x|#)\s*\d+\s*$/i);
    if (ext > 0) s = s.slice(0, ext);
  }
  let digits = s.replace(/\D+/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.length < 7) return null;
  if (digits.length > 10) digits = digits.slice(-10);
  let distinct = 0;
  let seen = 0; // bit d: digit d seen
  for (let i = 0; i < digits.length; i++) {
    const bit = 1 << (digits.charCodeAt(i) - 48);
    if ((seen & bit) === 0) {
      seen |= bit;
      distinct++;
    }
  }
  if (distinct <= 2) return null;
  if (digits.endsWith('1234567890') || digits.endsWith('0123456789')) return null;
  return digits;
}
