import {
  AccountAddSchema,
  AccountCertificateSchema,
  AccountEnableSchema,
  AccountIdRequestSchema,
  AccountListSchema,
  AccountReportRequestSchema,
  AccountsChangedSchema,
  AccountTestSchema,
  AccountUpdateSchema,
  AccountViewSchema,
  AckSchema,
  AppInfoSchema,
  AppSettingsPatchSchema,
  UiCommandEventSchema,
  AppSettingsSchema,
  AudioChooseSchema,
  AudioDevicesViewSchema,
  CallDevicesSchema,
  CallIdRequestSchema,
  CallListSchema,
  CallQualityViewSchema,
  CallViewSchema,
  CompleteTransferSchema,
  ConsultSchema,
  DeclineSchema,
  DialRequestSchema,
  DialSchema,
  DtmfReceivedSchema,
  DtmfSchema,
  EmptySchema,
  ExportChainSchema,
  HistoryChangedSchema,
  HistoryPageSchema,
  HistoryQuerySchema,
  HistoryRemoveSchema,
  InspectionViewSchema,
  InspectSchema,
  LevelsViewSchema,
  MicLevelSchema,
  MicTestResultSchema,
  MicTestSchema,
  MuteSchema,
  OpenUriSchema,
  PemExportSchema,
  RegistrationViewSchema,
  TestCancelSchema,
  TestResultSchema,
  TestStartedSchema,
  TestStepViewSchema,
  TestToneSchema,
  TransferSchema,
  VoicemailListSchema,
  VoicemailViewSchema,
  CallProblemSchema,
  SipLogQuerySchema,
  SipLogPageSchema,
  SipLogEntryViewSchema,
  SipLogExportSchema,
  TlsEventListSchema,
  TlsEventViewSchema,
  ExplainSdpSchema,
  SdpExplanationSchema,
  BundleRequestSchema,
  BundleResultSchema,
  TrustCaSchema,
  PinSchema,
  ChainOnlySchema,
} from './schemas.js';
import { event, request } from './define.js';
import { ProvisioningViewSchema } from '../model/provisioning.js';
import { ProblemSchema } from './errors.js';
import * as v from 'valibot';

/**
 * The one door between processes (DESIGN.md rule 2). Every channel is named here once:
 * requests (renderer → main, answered) and events (main → renderer). The preload API, the
 * WebSocket carrier and main's dispatcher are all generated from this object; a channel added
 * here without a main-side handler fails to compile (ipc/bindings.ts) and fails a test.
 *
 * Payloads are view models (src-shared/model): no protocol or platform types, and no secret
 * ever goes out. A password crosses the door only inward (accounts.add, accounts.update,
 * accounts.test with a draft).
 */
