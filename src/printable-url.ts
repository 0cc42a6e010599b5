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

// scheme://[userinfo@]rest — stops at whitespace, quotes and brackets, as URLs appear inside messages.
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>()[\]{}`]+)/gi;

/**
 * `text` with the userinfo and the query string / fragment of every URL in it removed (`http://u:p@host/a?key=1`
 * becomes `http://host/a`). Used on every message this package prints or records; cheap when there is no `://`.
 *
 * @example
 * stripUrlSecrets('could not reach http://me:hunter2@llm.local/v1?key=abc'); // 'could not reach http://llm.local/v1'
 */
export function stripUrlSecrets(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (_match, scheme: string, rest: string) => {
    // The authority ends at the first '/', '?' or '#'; userinfo is what precedes its last '@'.
    const end = rest.search(/[/?#]/);
    const authority = end < 0 ? rest : rest.slice(0, end);
    const at = authority.lastIndexOf('@');
    const host = at < 0 ? authority : authority.slice(at + 1);
    const tail = end < 0 ? '' : rest.slice(end);
    const cut = tail.search(/[?#]/);
    return `${scheme}${host}${cut < 0 ? tail : tail.slice(0, cut)}`;
  });
}
