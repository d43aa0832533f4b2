/**
 * What a browser does for cookie mode, for the library's tests in Node: a fetch with a cookie
 * jar (it keeps Set-Cookie, sends Cookie back, drops expired ones) and the page's Origin. It
 * records each request's headers, so tests can see what the library sent.
 */
export interface CookieBrowser {
  fetch: typeof fetch;
  cookies: Map<string, string>;
  sent: Array<{ path: string; headers: Record<string, string> }>;
}

export function cookieBrowser(origin: string): CookieBrowser {
  const cookies = new Map<string, string>();
  const sent: CookieBrowser['sent'] = [];
  const jarFetch: typeof fetch = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Origin', origin);
    if (init.credentials === 'include' && cookies.size > 0) {
      headers.set('Cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    sent.push({ path: new URL(String(input)).pathname, headers: Object.fromEntries(headers) });
    const res = await fetch(input, { ...init, headers });
    if (init.credentials === 'include') {
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const expired = attributes.some(
          (a) =>
            /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a) ||
            (/^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]) <= Date.now()),
        );
        if (expired) cookies.delete(name);
        else cookies.set(name, pair.slice(eq + 1).trim());
      }
    }
    return res;
  };
  return { fetch: jarFetch, cookies, sent };
}
