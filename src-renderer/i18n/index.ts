import { createI18n } from 'vue-i18n';
import { en } from './en';

/**
 * Every string of the renderer goes through vue-i18n (English now). Messages are per domain in
 * `i18n/en/*.ts`; words that describe the phone's state (errors, end reasons, security summaries)
 * are made in main, once, and arrive in view models.
 */
export type MessageSchema = typeof en;

export function createSoftphoneI18n(locale = 'en') {
  return createI18n<[MessageSchema], 'en', false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en },
    missingWarn: false,
    fallbackWarn: false,
  });
}
