import type { Problem } from '../../../src-shared/ipc/errors.js';
import type { MediaFailure } from '../../media/call-media.js';
import { problem } from '../problems/problem-catalog.js';

const MEDIA_CODES: Readonly<Record<MediaFailure['code'], Problem['code']>> = {
  'insecure-signalling': 'media-insecure-signalling',
  'no-codecs': 'media-no-codecs',
  'bad-config': 'media-bad-config',
  'unparseable-sdp': 'media-unparseable-sdp',
  'not-acceptable': 'media-not-acceptable',
  'media-count-mismatch': 'media-count-mismatch',
  'no-media': 'media-no-media',
  'socket-failed': 'media-socket-failed',
};

/** A media failure (CallMedia or the session's SdpHandler) as a problem. */
export function mediaProblem(failure: { readonly code: string; readonly sipStatus?: number }): Problem {
  const code = (MEDIA_CODES as Readonly<Record<string, Problem['code']>>)[failure.code] ?? 'media-bad-config';
  return problem(code, { mediaCode: failure.code });
}
