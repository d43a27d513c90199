import type { Session } from 'electron';

/**
 * The renderer needs no browser permission at all: audio runs in main through PortAudio, so
 * microphone, camera, notifications-from-web, geolocation, etc. are all denied.
 */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
