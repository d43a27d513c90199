import type { CommandTable } from './commands.js';
import { ANSWER_USAGE, answerCommand, CALL_USAGE, callCommand, REGISTER_USAGE, registerCommand } from './commands/phone-commands.js';
import { DEVICES_USAGE, devicesCommand } from './commands/devices.js';
import { SDP_ANSWER_USAGE, sdpAnswer } from './commands/sdp-answer.js';
import { SIP_CHECK_USAGE, sipCheck } from './commands/sip-check.js';
import { TLS_CHECK_USAGE, tlsCheck } from './commands/tls-check.js';
import { WEB_USAGE, webCommand } from './web-face.js';

/** Every subcommand of `softphone`, in the order `--help` lists them. */
export const COMMANDS: CommandTable = {
  register: {
    usage: REGISTER_USAGE,
    summary: 'Register an account and stay registered (unregister on exit).',
    run: registerCommand,
  },
  call: {
    usage: CALL_USAGE,
    summary: 'Place a call (SIP over TLS, SRTP), optionally playing/recording WAV files.',
    run: callCommand,
  },
  answer: {
    usage: ANSWER_USAGE,
    summary: 'Register and auto-answer incoming calls.',
    run: answerCommand,
  },
  'tls-check': {
    usage: TLS_CHECK_USAGE,
    summary: "Check a SIP server's TLS: version, cipher, certificate chain, verdict with the typed error.",
    run: tlsCheck,
  },
  devices: {
    usage: DEVICES_USAGE,
    summary: 'List the sound devices PortAudio sees, the system defaults and the one-click headset pairs.',
    run: devicesCommand,
  },
  'sdp-answer': {
    usage: SDP_ANSWER_USAGE,
    summary: 'Show what we would answer to an SDP offer (keys masked) and why, or why we refuse it.',
    run: sdpAnswer,
  },
  'sip-check': {
    usage: SIP_CHECK_USAGE,
    summary: 'Parse raw SIP messages from files and report every problem, one JSON line per file.',
    run: sipCheck,
  },
  web: {
    usage: WEB_USAGE,
    summary: 'Serve the real UI to a browser on 127.0.0.1 (development and end-to-end tests).',
    run: webCommand,
  },
};
