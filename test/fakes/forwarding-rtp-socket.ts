/**
 * An RTP socket that forwards to another one but offers no `connect` (so every datagram reaches
 * the process), optionally with its own `send`: the media integration tests wrap real sockets
 * with it to corrupt what is sent or to see every stranger's datagram.
 */
import type { RtpSocket } from '../../src-main/media/call/rtp-socket-port.js';

export function forwardingRtpSocket(s: RtpSocket, send: RtpSocket['send'] = (bytes, p, a) => s.send(bytes, p, a)): RtpSocket {
  return {
    get localAddress() {
      return s.localAddress;
    },
    get localPort() {
      return s.localPort;
    },
    get sendErrors() {
      return s.sendErrors;
    },
    onDatagram: s.onDatagram,
    onError: s.onError,
    send,
    dispose: () => s.dispose(),
  };
}
