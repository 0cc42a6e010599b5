/**
 * URLs as this package prints and records them: no userinfo (`user:password@`), no query string, no fragment —
 * where API keys and passwords travel.
 */

/** `url` without userinfo, query and fragment; undefined when it is not a URL. */
export function printableUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return undefined;
  }
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