export const contract = {
  requests: {
    app: {
      getInfo: request(EmptySchema, AppInfoSchema, 'Name, version, platform and carrier of the running app.'),
      provisioning: request(EmptySchema, ProvisioningViewSchema, 'Where provisioning came from (each source applied, refused with the field named, or absent) and what it allows.'),
      startupProblems: request(EmptySchema, v.array(ProblemSchema), 'Problems found while starting (a damaged file set aside, a password not kept, provisioning refused), to tell the person.'),
    },
    settings: {
      get: request(EmptySchema, AppSettingsSchema, 'The current application settings.'),
      update: request(AppSettingsPatchSchema, AppSettingsSchema, 'Changes some settings and returns all of them.'),
    },
    dialer: {
      openUri: request(OpenUriSchema, AckSchema, 'Routes a sip:, sips: or tel: URI to the dialer (as the OS does for links).'),
    },
    accounts: {
      list: request(EmptySchema, AccountListSchema, 'Every account with its live registration.'),
      add: request(AccountAddSchema, AccountViewSchema, 'Adds an account (the password comes in here, once) and registers it when enabled.'),
      update: request(AccountUpdateSchema, AccountViewSchema, 'Replaces an account’s settings (a password left out is kept) and reconnects it.'),
      remove: request(AccountIdRequestSchema, AckSchema, 'Unregisters and deletes an account and its stored secrets.'),
      setEnabled: request(AccountEnableSchema, AccountViewSchema, 'Enables (connects and registers) or disables (unregisters) an account.'),
      setDefault: request(AccountIdRequestSchema, AccountViewSchema, 'Makes an account the one calls are placed from by default.'),
      retry: request(AccountIdRequestSchema, AckSchema, 'Retry now: reconnects and re-registers without waiting for the backoff.'),
      test: request(AccountTestSchema, TestStartedSchema, 'Starts a connection test of a stored or draft account; steps arrive as accounts.testStep events.'),
      cancelTest: request(TestCancelSchema, AckSchema, 'Stops a running connection test.'),
    },
    calls: {
      list: request(EmptySchema, CallListSchema, 'The calls in progress.'),
      dial: request(DialSchema, CallViewSchema, 'Calls a number, user@host or sip:/sips:/tel: URI from an account (default: the default account).'),
      answer: request(CallIdRequestSchema, AckSchema, 'Answers a ringing incoming call (other calls go on hold).'),
      decline: request(DeclineSchema, AckSchema, 'Declines a ringing call: 486 Busy Here (busy) or 603 Decline.'),
      hangup: request(CallIdRequestSchema, AckSchema, 'Ends a call in any state (CANCEL, decline or BYE).'),
      hold: request(CallIdRequestSchema, AckSchema, 'Puts a call on hold (re-INVITE, sendonly).'),
      resume: request(CallIdRequestSchema, AckSchema, 'Takes a call off hold.'),
      setMuted: request(MuteSchema, AckSchema, 'Mutes or unmutes the microphone for a call.'),
      sendDtmf: request(DtmfSchema, AckSchema, 'Sends DTMF digits (RFC 4733, or SIP INFO when not negotiated).'),
      transfer: request(TransferSchema, AckSchema, 'Blind transfer: asks the far end to call the target (REFER).'),
      consult: request(ConsultSchema, CallViewSchema, 'Attended transfer, step one: holds the call and calls the target.'),
      completeTransfer: request(CompleteTransferSchema, AckSchema, 'Attended transfer, step two: connects the far ends of both calls (REFER with Replaces).'),
      swap: request(CallIdRequestSchema, AckSchema, 'Resumes a held call and holds the others.'),
      setDevices: request(CallDevicesSchema, AckSchema, 'Moves one call’s audio to another microphone or speaker.'),
    },
    history: {
      list: request(HistoryQuerySchema, HistoryPageSchema, 'A page of the call history, newest first, optionally searched and filtered.'),
      remove: request(HistoryRemoveSchema, AckSchema, 'Deletes entries from the history.'),
      clear: request(EmptySchema, AckSchema, 'Deletes the whole history.'),
      markSeen: request(EmptySchema, HistoryChangedSchema, 'The person looked at the history: clears the missed-call count.'),
    },
    voicemail: {
      list: request(EmptySchema, VoicemailListSchema, 'The voicemail indicator of every account that has one.'),
    },
    audio: {
      list: request(EmptySchema, AudioDevicesViewSchema, 'Sound devices, headset pairs and the current choice.'),
      choose: request(AudioChooseSchema, AudioDevicesViewSchema, 'Chooses microphone, speaker, ringing device, echo cancellation and volumes (live calls follow).'),
      testTone: request(TestToneSchema, AckSchema, 'Plays a test tone on the speaker (or the ringtone on the ringing device).'),
      testMicrophone: request(MicTestSchema, MicTestResultSchema, 'Listens to the microphone for a moment; the meter arrives as audio.micLevel events.'),
    },
    certificates: {
      forAccount: request(AccountReportRequestSchema, AccountCertificateSchema, 'The certificate report of an account’s current (or last attempted) TLS connection.'),
      checkAccountAddresses: request(AccountReportRequestSchema, InspectionViewSchema, 'Checks every address behind an account’s server (A/AAAA of each SRV target) with the account’s TLS settings.'),
      inspect: request(InspectSchema, InspectionViewSchema, 'Connects to any host[:port] with a server name and optional CAs and reports each address.'),
      exportChain: request(ExportChainSchema, PemExportSchema, 'The certificate chain of an account’s server or an inspected address, as PEM.'),
      tlsEvents: request(AccountReportRequestSchema, TlsEventListSchema, 'The TLS event log of an account: every connection, reconnection (re-verified) and failure, newest last.'),
      trustCa: request(TrustCaSchema, AccountViewSchema, 'Trust a CA of the account’s last chain for this account (policy permitting) and reconnect.'),
      pin: request(PinSchema, AccountViewSchema, 'Pin the server’s key or certificate from the account’s last chain (policy permitting) and reconnect.'),
      useChainOnly: request(ChainOnlySchema, AccountViewSchema, 'Verify the account’s server by its chain only, without the name check (weaker; policy permitting).'),
    },
    diagnostics: {
      sipLog: request(SipLogQuerySchema, SipLogPageSchema, 'The SIP messages of an account (or all), newest last, secrets masked; optionally of one call.'),
      exportSipLog: request(SipLogQuerySchema, SipLogExportSchema, 'The SIP log as text for a file (masked).'),
      explainSdp: request(ExplainSdpSchema, SdpExplanationSchema, 'What the phone would answer to a pasted SDP offer, and why (keys masked).'),
      writeBundle: request(BundleRequestSchema, BundleResultSchema, 'Writes the diagnostics zip for IT (trace, TLS events, tests, call quality, versions, settings), masked.'),
    },
  },
  events: {
    app: {
      command: event(UiCommandEventSchema, 'Main asks the window to do something only it can (focus the dialer, open Transfer, show a view), from a menu, the tray or a shortcut.'),
    },
    settings: {
      changed: event(AppSettingsSchema, 'Settings changed (from this window, another one, or provisioning).'),
    },
    dialer: {
      dialRequested: event(DialRequestSchema, 'Put this target into the dialer and bring the Phone view forward.'),
    },
    accounts: {
      changed: event(AccountsChangedSchema, 'The account list or an account’s settings changed.'),
      testStep: event(TestStepViewSchema, 'A step of a running connection test started or finished.'),
      testFinished: event(TestResultSchema, 'A connection test finished (or was cancelled).'),
    },
    certificates: {
      tlsEvent: event(TlsEventViewSchema, 'An account’s flow connected, reconnected (re-verified) or failed its TLS handshake.'),
    },
    diagnostics: {
      sipMessage: event(SipLogEntryViewSchema, 'A SIP message was sent or received (masked); only while a SIP log is open is it worth showing.'),
    },
    registration: {
      changed: event(RegistrationViewSchema, 'An account’s registration changed (connecting, registered, failed with the reason).'),
    },
    calls: {
      changed: event(CallListSchema, 'The calls in progress changed (a new call, a state, an action becoming possible, an end).'),
      quality: event(CallQualityViewSchema, 'Call quality from RTCP (every few seconds during a call).'),
      levels: event(LevelsViewSchema, 'Microphone and speaker meters of a call (at most 10 a second).'),
      dtmfReceived: event(DtmfReceivedSchema, 'The far end sent a DTMF digit.'),
      problem: event(CallProblemSchema, 'Something failed inside a call without ending it (hold refused, DTMF refused, a device lost).'),
    },
    history: {
      changed: event(HistoryChangedSchema, 'The call history changed (a call ended, entries removed).'),
    },
    voicemail: {
      changed: event(VoicemailViewSchema, 'An account’s voicemail indicator changed.'),
    },
    audio: {
      changed: event(AudioDevicesViewSchema, 'A device was plugged in or out, or the choice changed.'),
      micLevel: event(MicLevelSchema, 'The microphone meter during audio.testMicrophone (10 a second).'),
    },
  },
} as const;

export type Contract = typeof contract;
