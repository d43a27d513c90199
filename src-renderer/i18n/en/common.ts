/** English strings: the shell, navigation and shared pieces. */
export const common = {
  appName: 'Secure Softphone',
  nav: {
    label: 'Main',
    phone: 'Phone',
    history: 'History',
    historyMissed: 'History, {n} missed',
    accounts: 'Accounts',
    certificates: 'Certificates',
    diagnostics: 'Diagnostics',
    settings: 'Settings',
  },
  status: {
    none: 'No account',
    registered: 'Registered',
    connecting: 'Connecting…',
    failed: 'Not registered',
    unregistered: 'Offline',
  },
  dnd: { on: 'Do not disturb is on: calls are declined without ringing.', turnOff: 'Turn off' },
  close: 'Close',
  cancel: 'Cancel',
  loading: 'Loading…',
  security: {
    secure: 'Secure',
    weaker: 'Weaker',
    insecure: 'Not secure',
    pending: 'Securing…',
    unknown: 'Unknown',
  },
  callStatusRegion: 'Call status',
  bootError: 'The phone service is not reachable',
};
