/**
 * Frames of the loopback WebSocket carrier (shared shape with src-renderer/bridge/websocket-transport.ts,
 * which declares the same literal types: the renderer may not import main's code).
 *   renderer → main: {t:'req', id, ch, p}
 *   main → renderer: {t:'res', id, r: envelope} | {t:'evt', ch, p}
 */
export const WS_MAX_FRAME_BYTES = 1024 * 1024;
export const WS_PATH = '/ipc';
