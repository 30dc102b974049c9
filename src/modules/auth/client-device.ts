import { isIPv4, isIPv6 } from 'node:net';

/**
 * Coarse descriptions of a session's client for the devices list: enough for a person to tell
 * their sessions apart, not a fingerprint. No User-Agent library: a few well-known tokens, in
 * the order that disambiguates them (Edge and Opera also say Chrome, Chrome also says Safari).
 */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bCriOS\/|\bChrome\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone\b|\biPad\b|\biPod\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** "Chrome on Windows", "Safari on iOS", "Unknown browser on Unknown OS"… */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Unknown browser';
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Unknown OS';
  return `${browser} on ${system}`;
}

/** An IPv6 address as its 8 hextets (numbers), `::` and an embedded IPv4 tail expanded. */
function hextets(address: string): number[] {
  let text = address;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1].split('.').map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const missing = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...missing, ...right].map((part) => parseInt(part, 16));
}

/**
 * The client address cut to its network, for display and storage: IPv4 to its /24
 * (`203.0.113.x`), IPv6 to its /48 (`2001:db8:1::/48`); IPv4-mapped IPv6 counts as IPv4.
 * `undefined` for anything that is not an IP address.
 */
export function coarseIp(ip: string | null | undefined): string | undefined {
  if (!ip) return undefined;
  let address = ip.trim().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1];
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.x`;
  if (!isIPv6(address)) return undefined;
  const [a, b, c] = hextets(address.toLowerCase());
  return `${a.toString(16)}:${b.toString(16)}:${c.toString(16)}::/48`;
}
