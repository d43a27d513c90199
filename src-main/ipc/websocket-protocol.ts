/**
 * Frames of the loopback WebSocket carrier (shared shape with src-renderer/bridge/websocket-transport.ts,
 * which declares the same literal types: the renderer may not import main's code).
 *   renderer → main: {t:'req', id, ch, p}
 *   main → renderer: {t:'res', id, r: envelope} | {t:'evt', ch, p}
 */
export const WS_MAX_FRAME_BYTES = 1024 * 1024;
export const WS_PATH = '/ipc';

/** A renderer → main request frame as read off the wire. */
export interface RequestFrame {
  readonly id: number | string;
  readonly ch: unknown;
  readonly p: unknown;
}

/**
 * Reads one text frame (null for a binary one): a request frame, or `{ id }` of a malformed one
 * (id null when it cannot be told), to answer with `invalid-payload`. Never throws.
 */
export function readRequestFrame(text: string | null): { ok: true; frame: RequestFrame } | { ok: false; id: number | string | null } {
  let frame: unknown;
  try {
    frame = text === null ? undefined : JSON.parse(text);
  } catch {
    frame = undefined;
  }
  const id = isRecord(frame) && (typeof frame.id === 'number' || typeof frame.id === 'string') ? frame.id : null;
  if (!isRecord(frame) || frame.t !== 'req' || id === null) return { ok: false, id };
  return { ok: true, frame: { id, ch: frame.ch, p: frame.p } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
