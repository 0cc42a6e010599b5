/**
 * URLs as this package prints or exposes them: without userinfo (`user:password@`), query string or fragment,
 * which is where credentials ride in a URL. The real URL is only ever handed to the exporter.
 */

/**
 * `raw` without userinfo, query and fragment; unchanged when it has none. Works on unparsable input too (a
 * malformed endpoint is quoted in a warning), and never throws.
 *
 * @example
 * printableUrl('https://user:secret@collector:4318/v1/traces?token=abc'); // 'https://collector:4318/v1/traces'
 * printableUrl('user:secret@collector:4317');                              // 'collector:4317'
 */
export function printableUrl(raw: string): string {
  // Only a `scheme://` URL has an authority the URL parser can be trusted to find: `user:pw@host` parses as the
  // scheme `user:` with the password in its path.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      if (url.username === '' && url.password === '' && url.search === '' && url.hash === '') return raw;
      return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    } catch {
      // fall through to the textual scrub
    }
  }
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1').replace(/[?#].*$/s, '');
}
