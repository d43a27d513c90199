/**
 * `softphone sdp-answer OFFER.sdp [--policy mandatory|optional|off] [--transport tls|wss|tcp|udp|ws]
 *  [--allow-insecure] [--suites S1,S2,...] [--json]`
 *
 * Prints what our negotiator would answer to a PBX's or phone's SDP offer (keys masked) and the
 * negotiation report - so IT can paste an offer from a log and see why a secure call fails.
 *
 * Exit status: 0 we would answer, 1 we would refuse (488, or 400 for an unparseable offer),
 * 2 usage error (bad option, unreadable file).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CryptoRng } from '../../base/rng.js';
import { maskInlineKeys } from '../../protocol/sdes/crypto-attribute.js';
import { formatNegotiationReport } from '../../protocol/sdes/negotiation-report.js';
import { SIGNALLING_TRANSPORTS, SRTP_POLICIES, type SignallingTransport, type SrtpPolicy } from '../../protocol/sdes/sdes-config.js';
import { createAnswer, type LocalMediaConfig } from '../../protocol/sdp/offer-answer.js';
import { canonicalSuiteName, type SrtpSuiteName } from '../../protocol/srtp/srtp-suite.js';
import { TELEPHONE_EVENT, TELEPHONE_EVENT_48K } from '../../media/call/local-media-config.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand } from '../cli-io.js';

export const SDP_ANSWER_USAGE = 'sdp-answer OFFER.sdp [--policy mandatory|optional|off] [--transport tls|wss|tcp|udp|ws] [--allow-insecure] [--suites LIST] [--json]';

const HELP = `Usage: softphone ${SDP_ANSWER_USAGE}

Shows the SDP answer our negotiator would give to OFFER.sdp (SRTP keys masked) and explains the
media-encryption outcome: suites offered, suite and tag chosen, or why the call would fall back to
plain RTP or be refused with 488.

  --policy P        account media encryption: mandatory (default), optional, off
  --transport T     transport of the SIP hop the offer came over (default tls); keys are never
                    written into SDP over tcp/udp/ws unless --allow-insecure is given
  --allow-insecure  allow SDES keys over a non-TLS hop (anyone on the path can decrypt the media)
  --suites LIST     comma-separated SRTP suites to accept, in preference order
  --json            machine-readable output: {"status", "answer", "report"}

Exit status: 0 would answer, 1 would refuse, 2 usage error.
`;

/** Codecs the media engine implements, in the default preference order. */
const DEFAULT_CODECS: LocalMediaConfig['codecs'] = [
  { payloadType: 111, encodingName: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1' },
  { payloadType: 9, encodingName: 'G722', clockRate: 8000 },
  { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
  { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
  TELEPHONE_EVENT_48K,
  TELEPHONE_EVENT,
];

interface Options {
  file: string;
  policy: SrtpPolicy;
  transport: SignallingTransport;
  allowInsecure: boolean;
  suites?: SrtpSuiteName[];
  json: boolean;
}

function parseArgs(args: readonly string[]): Options | string {
  let file: string | undefined;
  let policy: SrtpPolicy = 'mandatory';
  let transport: SignallingTransport = 'tls';
  let allowInsecure = false;
  let suites: SrtpSuiteName[] | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    switch (a) {
      case '--policy': {
        const v = value();
        if (!SRTP_POLICIES.includes(v as SrtpPolicy)) return `--policy must be one of ${SRTP_POLICIES.join(', ')}`;
        policy = v as SrtpPolicy;
        break;
      }
      case '--transport': {
        const v = value()?.toLowerCase();
        if (!SIGNALLING_TRANSPORTS.includes(v as SignallingTransport)) return `--transport must be one of ${SIGNALLING_TRANSPORTS.join(', ')}`;
        transport = v as SignallingTransport;
        break;
      }
      case '--allow-insecure':
        allowInsecure = true;
        break;
      case '--suites': {
        const v = value();
        if (v === undefined || v === '') return '--suites needs a comma-separated list';
        const names = v.split(',').map((s) => s.trim());
        const canonical = names.map((n) => canonicalSuiteName(n));
        const bad = names.filter((_, k) => canonical[k] === undefined);
        if (bad.length > 0) return `unknown SRTP suite(s): ${bad.join(', ')}`;
        suites = canonical as SrtpSuiteName[];
        break;
      }
      case '--json':
        json = true;
        break;
      default:
        if (a.startsWith('-')) return `unknown option ${a}`;
        if (file !== undefined) return 'only one OFFER.sdp file';
        file = a;
    }
  }
  if (file === undefined) return 'missing OFFER.sdp';
  return { file, policy, transport, allowInsecure, json, ...(suites === undefined ? {} : { suites }) };
}

export const sdpAnswer: CliCommand = async (args, io) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const opts = parseArgs(args);
  if (typeof opts === 'string') {
    io.stderr.write(`softphone sdp-answer: ${opts}\n${HELP}`);
    return EXIT_USAGE;
  }
  let offer: Buffer;
  try {
    offer = readFileSync(isAbsolute(opts.file) ? opts.file : resolve(io.cwd, opts.file));
  } catch (e) {
    io.stderr.write(`softphone sdp-answer: cannot read ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return EXIT_USAGE;
  }
  const config: LocalMediaConfig = {
    address: '192.0.2.1',
    port: 40000,
    codecs: DEFAULT_CODECS,
    ptime: 20,
    srtp: {
      policy: opts.policy,
      transport: opts.transport,
      ...(opts.allowInsecure ? { allowInsecureTransport: true } : {}),
      ...(opts.suites === undefined ? {} : { suites: opts.suites }),
    },
  };
  const result = createAnswer(offer, config, { rng: new CryptoRng() });
  if (opts.json) {
    const body = result.ok
      ? { status: 200, answer: maskInlineKeys(result.value.text), report: result.value.report }
      : { status: result.error.sipStatus, answer: null, error: { code: result.error.code, message: result.error.message }, report: result.error.report ?? null };
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return result.ok ? EXIT_OK : EXIT_FAILURE;
  }
  if (result.ok) {
    io.stdout.write(`Answer SDP (SRTP keys masked):\n\n${maskInlineKeys(result.value.text).replace(/\r\n/g, '\n')}\n`);
    io.stdout.write(`${formatNegotiationReport(result.value.report)}\n`);
    return EXIT_OK;
  }
  io.stdout.write(`Would refuse with SIP ${result.error.sipStatus}: ${result.error.message}\n`);
  if (result.error.report !== undefined) io.stdout.write(`\n${formatNegotiationReport(result.error.report)}\n`);
  return EXIT_FAILURE;
};
