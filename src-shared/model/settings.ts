import * as v from 'valibot';

export const ThemePreferenceSchema = v.picklist(['system', 'light', 'dark']);
export type ThemePreference = v.InferOutput<typeof ThemePreferenceSchema>;

/** What Do not disturb answers an incoming call with: 486 Busy Here (most PBXs then offer voicemail) or 603 Decline. */
export const DndResponseSchema = v.picklist(['busy', 'decline']);

/** User-facing application settings (account settings live with accounts). */
export const AppSettingsSchema = v.object({
  theme: ThemePreferenceSchema,
  /** Closing the window hides it to the tray; the phone keeps taking calls. */
  closeToTray: v.boolean(),
  /** The one-time "still running in the tray" hint was shown. */
  closeHintShown: v.boolean(),
  /** Start with the window hidden in the tray. */
  startMinimized: v.boolean(),
  /** Start when the user logs in (OS login item). */
  startAtLogin: v.boolean(),
  /** Decline every incoming call without ringing. */
  doNotDisturb: v.boolean(),
  dndResponse: DndResponseSchema,
  /** System-wide shortcuts for answer, hang up and mute (work while another app has focus). */
  globalShortcuts: v.boolean(),
  /** OS notifications for incoming and missed calls. */
  notifications: v.boolean(),
});
export type AppSettings = v.InferOutput<typeof AppSettingsSchema>;

/** The settings of a new installation; a stored file keeps what is valid and takes these for the rest. */
export const DEFAULT_SETTINGS: AppSettings = Object.freeze({
  theme: 'system',
  closeToTray: true,
  closeHintShown: false,
  startMinimized: false,
  startAtLogin: false,
  doNotDisturb: false,
  dndResponse: 'busy',
  globalShortcuts: false,
  notifications: true,
});

/** A partial update; every field optional, unknown fields rejected. */
export const AppSettingsPatchSchema = v.strictObject({
  theme: v.optional(ThemePreferenceSchema),
  closeToTray: v.optional(v.boolean()),
  closeHintShown: v.optional(v.boolean()),
  startMinimized: v.optional(v.boolean()),
  startAtLogin: v.optional(v.boolean()),
  doNotDisturb: v.optional(v.boolean()),
  dndResponse: v.optional(DndResponseSchema),
  globalShortcuts: v.optional(v.boolean()),
  notifications: v.optional(v.boolean()),
});
export type AppSettingsPatch = v.InferOutput<typeof AppSettingsPatchSchema>;
