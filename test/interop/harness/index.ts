/**
 * The interop harness: real Debian peers (Kamailio, baresip, sipp behind stunnel4) on loopback
 * for user-agent and media interop tests. See README.md in this folder. The vitest wiring
 * (`useHarnessScope`, `assertNoLivePeers`) is in ./vitest-scope.js, kept out of here so that
 * non-test code (benchmarks) can use the harness without importing vitest.
 */
export { requirePeers, checkPeers, findExecutable, type PeerName, type PeerCheck } from './peers.js';
export { HarnessScope, type Stoppable } from './harness-scope.js';
export { allocatePort, allocatePorts, isPortFree, canConnectTcp, waitForTcpPort, LOOPBACK_V4, LOOPBACK_V6, type LoopbackHost } from './ports.js';
export { ManagedProcess, type SpawnPeerOptions, type ExitInfo } from './managed-process.js';
export { liveProcesses, killAllProcesses, reapOrphans } from './process-registry.js';
export { withLoopbackBinds, loopbackBindShim } from './loopback-bind-shim.js';
export { socketsOfProcessGroup, isLoopbackBind, type PeerSocket } from './process-sockets.js';
export { createInteropPki, SERVER_CERTIFICATE_KINDS, type InteropPki, type ServerCertificateKind } from './interop-pki.js';
export { startKamailio, type Kamailio, type KamailioOptions, type KamailioUser, type KamailioPorts } from './kamailio/kamailio.js';
export {
  startBaresip,
  listRecordings,
  type Baresip,
  type BaresipOptions,
  type BaresipEvent,
  type BaresipRecording,
  type BaresipCodec,
  type BaresipMediaEncryption,
  type BaresipAudioSource,
  type BaresipAnswerMode,
} from './baresip/baresip.js';
export { startSippBehindStunnel, SCENARIO_DIR, type SippBehindStunnel, type SippOptions, type SippUacOptions, type SippUasOptions } from './sipp/sipp.js';
export { startStunnel, type Stunnel, type StunnelMode } from './sipp/stunnel.js';
export { readSipDumpDir, parseSipDump, parseLiteSipMessage, sdpAddresses, isLoopbackAddress, type SipLogEntry, type LiteSipMessage } from './sip-log.js';
export { SipStreamClient, buildRequest, sipToken, type ReceivedSipMessage } from './sip-stream-client.js';
export { registerProbe, requestWithAuth, buildResponse, uacDialogFrom2xx, buildInDialogRequest, sdesSdp } from './sip-probe.js';
export { parseDigestChallenge, digestAuthorization, digestResponse } from './sip-digest.js';
export { readWav, parseWav, writeWav, encodeWav, type WavAudio } from './audio/wav.js';
export { analyseTone, type ToneAnalysis } from './audio/tone-analysis.js';
export { generateToneWav, generateSpeechWav, soxStat } from './audio/test-audio.js';
