import * as v from 'valibot';

/** What the About box and diagnostics show about the running app. */
export const AppInfoSchema = v.object({
  name: v.string(),
  version: v.string(),
  platform: v.picklist(['linux', 'darwin', 'win32', 'other']),
  /** Which face of the services the renderer is attached to: the desktop app or the browser bridge. */
  carrier: v.picklist(['electron', 'websocket']),
  runtime: v.object({ node: v.string(), electron: v.nullable(v.string()), chrome: v.nullable(v.string()) }),
});
export type AppInfo = v.InferOutput<typeof AppInfoSchema>;

/** What main may ask the window to do (menus, tray, global shortcuts). */
export const UiCommandSchema = v.picklist(['focus-dialer', 'transfer', 'show-phone', 'show-history', 'show-accounts', 'show-certificates', 'show-settings']);
export type UiCommand = v.InferOutput<typeof UiCommandSchema>;
export const UiCommandEventSchema = v.object({ command: UiCommandSchema });
