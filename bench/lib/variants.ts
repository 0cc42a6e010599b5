/** The decorated and hand-wrapped variants of the fixture classes, built the way users build them. */
import { traceApplication, traceBackend, traceMethods } from '../../src';
import { ACTION, type Backend, CONTEXT, OPTIONS, ollamaBackendClass, type Session, sessionClass } from './fixtures';
import { rawSpanOnly, rawTracedAct, rawTracedChat, rawTracedChatSync } from './raw-wrappers';

export function bareBackend(): Backend {
  return new (ollamaBackendClass())();
}

/** `@traceBackend('chat')` on `chat` and the sync `chatSync`, `@traceBackend('count_tokens')` on the sync `countTokens`. */
export function decoratedBackend(): Backend {
  const Backend = traceMethods(ollamaBackendClass(), {
    chat: traceBackend('chat'),
    chatSync: traceBackend('chat'),
    countTokens: traceBackend('count_tokens'),
  });
  return new Backend();
}

export function rawBackend(): Backend {
  const Backend = ollamaBackendClass();
  Backend.prototype.chat = rawTracedChat(Backend.prototype.chat);
  Backend.prototype.chatSync = rawTracedChatSync(Backend.prototype.chatSync);
  return new Backend();
}

export function rawSpanOnlyBackend(): Backend {
  const Backend = ollamaBackendClass();
  Backend.prototype.chat = rawSpanOnly(Backend.prototype.chat);
  return new Backend();
}

/** `@traceApplication('aact')` on `act`, over `backend`. */
export function decoratedSession(backend: Backend): Session {
  const Session = traceMethods(sessionClass(), { act: traceApplication('aact') });
  return new Session(backend, CONTEXT);
}

export function rawSession(backend: Backend): Session {
  const Session = sessionClass();
  Session.prototype.act = rawTracedAct(Session.prototype.act);
  return new Session(backend, CONTEXT);
}

export { ACTION, CONTEXT, OPTIONS };
