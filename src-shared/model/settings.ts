import * as v from 'valibot';

export const ThemePreferenceSchema = v.picklist(['system', 'light', 'dark']);
export type ThemePreference = v.InferOutput<typeof ThemePreferenceSchema>;

/** User-facing application settings (account settings live with accounts). */
export const AppSettingsSchema = v.object({
  theme: ThemePreferenceSchema,
});
export type AppSettings = v.InferOutput<typeof AppSettingsSchema>;

/** A partial update; every field optional, unknown fields rejected. */
export const AppSettingsPatchSchema = v.strictObject({
  theme: v.optional(ThemePreferenceSchema),
});
export type AppSettingsPatch = v.InferOutput<typeof AppSettingsPatchSchema>;
